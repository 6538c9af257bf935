"""Users and API tokens. The CLI, the pages and the API all go through these functions."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.contrib.auth.hashers import check_password

from ganxun.accounts.models import ApiToken, PasswordHistory, Role, User, hash_token
from ganxun.audit.events import EventType, record_event
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.core.roles import OPERATOR_ROLE, SEPARATED_ADMINS, role_of
from ganxun.accounts.selectors import access_user, users_visible_to
from ganxun.orgs.selectors import access_org

TOKEN_PREFIX = "gx_"
TOKEN_DAYS_MIN, TOKEN_DAYS_MAX = 1, 3650


PASSWORD_MESSAGES = {
    "password_too_short": "密码至少 10 位",
    "password_too_similar": "密码与用户名或姓名过于相似",
    "password_too_common": "密码过于常见",
    "password_entirely_numeric": "密码不能全是数字",
}


def _password_errors(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        messages = [PASSWORD_MESSAGES.get(e.code, " ".join(e.messages)) for e in exc.error_list]
        raise DomainError("密码不符合要求：" + "；".join(messages), code="weak_password") from None


def _refuse_reused(password: str, user: User) -> None:
    """The last ``GANXUN_PASSWORD_HISTORY`` passwords (the current one among them) may not come back."""
    keep = settings.GANXUN_PASSWORD_HISTORY
    if not keep or user.pk is None:
        return
    earlier = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:keep])
    if user.password and user.password not in earlier:  # a password set before the history was kept
        earlier = [user.password, *earlier][:keep]
    if any(h and check_password(password, h) for h in earlier):
        raise DomainError(f"密码不符合要求：不能与最近 {keep} 次使用过的密码相同", code="password_reused")


def _store_password(user: User, password: str) -> None:
    """Set the password, stamp its date and keep its hash for the history check."""
    user.set_password(password)
    user.password_changed_at = timezone.now()
    if user.pk is not None:
        user.save(update_fields=["password", "password_changed_at"])
    else:
        user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = max(settings.GANXUN_PASSWORD_HISTORY, 1)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


@transaction.atomic(durable=True)
def user_create(*, acting_user, username: str, password: str, role: str, scope_code: str = "",
                person_code: str = "", institution_code: str = "", display_name: str = "") -> User:
    """Create a login with a role and its scope; the password policy applies to every caller."""
    from ganxun.cadres.selectors import access_cadre

    username = username.strip()
    if not username:
        raise DomainError("用户名不能为空", code="required")
    if role not in Role.values:
        raise DomainError(f"角色应为 {', '.join(Role.values)} 之一，而不是 {role}", code="invalid_role")
    if User.objects.filter(username=username).exists():
        raise DomainError(f"用户名 {username} 已存在", code="duplicate_username")
    actor_role = role_of(acting_user)
    if role in SEPARATED_ADMINS and actor_role != OPERATOR_ROLE:
        raise PermissionDenied("系统管理员、安全管理员、审计管理员只能在命令行用 ganxun createadmin 创建")
    if actor_role not in (Role.SUPERUSER, OPERATOR_ROLE) and (
            actor_role not in (Role.ORG_ADMIN, Role.SYS_ADMIN) or role == Role.SUPERUSER):
        raise PermissionDenied("只有组织部门管理员或系统管理员可以在本级范围内新增用户，且不能新增超级管理员")
    user = User(username=username, role=role, display_name=display_name.strip(),
                institution_code=institution_code.strip(), is_superuser=role == Role.SUPERUSER,
                is_staff=role == Role.SUPERUSER)
    if role in (Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER):
        if not scope_code:
            raise DomainError("该角色必须指定管理范围（--scope 单位编码）", code="scope_required")
        try:
            user.scope_org = access_org(acting_user, scope_code)
        except NotFound:
            raise DomainError(f"单位编码 {scope_code} 不存在或不在您的管理范围内", code="unknown_org") from None
    if role == Role.CADRE:
        if not person_code:
            raise DomainError("干部角色必须指定人员编码（--person）", code="person_required")
        try:
            user.person = access_cadre(acting_user, person_code)
        except NotFound:
            raise DomainError(f"人员编码 {person_code} 不存在或不在您的管理范围内", code="unknown_person") from None
        user.display_name = user.display_name or user.person.name
    if role == Role.INSTITUTION and not institution_code:
        raise DomainError("培训机构角色必须指定机构编码（--institution）", code="institution_required")
    _password_errors(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    _store_password(user, password)
    record_event(actor=acting_user, event_type=EventType.USER_CREATED, subject_type="user",
                 subject_code=user.username,
                 extra={"after": {"role": role, "scope": scope_code, "person": person_code,
                                  "institution": institution_code}})
    return user


@transaction.atomic(durable=True)
def user_set_password(*, acting_user, username: str, password: str) -> User:
    """Set a login's password (the policy applies); the administrator must see the user."""
    user = access_user(acting_user, username)
    _password_errors(password, user)
    _refuse_reused(password, user)
    _store_password(user, password)
    record_event(actor=acting_user, event_type=EventType.PASSWORD_SET, subject_type="user", subject_code=user.username,
                 extra={"by": "administrator"})
    return user


@transaction.atomic(durable=True)
def password_change_own(*, user: User, old_password: str, new_password: str) -> User:
    """A user changes their own password: the current one first, then the policy and the history apply."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password or ""):
        raise DomainError("当前密码不正确", code="wrong_password")
    if old_password == new_password:
        raise DomainError("新密码不能与当前密码相同", code="password_reused")
    _password_errors(new_password, user)
    _refuse_reused(new_password, user)
    _store_password(user, new_password)
    record_event(actor=user, event_type=EventType.PASSWORD_SET, subject_type="user", subject_code=user.username,
                 extra={"by": "self"})
    return user


@transaction.atomic(durable=True)
def user_deactivate(*, acting_user, username: str, reason: str = "") -> User:
    """Disable a login: its sessions end and its API tokens stop working at once."""
    access_user(acting_user, username)
    user = User.objects.select_for_update().get(username=username)
    user.is_active = False
    user.save(update_fields=["is_active"])
    now = timezone.now()
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    record_event(actor=acting_user, event_type=EventType.USER_DEACTIVATED, subject_type="user",
                 subject_code=user.username, reason=reason)
    return user


@transaction.atomic(durable=True)
def token_create(*, acting_user, username: str, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """Return the token row and the raw token, which is never stored and shown only once.

    ``days`` (None: ``GANXUN_API_TOKEN_DAYS``) must be 1..3650: every caller (CLI, page, API) gets this check.
    """
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)
                             or not TOKEN_DAYS_MIN <= days <= TOKEN_DAYS_MAX):
        raise DomainError(f"令牌有效天数应为 {TOKEN_DAYS_MIN} 到 {TOKEN_DAYS_MAX} 之间的整数，而不是 {days}",
                          code="invalid_days")
    user = users_visible_to(acting_user).filter(username=username, is_active=True).first()
    if user is None:
        raise DomainError(f"用户 {username} 不存在、已停用或不在您的管理范围内", code="unknown_user")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=settings.GANXUN_API_TOKEN_DAYS if days is None else days),
    )
    record_event(actor=acting_user, event_type=EventType.TOKEN_CREATED, subject_type="user",
                 subject_code=username, extra={"after": {"prefix": token.prefix, "expires_at": token.expires_at.isoformat()}})
    return token, raw


@transaction.atomic(durable=True)
def token_revoke(*, acting_user, username: str, prefix: str | None = None) -> int:
    """Revoke one token (by its prefix) or every token of a user; returns how many."""
    user = access_user(acting_user, username)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if prefix:
        tokens = tokens.filter(prefix=prefix[:10])
    count = tokens.update(revoked_at=timezone.now())
    if count == 0:
        raise DomainError("没有找到可吊销的令牌", code="token_not_found")
    record_event(actor=acting_user, event_type=EventType.TOKEN_REVOKED, subject_type="user",
                 subject_code=username, extra={"count": count, "prefix": prefix or "全部"})
    return count


def user_for_token(raw: str) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user", "user__scope_org")
             .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=timezone.now(),
                     user__is_active=True).first())
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
