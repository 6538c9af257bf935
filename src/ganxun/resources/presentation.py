"""How the institutions' audit rows read (变更历史, 操作日志)."""

from ganxun.audit.presentation import register_fields
from ganxun.orgs.models import Level
from ganxun.resources.models import InstitutionKind
from ganxun.resources.services import LABELS

register_fields("institution", LABELS, {"kind": lambda v: InstitutionKind(v).label, "level": lambda v: Level(v).label})
