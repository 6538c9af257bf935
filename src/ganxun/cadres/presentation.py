"""How the registry's audit rows read (变更历史, 操作日志)."""

from ganxun.audit.models import EventType
from ganxun.audit.presentation import register_fields, register_lines
from ganxun.cadres.models import CadreCategory, Gender, LocalTeam
from ganxun.cadres.ranks import Rank, Tier
from ganxun.cadres.validation import LABELS

register_fields("cadre", {**LABELS, "org": "单位", "managing_department": "干部管理权限", "is_selected_graduate": "选调生",
                          "tier": "层级"},
                {"gender": lambda v: Gender(v).label, "rank": lambda v: Rank(v).label,
                 "category": lambda v: CadreCategory(v).label, "local_team": lambda v: LocalTeam(v).label,
                 "tier": lambda v: Tier(v).label})
register_lines([EventType.CADRE_CREATED], lambda extra: ([], ["新建档案"]))
