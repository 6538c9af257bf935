"""The classes, sessions and enrolments spreadsheet columns (interfaces.md), shared by import, export and templates.

Columns after the contract's are our extensions: optional on import (absent, a row keeps what is stored),
always written on export so that an export re-imports unchanged.
"""

from ganxun.classes.models import ClassSession, Enrolment, EnrolmentStatus, TrainingClass
from ganxun.core.choices import ClassKind, ContentCategory, TeacherKind, TeachingMethod

CLASS_REQUIRED = ["班次编码", "班次名称", "班次类型", "主办单位编码", "开始日期", "结束日期"]
CLASS_COLUMNS = ["班次编码", "班次名称", "班次类型", "主办单位编码", "承办机构编码", "开始日期", "结束日期", "脱产",
                 "系统培训", "内容类别", "名额", "培训对象"]
SESSION_REQUIRED = ["班次编码", "日期", "节次", "课程名称", "内容类别", "学时"]
SESSION_COLUMNS = ["班次编码", "日期", "节次", "课程名称", "教师", "教师类型", "内容类别", "教学方法", "学时", "党性分析"]
ENROLMENT_REQUIRED = ["班次编码", "姓名"]
ENROLMENT_COLUMNS = ["班次编码", "人员编码", "身份证号", "姓名", "结业", "状态"]


def _label(choices, value) -> str:
    return choices(value).label if value else ""


def class_row(tc: TrainingClass) -> list:
    return [tc.code, tc.name, ClassKind(tc.kind).label, tc.organiser.code, tc.institution.code if tc.institution_id else "",
            tc.start_date, tc.end_date, tc.full_time, tc.is_system_training, _label(ContentCategory, tc.content_category),
            tc.quota if tc.quota is not None else "", tc.audience]


def session_row(s: ClassSession, class_code: str) -> list:
    return [class_code, s.date, s.slot, s.course_name, s.teacher_name, _label(TeacherKind, s.teacher_kind),
            ContentCategory(s.content_category).label, TeachingMethod(s.method).label, float(s.hours),
            s.is_party_spirit_analysis]


def enrolment_row(e: Enrolment, class_code: str) -> list:
    return [class_code, e.cadre.person_code, e.cadre.id_number_masked, e.cadre.name, e.completed,
            EnrolmentStatus(e.status).label]
