from django.db.models import QuerySet

from ganxun.audit.models import AuditEvent
from ganxun.core.roles import Role, role_of
from ganxun.orgs.selectors import scope_of


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Superusers see every row; an org admin sees the rows of actions taken inside their scope."""
    scope = scope_of(user)
    if scope.everything:
        return AuditEvent.objects.all()
    if role_of(user) != Role.ORG_ADMIN or not scope.paths:
        return AuditEvent.objects.none()
    from django.db.models import Q

    q = Q(pk__in=[])
    for prefix in scope.paths:
        q |= Q(actor__scope_org__path__startswith=prefix)
    return AuditEvent.objects.filter(q)
