"""How the resources' audit rows read (变更历史, 操作日志)."""

from ganxun.audit.presentation import register_fields
from ganxun.core.choices import ContentCategory, TeacherKind, TeachingMethod
from ganxun.orgs.models import Level
from ganxun.resources import course_services, dictionary_services, item_services, teacher_services
from ganxun.resources.kinds import ITEM_KINDS
from ganxun.resources.models import InstitutionKind, TeacherStatus
from ganxun.resources.services import LABELS

register_fields("institution", LABELS, {"kind": lambda v: InstitutionKind(v).label, "level": lambda v: Level(v).label})
register_fields("teacher", teacher_services.LABELS, {"kind": lambda v: TeacherKind(v).label,
                                                     "status": lambda v: TeacherStatus(v).label})
register_fields("course", course_services.LABELS, {
    "category": lambda v: ContentCategory(v).label, "method": lambda v: TeachingMethod(v).label,
    "teachers": lambda v: "、".join(v) if isinstance(v, list) else v,
    "version": lambda v: f"第 {v} 版"})
_item_labels: dict = {}
for _kind in ITEM_KINDS.values():
    _item_labels.update({k: v for k, v in item_services.labels_of(_kind).items() if k not in ("code", "name")})
register_fields("resource", {"code": "编码", "name": "名称", **_item_labels})
register_fields("dictionary", dictionary_services.LABELS)
