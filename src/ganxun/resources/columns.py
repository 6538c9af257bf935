"""The institutions spreadsheet columns (interfaces.md), shared by import, export and the template.

``三学院三基地`` is our extension: optional on import (absent, a row keeps the stored flag), always
written on export so that an export re-imports unchanged.
"""

from ganxun.orgs.models import Level
from ganxun.resources.models import Institution, InstitutionKind

REQUIRED_COLUMNS = ["机构编码", "机构名称", "类型", "级别", "认可", "所属单位编码"]
COLUMNS = [*REQUIRED_COLUMNS, "三学院三基地"]


def export_row(i: Institution) -> list:
    """One institution as the spreadsheet shows it (owner by its 单位编码)."""
    return [i.code, i.name, InstitutionKind(i.kind).label, Level(i.level).label, i.recognised,
            i.owner_org.code if i.owner_org_id else "", i.is_flagship]
