"""Reads of the ledger that users see: a record is visible when its cadre is."""

from django.db.models import Exists, OuterRef, QuerySet

from ganxun.cadres.selectors import access_cadre, cadres_visible_to
from ganxun.core.errors import NotFound
from ganxun.records.models import EntryKind, LearningRecord, RecordStatus


def records_visible_to(user) -> QuerySet[LearningRecord]:
    return (LearningRecord.objects.filter(cadre__in=cadres_visible_to(user).order_by().values("pk"))
            .select_related("cadre", "institution"))


def access_record(user, record_id) -> LearningRecord:
    try:
        record_id = int(str(record_id).lstrip("R"))
    except ValueError:
        raise NotFound("学习记录不存在或不在您的管理范围内") from None
    record = records_visible_to(user).filter(pk=record_id).first()
    if record is None:
        raise NotFound("学习记录不存在或不在您的管理范围内")
    return record


def with_reversal_flag(qs: QuerySet[LearningRecord]) -> QuerySet[LearningRecord]:
    return qs.annotate(is_reversed=Exists(LearningRecord.objects.filter(reverses=OuterRef("pk"))))


def records_of_cadre(user, person_code: str) -> QuerySet[LearningRecord]:
    """One cadre's ledger, newest first, each entry flagged when it has been reversed."""
    cadre = access_cadre(user, person_code)
    return with_reversal_flag(LearningRecord.objects.filter(cadre=cadre).select_related("institution", "reverses")
                              .order_by("-end_date", "-id"))


def counted_entries(qs: QuerySet[LearningRecord]) -> QuerySet[LearningRecord]:
    """Entries that count now: approved, completed, not reversed."""
    return (qs.filter(kind=EntryKind.ENTRY, status=RecordStatus.APPROVED, completed=True)
            .exclude(Exists(LearningRecord.objects.filter(reverses=OuterRef("pk")))))


def pending_self_study_visible_to(user) -> QuerySet[LearningRecord]:
    return records_visible_to(user).filter(status=RecordStatus.PENDING).order_by("recorded_at")
