"""One small function per audit event; each writes one ``AuditEvent`` in the caller's transaction."""

from collections.abc import Iterable

from django.utils import timezone

from ganxun.audit.context import current_address
from ganxun.audit.models import AuditEvent, EventType, Outcome
from ganxun.core.idnumbers import mask_all_in_text
from ganxun.core.roles import OPERATOR_LABEL, OPERATOR_ROLE, is_operator


def _actor_fields(actor) -> dict:
    if is_operator(actor):
        return {"actor": None, "actor_name": OPERATOR_LABEL, "actor_role": OPERATOR_ROLE, "actor_scope": "全部"}
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "系统", "actor_role": "", "actor_scope": ""}
    return {
        "actor": actor,
        "actor_name": actor.get_username(),
        "actor_role": getattr(actor, "role", ""),
        "actor_scope": actor.scope_org.code if getattr(actor, "scope_org_id", None) else "",
    }


def _clean(value):
    """Mask ID numbers wherever they appear in audit extras."""
    if isinstance(value, str):
        return mask_all_in_text(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def build_event(*, actor, event_type: str, subject_type: str = "", subject_code: str = "",
                subject_label: str = "", extra: dict | None = None, outcome: str = Outcome.SUCCESS,
                reason: str = "", address: str | None = None) -> AuditEvent:
    return AuditEvent(
        created_at=timezone.now(),
        **_actor_fields(actor),
        address=address if address is not None else current_address.get(),
        event_type=event_type,
        subject_type=subject_type,
        subject_code=subject_code,
        subject_label=mask_all_in_text(subject_label)[:200],
        extra=_clean(extra or {}),
        outcome=outcome,
        reason=mask_all_in_text(reason)[:500],
    )


def record_event(**kwargs) -> AuditEvent:
    event = build_event(**kwargs)
    event.save()
    return event


def record_events(events: Iterable[AuditEvent]) -> None:
    """Many rows in one insert (imports): one lock and one read of the chain's head for all of them."""
    from django.db import transaction

    from ganxun.audit.chain import link

    events = list(events)
    with transaction.atomic():
        link(events)
        AuditEvent.objects.bulk_create(events, batch_size=2000)


def import_summary_event(*, actor, subject_type: str, report) -> AuditEvent:
    """The one row every import leaves (an unchanged file too): what it did to the table, from its report."""
    return build_event(actor=actor, event_type=EventType.IMPORTED, subject_type=subject_type, subject_code=subject_type,
                       subject_label=report.source,
                       extra={"source": report.source, "created": report.created, "updated": report.updated,
                              "unchanged": report.unchanged})


def diff(before: dict, after: dict) -> dict:
    """Only the fields that changed, as ``{"before": {...}, "after": {...}}``."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {"before": {k: before.get(k) for k in changed}, "after": {k: after.get(k) for k in changed}}


__all__ = ["EventType", "Outcome", "build_event", "record_event", "record_events", "import_summary_event", "diff"]
