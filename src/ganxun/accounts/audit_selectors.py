"""Reads of the audit trail for 操作日志 and 登录日志: the audit administrator's alone (三权分立)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from ganxun.audit.models import AuditEvent, EventType, Outcome
from ganxun.core.roles import can_read_audit

LOGIN_EVENTS = (EventType.LOGIN, EventType.LOGIN_FAILED, EventType.LOGIN_LOCKED, EventType.LOGIN_DURING_LOCKOUT,
                EventType.LOGOUT, EventType.SESSION_ENDED)


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Every row for the audit administrator; none for anyone else (a superuser neither)."""
    if can_read_audit(user):
        return AuditEvent.objects.all()
    return AuditEvent.objects.none()


@dataclass
class AuditFilter:
    """The filters of the two pages, read from a query string; a bad value is named in ``errors``."""

    date_from: date | None = None
    date_to: date | None = None
    actor: str = ""
    event_type: str = ""
    subject: str = ""
    outcome: str = ""
    address: str = ""
    errors: tuple = ()

    @classmethod
    def from_query(cls, query, event_types) -> "AuditFilter":
        errors, days = [], {}
        for key, label in (("from", "开始日期"), ("to", "结束日期")):
            text = query.get(key, "").strip()
            days[key] = None
            if text:
                try:
                    days[key] = date.fromisoformat(text)
                except ValueError:
                    errors.append(f"{label}应为 YYYY-MM-DD 日期，而不是“{text[:20]}”")
        event_type = query.get("event_type", "")
        if event_type and event_type not in event_types:
            errors.append("事件不在可选范围内")
            event_type = ""
        outcome = query.get("outcome", "")
        if outcome and outcome not in Outcome.values:
            errors.append("结果应为 成功 或 失败")
            outcome = ""
        return cls(date_from=days["from"], date_to=days["to"], actor=query.get("actor", "").strip()[:150],
                   event_type=event_type, subject=query.get("subject", "").strip()[:64], outcome=outcome,
                   address=query.get("address", "").strip()[:64], errors=tuple(errors))

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.date_from:
            events = events.filter(created_at__gte=timezone.make_aware(datetime.combine(self.date_from, time.min)))
        if self.date_to:
            end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
            events = events.filter(created_at__lt=end)
        if self.actor:
            events = events.filter(actor_name=self.actor)
        if self.event_type:
            events = events.filter(event_type=self.event_type)
        if self.subject:
            events = events.filter(Q(subject_code=self.subject) | Q(subject_label=self.subject))
        if self.outcome:
            events = events.filter(outcome=self.outcome)
        if self.address:
            events = events.filter(address=self.address)
        return events

    def query_string(self) -> str:
        from urllib.parse import urlencode

        pairs = {"from": self.date_from or "", "to": self.date_to or "", "actor": self.actor,
                 "event_type": self.event_type, "subject": self.subject, "outcome": self.outcome,
                 "address": self.address}
        return urlencode({k: v for k, v in pairs.items() if v})


def login_events_visible_to(user) -> QuerySet[AuditEvent]:
    return audit_events_visible_to(user).filter(event_type__in=LOGIN_EVENTS)
