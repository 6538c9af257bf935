"""How the org tree's audit rows read (操作日志)."""

from ganxun.audit.presentation import register_fields
from ganxun.orgs.models import Level, OrgType

register_fields("org", {"name": "单位名称", "org_type": "类型", "level": "级别", "parent": "上级编码"},
                {"org_type": lambda v: OrgType(v).label, "level": lambda v: Level(v).label})
