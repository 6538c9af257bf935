"""Writes to the learning ledger. Every function is one transaction: the entries, the totals, the audit.

The ledger is append-only: ``record_reverse`` appends a negative twin, ``record_correct`` reverses and
appends the corrected entry. An existing entry's values never change. Two things do: the review of a
cadre's self-study (which never counted while it waited), and, on a correction, the 外部编号 moving
from the reversed entry to the corrected one, so that the other system's key always names the entry
that counts now (a later import or correction of that key finds it; compliance evidence cites it).
"""

import dataclasses
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from ganxun.audit.events import EventType, build_event, import_summary_event, record_event, record_events
from ganxun.audit.models import AuditEvent
from ganxun.cadres.selectors import access_cadre
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.core.idnumbers import mask_all_in_text
from ganxun.core.roles import can_write_registry, is_cadre
from ganxun.orgs.selectors import reviewing_department
from ganxun.records.bulk import FAST_VENDORS, Columns, analyze_after_commit, insert_instances, insert_rows
from ganxun.records.models import CadreYearTotal, EntryKind, LearningRecord, RecordOrigin, RecordSource, RecordStatus
from ganxun.records.selectors import access_record, records_visible_to
from ganxun.core.changes import cadres_changed, earliest_days
from ganxun.records.totals import LedgerTotals, apply_entries
from ganxun.records.validation import LABELS, check_record_values

RECORD_FIELDS = ("title", "source", "content_category", "start_date", "end_date", "days", "hours",
                 "is_system_training", "completed")


_REVERSAL, _APPROVED, _FULL_TIME = EntryKind.REVERSAL.value, RecordStatus.APPROVED.value, RecordSource.FULL_TIME.value
_ZERO = Decimal("0.0")


def _counted(records) -> None:
    """New entries into the per-cadre-year totals, and their cadres' verdicts marked as changed (same transaction)."""
    records = list(records)
    apply_entries(records)
    cadres_changed((r.cadre_id for r in records), "ledger", since=earliest_days(records))


def set_credit(record: LearningRecord) -> LearningRecord:
    """What an entry counts: nothing unless completed and approved; days only for full-time training."""
    if record.kind == _REVERSAL:
        return record
    if record.completed and record.status == _APPROVED:
        record.credit_hours = Decimal(record.hours)
        record.credit_days = record.days if record.source == _FULL_TIME else 0
    else:
        record.credit_hours, record.credit_days = _ZERO, 0
    return record


def _user_row(acting_user):
    """The user an entry names as 登记人/审核人: a login, never the operator at the command line (no user row)."""
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _pk(self):
    return self.id


def _set_pk(self, value):
    self.id = value


# An entry about to be appended in bulk (imports): the ledger row's attributes, positionally in the
# model's field order, plus the cadre (for the audit row) and the institution. The bulk services take
# these and model instances alike; building 100,000 model instances would cost a second of an import.
PreparedEntry = dataclasses.make_dataclass(
    "PreparedEntry",
    [f.attname for f in LearningRecord._meta.concrete_fields] + [("cadre", object, None), ("institution", object, None)],
    slots=True, eq=False, namespace={"pk": property(_pk, _set_pk), "__module__": __name__})


def set_institution(record, institution) -> None:
    """Copy the institution's kind and recognition onto the entry (history must not move with it)."""
    record.institution = institution
    record.institution_id = None if institution is None else institution.pk
    if institution is not None:
        record.institution_name = institution.name
        record.institution_kind = institution.kind
        record.institution_recognised = bool(institution.recognised)


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value.isoformat() if hasattr(value, "isoformat") else value


def snapshot(record: LearningRecord) -> dict:
    """An entry as the audit log keeps it (JSON-ready). Written out field by field: imports call it per entry."""
    r = record
    return {"title": r.title, "source": r.source, "content_category": r.content_category,
            "start_date": _plain(r.start_date), "end_date": _plain(r.end_date), "days": r.days,
            "hours": _plain(r.hours), "is_system_training": r.is_system_training, "completed": r.completed,
            "institution": r.institution_name, "credit_hours": _plain(r.credit_hours), "credit_days": r.credit_days,
            "status": r.status, "reference": r.external_id or f"R{r.pk}"}


def _raise(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise DomainError("；".join(f"{LABELS.get(f, f)}：{m}" for f, m in errors), code="invalid",
                          extra={"fields": {f: m for f, m in errors}})


def _require_ledger_write(user) -> None:
    if not can_write_registry(user):
        raise PermissionDenied("您的角色不能登记学时")


def _find_institution(acting_user, code: str | None):
    if not code:
        return None
    from ganxun.resources.models import Institution

    institution = Institution.objects.filter(code=code).first() or Institution.objects.filter(name=code).first()
    if institution is None:
        raise DomainError(f"培训机构「{code}」不存在（填机构编码或准确的机构名称）", code="unknown_institution",
                          extra={"fields": {"institution": "不存在"}})
    return institution


@transaction.atomic(durable=True)
def record_append(*, acting_user, person_code: str, values: dict, institution_code: str | None = None,
                  institution_name: str = "", external_id: str | None = None,
                  origin: str = RecordOrigin.MANUAL) -> LearningRecord:
    """Record training a cadre completed (a unit's personnel office or the department)."""
    _require_ledger_write(acting_user)
    cadre = access_cadre(acting_user, person_code)
    clean, errors = check_record_values(values)
    if external_id and LearningRecord.objects.filter(external_id=external_id).exists():
        errors.append(("external_id", f"外部编号 {external_id} 已存在"))
    institution = _find_institution(acting_user, institution_code)
    _raise(errors)
    record = LearningRecord(cadre=cadre, external_id=external_id or None, origin=origin, recorded_by=_user_row(acting_user),
                            institution_name=institution_name.strip(),
                            **{f: clean[f] for f in RECORD_FIELDS})
    set_institution(record, institution)
    set_credit(record)
    record.full_clean(exclude=["cadre", "institution", "reverses", "recorded_by", "reviewed_by"])
    record.save()
    _counted([record])
    record_event(actor=acting_user, event_type=EventType.RECORD_ADDED, subject_type="cadre",
                 subject_code=cadre.person_code, subject_label=cadre.name, extra={"after": snapshot(record)})
    return record


def record_append_many(*, acting_user, records: Sequence[LearningRecord], reason: str = "", typed: bool = False,
                       totals: "LedgerTotals | None" = None) -> int:
    """Append many prepared entries (imports, class completion, the demo) in the caller's transaction.

    The entries must already be validated and scoped by the caller; credits and totals are set here.
    ``typed``: every value has its column's type (an import's ``PreparedEntry``), see ``insert_instances``.
    ``totals``: add the entries' credits to the totals when the caller calls its ``flush()`` (still in its
    transaction), in one statement for many appends, instead of now.
    """
    user_id = acting_user.pk if getattr(acting_user, "is_authenticated", False) else None
    for record in records:
        set_credit(record)
        record.recorded_by_id = user_id
    insert_instances(records, LearningRecord, typed=typed)
    if totals is not None:
        totals.add(records)
        cadres_changed((r.cadre_id for r in records), "ledger", since=earliest_days(records))
    else:
        _counted(records)
    _write_batch_events(acting_user, reason, [(r, None) for r in records])
    analyze_after_commit(len(records), LearningRecord, CadreYearTotal)
    return len(records)


def record_reverse_many(*, acting_user, records: Sequence[LearningRecord], reason: str) -> list[LearningRecord]:
    """Reverse many entries in the caller's transaction (取消结业, 取消结班): the caller has scoped and locked them
    and checked that none is reversed yet. One ``RECORD_REVERSED`` event per entry."""
    twins = [_reversal_of(original, acting_user, reason, save=False) for original in records]
    insert_instances(twins, LearningRecord)
    _counted(twins)
    record_events(build_event(actor=acting_user, event_type=EventType.RECORD_REVERSED, subject_type="cadre",
                              subject_code=original.cadre.person_code, subject_label=original.cadre.name,
                              extra={"before": _masked(snapshot(original)), "after": {"reference": twin.reference}},
                              reason=reason) for original, twin in zip(records, twins))
    return twins


def _masked(flat: dict) -> dict:
    """A snapshot with any ID number in its texts masked (an 18-character text at least can hold one)."""
    return {k: mask_all_in_text(v) if type(v) is str and len(v) >= 18 else v for k, v in flat.items()}


def _reference(record: LearningRecord) -> str:
    ref = record.external_id or f"R{record.pk}"
    return mask_all_in_text(ref) if len(ref) >= 18 else ref


def batch_extra(items: Sequence[tuple[LearningRecord, dict | None]]) -> dict:
    """What one cadre's audit row keeps of a batch: ``(entry, before)`` pairs, ``before`` for corrections.

    One entry: its snapshot (and the one it corrects), as a single write leaves. Several: how many, the
    hours they count, the references of the new entries, and before/after of each correction. The
    entries themselves never change (the ledger is append-only), so the reference finds every value.
    """
    if len(items) == 1:
        record, before = items[0]
        after = _masked(snapshot(record))
        return {"after": after} if before is None else {"before": _masked(before), "after": after}
    added = [_reference(r) for r, before in items if before is None]
    corrected = [{"before": _masked(before), "after": _masked(snapshot(r))} for r, before in items if before is not None]
    extra = {"count": len(items), "credit_hours": str(sum((r.credit_hours for r, _ in items), _ZERO))}
    if added:
        extra["added"] = added
    if corrected:
        extra["corrected"] = corrected
    return extra


def _write_batch_events(acting_user, reason: str, items: Sequence[tuple[LearningRecord, dict | None]]) -> None:
    """One ``RECORD_ADDED`` event per cadre of a batch (``batch_extra``), written in bulk.

    A 100,000-row import touches a few thousand cadres: a row per cadre keeps the cadre's history tab
    complete without writing the ledger a second time into the audit table. The rows are what
    ``build_event`` gives (one is built as the template, ID numbers masked alike), written straight to
    the table.
    """
    by_cadre: dict[int, list] = {}
    for record, before in items:
        by_cadre.setdefault(record.cadre_id, []).append((record, before))
    events = [(group[0][0].cadre, batch_extra(group)) for group in by_cadre.values()]
    if connection.vendor not in FAST_VENDORS:
        record_events(build_event(actor=acting_user, event_type=EventType.RECORD_ADDED, subject_type="cadre",
                                  subject_code=cadre.person_code, subject_label=cadre.name, reason=reason,
                                  extra=extra) for cadre, extra in events)
        return
    # each row takes its place in the audit hash chain (ganxun.audit.chain) before it is copied in
    from ganxun.audit.chain import link

    columns = Columns(AuditEvent)
    objs = [build_event(actor=acting_user, event_type=EventType.RECORD_ADDED, subject_type="cadre",
                        subject_code=cadre.person_code, subject_label=cadre.name, reason=reason, extra=extra)
            for cadre, extra in events]
    link(objs)
    insert_rows(AuditEvent, columns.names, (columns.row(e) for e in objs), count=len(objs))


def _reversal_of(original: LearningRecord, acting_user, reason: str, *, save: bool = True) -> LearningRecord:
    twin = LearningRecord(
        cadre_id=original.cadre_id, title=original.title, source=original.source,
        content_category=original.content_category, institution=original.institution,
        institution_name=original.institution_name, institution_kind=original.institution_kind,
        institution_recognised=original.institution_recognised, start_date=original.start_date,
        end_date=original.end_date, days=original.days, hours=original.hours,
        is_system_training=original.is_system_training, completed=original.completed, status=original.status,
        kind=EntryKind.REVERSAL, reverses=original, credit_hours=-original.credit_hours,
        credit_days=-original.credit_days, origin=original.origin, reason=reason,
        recorded_by=_user_row(acting_user))
    if save:
        twin.save()
        _counted([twin])
    return twin


def _move_external_ids(pairs: Sequence[tuple[LearningRecord, LearningRecord]]) -> None:
    """Hand each reversed original's 外部编号 to its corrected entry (the key is unique: clear it first)."""
    moving = [original.pk for original, corrected in pairs if original.external_id]
    for i in range(0, len(moving), 900):
        LearningRecord.objects.filter(pk__in=moving[i:i + 900]).update(external_id=None)
    for original, corrected in pairs:
        if original.external_id:
            corrected.external_id = original.external_id
            original.external_id = None


def _lock_entry(acting_user, record_id: int) -> LearningRecord:
    record = access_record(acting_user, record_id)
    record = LearningRecord.objects.select_for_update().select_related("cadre").get(pk=record.pk)
    if record.kind != EntryKind.ENTRY:
        raise DomainError("冲销记录本身不能再冲销或更正", code="not_an_entry")
    if LearningRecord.objects.filter(reverses=record).exists():
        raise DomainError("该记录已冲销", code="already_reversed")
    return record


@transaction.atomic(durable=True)
def record_reverse(*, acting_user, record_id: int, reason: str) -> LearningRecord:
    """Cancel an entry by appending its negative twin; the original stays visible in the history."""
    _require_ledger_write(acting_user)
    if not reason.strip():
        raise DomainError("冲销必须填写原因", code="reason_required", extra={"fields": {"reason": "不能为空"}})
    original = _lock_entry(acting_user, record_id)
    twin = _reversal_of(original, acting_user, reason.strip())
    record_event(actor=acting_user, event_type=EventType.RECORD_REVERSED, subject_type="cadre",
                 subject_code=original.cadre.person_code, subject_label=original.cadre.name,
                 extra={"before": snapshot(original), "after": {"reference": twin.reference}}, reason=reason)
    return twin


@transaction.atomic(durable=True)
def record_correct(*, acting_user, record_id: int, values: dict, reason: str,
                   institution_code: str | None = None, institution_name: str | None = None) -> LearningRecord:
    """Reverse an entry and append the corrected one; returns the new entry.

    The institution stays unless ``institution_code`` (a code or exact name) or ``institution_name`` (an
    outside provider's name as free text; ``""`` for none) is given.
    """
    _require_ledger_write(acting_user)
    if not reason.strip():
        raise DomainError("更正必须填写原因", code="reason_required", extra={"fields": {"reason": "不能为空"}})
    original = _lock_entry(acting_user, record_id)
    merged = {f: getattr(original, f) for f in RECORD_FIELDS}
    merged.update(values)
    clean, errors = check_record_values(merged)
    free_text = original.institution_name
    if institution_code:
        institution = _find_institution(acting_user, institution_code)
    elif institution_name is not None:
        institution, free_text = None, institution_name.strip()
    else:
        institution = original.institution
    _raise(errors)
    before = snapshot(original)
    _reversal_of(original, acting_user, f"更正：{reason.strip()}")
    corrected = LearningRecord(cadre_id=original.cadre_id, origin=original.origin, recorded_by=_user_row(acting_user),
                               reason=f"更正 {original.reference}：{reason.strip()}",
                               institution_name=free_text,
                               **{f: clean[f] for f in RECORD_FIELDS})
    set_institution(corrected, institution)
    set_credit(corrected)
    _move_external_ids([(original, corrected)])
    corrected.save()
    _counted([corrected])
    record_event(actor=acting_user, event_type=EventType.RECORD_ADDED, subject_type="cadre",
                 subject_code=original.cadre.person_code, subject_label=original.cadre.name,
                 extra={"before": before, "after": snapshot(corrected)}, reason=reason)
    return corrected


def record_correct_many(*, acting_user, pairs: Sequence[tuple[LearningRecord, LearningRecord]],
                        reason: str) -> int:
    """``record_correct`` in bulk (imports), in the caller's transaction.

    Each pair is an original entry (loaded by the caller, scoped and checked) and its prepared, validated
    replacement. The originals are locked and must still be unreversed entries; each gets its negative
    twin, its 外部编号 moves to the replacement, and one audit event per cadre keeps before and after of each.
    """
    if not pairs:
        return 0
    ids = [original.pk for original, _ in pairs]
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        locked = list(LearningRecord.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "kind"))
        if len(locked) != len(chunk) or any(kind != EntryKind.ENTRY for _, kind in locked):
            raise DomainError("要更正的记录已不存在或不是登记记录", code="not_an_entry")
        if LearningRecord.objects.filter(reverses_id__in=chunk).exists():
            raise DomainError("要更正的记录已被他人冲销", code="already_reversed")
    user_id = acting_user.pk if getattr(acting_user, "is_authenticated", False) else None
    befores = [snapshot(original) for original, _ in pairs]
    twins = [_reversal_of(original, acting_user, f"更正：{reason}", save=False) for original, _ in pairs]
    for original, corrected in pairs:
        corrected.recorded_by_id = user_id
        corrected.reason = f"更正 {original.reference}：{reason}"[:500]
        set_credit(corrected)
    _move_external_ids(pairs)
    insert_instances(twins)
    insert_instances([c for _, c in pairs], LearningRecord)
    _counted(twins + [c for _, c in pairs])
    _write_batch_events(acting_user, reason, [(corrected, before) for before, (_, corrected) in zip(befores, pairs)])
    return len(pairs)


# What a cadre may claim (学时申报): self-study, and training their unit ran or they attended outside (脱产培训、
# 专题讲座、其他) that no system sent to the ledger.
CLAIM_SOURCES = (RecordSource.SELF_STUDY, RecordSource.FULL_TIME, RecordSource.LECTURE, RecordSource.OTHER)


@transaction.atomic(durable=True)
def claim_submit(*, acting_user, values: dict) -> LearningRecord:
    """A cadre claims hours; the claim waits for their unit's review (which ends it or passes it up) and counts
    nothing until approved."""
    if not is_cadre(acting_user):
        raise PermissionDenied("只有干部本人可以申报学时")
    source = values.get("source") or RecordSource.SELF_STUDY
    if source not in CLAIM_SOURCES:
        raise DomainError("申报的培训形式应为在职自学、脱产培训、专题讲座或其他", code="invalid",
                          extra={"fields": {"source": "不支持的培训形式"}})
    values = {**values, "source": source}
    if source == RecordSource.SELF_STUDY:
        values["days"] = 0
    clean, errors = check_record_values(values)
    _raise(errors)
    cadre = acting_user.person
    record = LearningRecord(cadre_id=cadre.pk, origin=RecordOrigin.SELF_REPORTED, status=RecordStatus.PENDING,
                            recorded_by=acting_user, review_org_id=cadre.org_id,
                            **{f: clean[f] for f in RECORD_FIELDS})
    set_credit(record)
    record.save()
    record_event(actor=acting_user, event_type=EventType.RECORD_ADDED, subject_type="cadre",
                 subject_code=cadre.person_code, subject_label=cadre.name,
                 extra={"after": snapshot(record)}, reason="本人申报，待单位审核")
    return record


def self_study_submit(*, acting_user, values: dict) -> LearningRecord:
    """A cadre reports self-study (a claim of source 在职自学)."""
    return claim_submit(acting_user=acting_user, values={**values, "source": RecordSource.SELF_STUDY})


def _reviewer_holds(acting_user, record: LearningRecord) -> None:
    """The claim is at a level inside the reviewer's scope (a claim passed up is the upper level's now)."""
    from ganxun.orgs.selectors import org_in_scope, scope_of

    if record.review_org_id and not org_in_scope(scope_of(acting_user), record.review_org):
        raise DomainError(f"{_claim_name(record)}已报{record.review_org.name}审核，本级不能再审核", code="passed_up",
                          extra={"record": record.reference})


@transaction.atomic(durable=True)
def record_pass_up(*, acting_user, record_ids: Sequence[int], note: str = "") -> list[LearningRecord]:
    """The unit passes claims up to the next level for review (上级审核) instead of ending the review itself."""
    _require_ledger_write(acting_user)
    ids = list(dict.fromkeys(int(i) for i in record_ids))
    if not ids:
        raise DomainError("请先勾选要报上级审核的申报", code="nothing_selected")
    if set(records_visible_to(acting_user).filter(pk__in=ids).values_list("pk", flat=True)) != set(ids):
        raise NotFound("所选的申报不存在或不在您的管理范围内，本次未报送任何申报")
    records = list(LearningRecord.objects.select_for_update(of=("self",)).select_related("cadre__org", "review_org")
                   .filter(pk__in=sorted(ids)).order_by("pk"))
    events = []
    for record in records:
        if record.status != RecordStatus.PENDING:
            raise DomainError(f"{_claim_name(record)}已不是待审核状态，本次未报送任何申报", code="not_pending")
        _reviewer_holds(acting_user, record)
        here = record.review_org or record.cadre.org
        upper = reviewing_department(here)
        if upper is None:
            raise DomainError(f"{here.name}已是最高一级，{_claim_name(record)}请直接审核", code="top_level")
        record.review_org = upper
        events.append(build_event(actor=acting_user, event_type=EventType.RECORD_REVIEWED, subject_type="cadre",
                                  subject_code=record.cadre.person_code, subject_label=record.cadre.name,
                                  reason=note.strip(), extra={"record": record.reference, "passed_up": True,
                                                              "from": here.code, "to": upper.code}))
    LearningRecord.objects.bulk_update(records, ["review_org"])
    record_events(events)
    return records


REVIEW_FIELDS = ["status", "reviewed_by", "reviewed_at", "credit_hours", "credit_days", "reason"]


def _settle_claims(acting_user, records: Sequence[LearningRecord], *, approve: bool, reason: str) -> None:
    """Approve or return claims already locked and checked: status, reviewer, credit, totals, and one
    ``RECORD_REVIEWED`` audit row per claim (the same row for one claim or many)."""
    now = timezone.now()
    reviewer = acting_user.pk if getattr(acting_user, "is_authenticated", False) else None
    events = []
    for record in records:
        before = snapshot(record)
        record.status = RecordStatus.APPROVED if approve else RecordStatus.REJECTED
        record.reviewed_by_id, record.reviewed_at = reviewer, now
        if reason:
            record.reason = reason[:500]  # the cadre sees why on their 自学申报 page
        set_credit(record)
        events.append(build_event(actor=acting_user, event_type=EventType.RECORD_REVIEWED, subject_type="cadre",
                                  subject_code=record.cadre.person_code, subject_label=record.cadre.name,
                                  extra={"before": before, "after": snapshot(record)}, reason=reason))
    LearningRecord.objects.bulk_update(records, REVIEW_FIELDS, batch_size=500)
    _counted(records)
    record_events(events)


def _claim_name(record: LearningRecord) -> str:
    return f"{record.cadre.name} 的自学申报「{record.title}」（{record.reference}）"


@transaction.atomic(durable=True)
def record_review(*, acting_user, record_id: int, approve: bool, reason: str = "") -> LearningRecord:
    """The unit approves or rejects a cadre's self-study report."""
    _require_ledger_write(acting_user)
    record = access_record(acting_user, record_id)
    record = LearningRecord.objects.select_for_update(of=("self",)).select_related("cadre", "review_org").get(
        pk=record.pk)
    if record.status != RecordStatus.PENDING:
        raise DomainError("该记录不是待审核状态", code="not_pending")
    _reviewer_holds(acting_user, record)
    if not approve and not reason.strip():
        raise DomainError("退回必须填写原因", code="reason_required", extra={"fields": {"reason": "不能为空"}})
    _settle_claims(acting_user, [record], approve=approve, reason=reason.strip())
    return record


@dataclasses.dataclass
class RecordBatch:
    """Part of an import, validated and matched: entries to append, and ``(original id, replacement)`` corrections."""

    appends: list = dataclasses.field(default_factory=list)
    corrections: list = dataclasses.field(default_factory=list)
    typed: bool = False  # the appends' values have their columns' types (``insert_instances``)


@transaction.atomic(durable=True)
def record_upsert_many(*, acting_user, batches: Iterable[RecordBatch], report) -> int:
    """Write an import: every batch in one transaction, then the import's summary row (``report``).

    ``batches`` may be a generator that validates the file as it is read: raising there (``ImportRejected``)
    rolls back every batch already written, so a file goes in whole or not at all. Corrections reverse the
    original and append the replacement (``record_correct_many``); appends go through ``record_append_many``.
    Returns the number of entries written.
    """
    if not can_write_registry(acting_user):
        raise PermissionDenied("您的角色不能登记学时")
    reason = f"批量导入 {report.source}"[:200]
    written = 0
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        # Each batch's foreign keys are checked as it is written rather than all at the commit: the same
        # work, but done while the importer checks the next batch (``importers._write_alongside``). Only
        # in a transaction of our own (the setting lasts until its end; a test's outer one goes on after).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # The appends' credits go into the totals by one set-based statement per batch over the new entries
    # (PostgreSQL; elsewhere entry by entry as every other write does).
    totals = LedgerTotals()
    for batch in batches:
        if batch.corrections:
            originals: dict[int, LearningRecord] = {}
            ids = [pk for pk, _ in batch.corrections]
            for i in range(0, len(ids), 900):
                originals.update(LearningRecord.objects.select_related("cadre", "institution").in_bulk(ids[i:i + 900]))
            written += 2 * record_correct_many(acting_user=acting_user, reason=reason,
                                               pairs=[(originals[pk], entry) for pk, entry in batch.corrections])
        if batch.appends:
            written += record_append_many(acting_user=acting_user, records=batch.appends, reason=reason,
                                          typed=batch.typed, totals=totals)
            totals.flush()
    record_events([import_summary_event(actor=acting_user, subject_type="records", report=report)])
    return written


@transaction.atomic(durable=True)
def record_review_many(*, acting_user, record_ids: Sequence[int], approve: bool,
                       reason: str = "") -> list[LearningRecord]:
    """Approve many self-study claims at once, or return them all with one reason: every one or none.

    Each claim must be in the acting user's scope and still waiting for review (checked under a row lock,
    so two reviewers cannot both settle one); the first that is not stops the whole action with a
    message naming it, and nothing changes. Each settled claim leaves the audit row ``record_review``
    leaves. Returns the claims in the order given.
    """
    _require_ledger_write(acting_user)
    ids = list(dict.fromkeys(int(i) for i in record_ids))
    if not ids:
        raise DomainError("请先勾选要审核的自学申报", code="nothing_selected")
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError("退回必须填写原因（所选申报使用同一条原因）", code="reason_required",
                          extra={"fields": {"reason": "不能为空"}})
    visible: set[int] = set()
    for i in range(0, len(ids), 900):
        visible.update(records_visible_to(acting_user).filter(pk__in=ids[i:i + 900]).values_list("pk", flat=True))
    if missing := next((pk for pk in ids if pk not in visible), None):
        raise NotFound(f"所选的自学申报 R{missing} 不存在或不在您的管理范围内，本次未审核任何申报")
    locked: dict[int, LearningRecord] = {}
    for i in range(0, len(ids), 900):
        chunk = sorted(ids[i:i + 900])
        locked.update((r.pk, r) for r in LearningRecord.objects.select_for_update(of=("self",))
                      .select_related("cadre", "review_org").filter(pk__in=chunk).order_by("pk"))
    records = [locked[pk] for pk in ids]
    if blocked := next((r for r in records if r.status != RecordStatus.PENDING), None):
        raise DomainError(f"{_claim_name(blocked)}已不是待审核状态（{blocked.get_status_display()}，可能已由他人审核），"
                          "本次未审核任何申报，请刷新后重新勾选", code="not_pending",
                          extra={"record": blocked.reference})
    for record in records:
        _reviewer_holds(acting_user, record)
    _settle_claims(acting_user, records, approve=approve, reason=reason)
    return records


__all__ = ["record_append", "record_append_many", "record_reverse", "record_correct", "record_correct_many",
           "record_upsert_many", "RecordBatch", "self_study_submit", "claim_submit", "record_pass_up", "record_review",
           "record_review_many", "NotFound"]
