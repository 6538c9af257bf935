"""How the classes' audit rows read (变更历史, 操作日志)."""

from ganxun.audit.presentation import register_fields
from ganxun.classes.services import LABELS, SESSION_LABELS
from ganxun.core.choices import ClassKind, ContentCategory, TeacherKind, TeachingMethod

_label = (lambda choices: (lambda v: choices(v).label if v else "—"))
register_fields("class", {**LABELS, **SESSION_LABELS}, {
    "kind": _label(ClassKind), "content_category": _label(ContentCategory), "teacher_kind": _label(TeacherKind),
    "method": _label(TeachingMethod)})
