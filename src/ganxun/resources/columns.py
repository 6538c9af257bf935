"""The institutions spreadsheet columns (interfaces.md), shared by import, export and the template.

``三学院三基地`` and the details after it (容纳人数 … 简介) are our extension: optional on import (a column
left out keeps the stored value), always written on export so that an export re-imports unchanged. 标签
are separated by 、; 三学院三基地 among them sets the flag.
"""

from ganxun.orgs.models import Level
from ganxun.resources.models import Institution, InstitutionKind

REQUIRED_COLUMNS = ["机构编码", "机构名称", "类型", "级别", "认可", "所属单位编码"]
DETAIL_COLUMNS = {"容纳人数": "capacity", "联系人": "contact_person", "联系电话": "contact_phone", "地址": "address",
                  "标签": "tags", "简介": "description"}
COLUMNS = [*REQUIRED_COLUMNS, "三学院三基地", *DETAIL_COLUMNS]


def export_row(i: Institution) -> list:
    """One institution as the spreadsheet shows it (owner by its 单位编码)."""
    return [i.code, i.name, InstitutionKind(i.kind).label, Level(i.level).label, i.recognised,
            i.owner_org.code if i.owner_org_id else "", i.is_flagship,
            i.capacity if i.capacity is not None else "", i.contact_person, i.contact_phone, i.address, i.tags,
            i.description]
