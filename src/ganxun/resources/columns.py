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


# --- teachers and courses (interfaces.md names the kinds; the columns are this issue's) ---------------------

TEACHER_COLUMNS = ["教师编码", "姓名", "教师类型", "所属机构编码", "所属单位编码", "职称", "擅长专题", "人员编码", "入库日期", "状态"]
TEACHER_REQUIRED = ["教师编码", "姓名", "教师类型"]
COURSE_COLUMNS = ["课程编码", "课程名称", "内容类别", "教学方法", "学时", "授课教师编码", "精品课程", "所属机构编码"]
COURSE_REQUIRED = ["课程编码", "课程名称", "内容类别", "教学方法", "学时"]
# Our extension: a course in an org's own library (no institution) names its org; optional on import.
COURSE_EXTRA = ["所属单位编码"]


def teacher_row(t) -> list:
    return [t.code, t.name, t.get_kind_display(), t.institution.code if t.institution_id else "",
            t.owner_org.code if t.owner_org_id else "", t.title.label if t.title_id else "", t.subjects,
            t.cadre.person_code if t.cadre_id else "", t.admitted_on or "", t.get_status_display()]


def course_row(c, teacher_codes: list[str]) -> list:
    return [c.code, c.name, c.get_category_display(), c.get_method_display(), c.hours, "、".join(teacher_codes),
            c.featured, c.institution.code if c.institution_id else "", c.owner_org.code if c.owner_org_id else ""]
