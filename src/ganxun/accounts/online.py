"""在线用户: the sessions alive now, and ending one (强制下线).

A session is named on the page by a digest of its key, never the key itself (the key is the credential).
The middleware stamps each session with its last request's time and address (``SESSION_LAST_SEEN``,
``SESSION_ADDRESS``); the page reads them back.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from ganxun.accounts.models import User
from ganxun.accounts.selectors import users_visible_to
from ganxun.audit.events import EventType, record_event
from ganxun.core.errors import NotFound, PermissionDenied
from ganxun.core.roles import can_administer_security, can_write_orgs

SESSION_LAST_SEEN = "gx_last_seen"
SESSION_ADDRESS = "gx_address"


def session_ref(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class OnlineSession:
    ref: str
    user: User
    last_seen: datetime | None
    address: str
    expires: datetime


def can_see_online(user) -> bool:
    """Who reads 在线用户 and ends sessions (re-gated to the security administrator at the 三权分立 merge)."""
    return can_write_orgs(user) or can_administer_security(user)


def _alive():
    return Session.objects.filter(expire_date__gt=timezone.now())


def online_sessions(acting_user) -> list[OnlineSession]:
    """The live sessions of the logins this administrator may see, most recent activity first."""
    if not can_see_online(acting_user):
        return []
    decoded = []
    for session in _alive().iterator():
        data = session.get_decoded()
        if data.get("_auth_user_id"):
            decoded.append((session, data))
    users = {str(u.pk): u for u in users_visible_to(acting_user).filter(
        pk__in={d["_auth_user_id"] for _, d in decoded}, is_active=True)}
    rows = []
    for session, data in decoded:
        user = users.get(str(data["_auth_user_id"]))
        if user is None:
            continue
        seen = data.get(SESSION_LAST_SEEN)
        rows.append(OnlineSession(ref=session_ref(session.session_key), user=user,
                                  last_seen=datetime.fromisoformat(seen) if seen else None,
                                  address=data.get(SESSION_ADDRESS, ""), expires=session.expire_date))
    epoch = timezone.make_aware(datetime(1970, 1, 1))
    return sorted(rows, key=lambda r: r.last_seen or epoch, reverse=True)


@transaction.atomic(durable=True)
def end_session(*, acting_user, ref: str, reason: str = "") -> str:
    """强制下线: end one live session of a visible login; returns its username."""
    if not can_see_online(acting_user):
        raise PermissionDenied("只有管理员可以强制用户下线")
    for row in online_sessions(acting_user):
        if row.ref == ref:
            for session in _alive().iterator():
                if session_ref(session.session_key) == ref:
                    session.delete()
            record_event(actor=acting_user, event_type=EventType.SESSION_ENDED, subject_type="user",
                         subject_code=row.user.username, reason=reason or "管理员强制下线",
                         extra={"forced": True, "session_address": row.address})
            return row.user.username
    raise NotFound("该会话不存在、已结束或不在您的管理范围内")
