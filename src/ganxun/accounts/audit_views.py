"""操作日志 and 登录日志: the audit trail in words, with filters and an xlsx export (itself audited).

Only the audit administrator opens them (``core.roles.can_read_audit``); for everyone else they are 404, like
any page outside a role.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from ganxun.accounts.audit_selectors import (LOGIN_EVENTS, AuditFilter, audit_events_visible_to,
                                             login_events_visible_to)
from ganxun.audit.events import record_event
from ganxun.audit.models import EventType
from ganxun.audit.presentation import lines as audit_lines
from ganxun.core.roles import can_read_audit
from ganxun.core.xlsx import write_xlsx, xlsx_response
from ganxun.web.tables import Column

HEADERS = ("时间", "操作人", "角色", "地址", "事件", "对象", "结果", "原因/变更")
COLUMNS = [Column(label) for label in HEADERS]
LOGIN_HEADERS = ("时间", "用户名", "地址", "事件", "结果", "原因")
LOGIN_COLUMNS = [Column(label) for label in LOGIN_HEADERS]
EXPORT_LIMIT = 100_000
LOGIN_CHOICES = [(v, label) for v, label in EventType.choices if v in LOGIN_EVENTS]


def _audit_reader(fn):
    def wrapper(request, *args, **kwargs):
        if not can_read_audit(request.user):
            raise Http404()
        return fn(request, *args, **kwargs)
    wrapper.__name__ = fn.__name__
    return login_required(wrapper)


def _page(request, events, filters, template, columns, event_types, **context):
    page = Paginator(filters.apply(events).order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.before_lines, event.after_lines = audit_lines(event)
    return render(request, template, {"page": page, "event_types": event_types, "f": filters, "columns": columns,
                                      "export_query": filters.query_string(), **context})


def _when(event) -> str:
    return timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S")


def _export(request, events, filters, headers, row, filename, what):
    events = filters.apply(events).order_by("-created_at", "-id")[:EXPORT_LIMIT]
    rows = [row(e) for e in events.iterator(chunk_size=2000)]
    content = write_xlsx(headers, rows, sheet=what, widths={0: 20, 5: 30, 7: 50})
    record_event(actor=request.user, event_type=EventType.AUDIT_EXPORTED, subject_type="audit", subject_code="audit",
                 subject_label=what, extra={"rows": len(rows), "filters": filters.query_string()})
    return xlsx_response(content, filename)


def _audit_row(event):
    _, after = audit_lines(event)
    return (_when(event), event.actor_name, event.actor_role_label, event.address, event.get_event_type_display(),
            event.subject_display, event.get_outcome_display(), "；".join([event.reason, *after]).strip("；"))


def _login_row(event):
    return (_when(event), event.subject_code or event.actor_name, event.address, event.get_event_type_display(),
            event.get_outcome_display(), event.reason)


@_audit_reader
def audit_list(request):
    filters = AuditFilter.from_query(request.GET, EventType.values)
    return _page(request, audit_events_visible_to(request.user), filters, "accounts/audit_list.html", COLUMNS,
                 EventType.choices)


@_audit_reader
def audit_export(request):
    filters = AuditFilter.from_query(request.GET, EventType.values)
    return _export(request, audit_events_visible_to(request.user), filters, HEADERS, _audit_row, "操作日志.xlsx", "操作日志")


@_audit_reader
def login_list(request):
    filters = AuditFilter.from_query(request.GET, LOGIN_EVENTS)
    return _page(request, login_events_visible_to(request.user), filters, "accounts/login_log.html", LOGIN_COLUMNS,
                 LOGIN_CHOICES)


@_audit_reader
def login_export(request):
    filters = AuditFilter.from_query(request.GET, LOGIN_EVENTS)
    return _export(request, login_events_visible_to(request.user), filters, LOGIN_HEADERS, _login_row, "登录日志.xlsx",
                   "登录日志")
