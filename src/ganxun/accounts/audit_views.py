"""操作日志: every audit row an administrator may see, in words."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ganxun.audit.models import EventType
from ganxun.audit.presentation import lines as audit_lines
from ganxun.accounts.audit_selectors import audit_events_visible_to
from ganxun.web.tables import Column

COLUMNS = [Column(label) for label in ("时间", "操作人", "角色", "地址", "事件", "对象", "结果", "原因/变更")]


@login_required
def audit_list(request):
    events = audit_events_visible_to(request.user)
    event_type = request.GET.get("event_type", "")
    if event_type in EventType.values:
        events = events.filter(event_type=event_type)
    q = request.GET.get("q", "").strip()
    if q:
        events = events.filter(subject_code=q) | events.filter(actor_name=q)
    page = Paginator(events.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.before_lines, event.after_lines = audit_lines(event)
    return render(request, "accounts/audit_list.html", {"page": page, "event_types": EventType.choices,
                                                        "event_type": event_type, "q": q, "columns": COLUMNS})
