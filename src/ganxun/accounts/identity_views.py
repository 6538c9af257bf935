"""The pages of one's own identity: second factor (enrol, verify, reset) and own password change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ganxun.accounts import second_factor as sf
from ganxun.core.errors import DomainError, NotFound


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return "/"


@login_required
def enrol(request):
    """Bind an authenticator: the QR code (drawn here) and the secret as text; a first code confirms it."""
    user = request.user
    if sf.is_enrolled(user):
        return redirect("second_factor")
    error = ""
    if request.method == "POST":
        try:
            codes = sf.enrol_confirm(user=user, code=request.POST.get("code", ""))
        except DomainError as exc:
            error = exc.message
        else:
            device = sf.confirmed_totp(user)
            from django_otp import login as otp_login

            otp_login(request, device)
            return render(request, "accounts/second_factor_codes.html", {"codes": codes, "next": _next(request)})
    device = sf.pending_totp(user)
    return render(request, "accounts/second_factor_enrol.html",
                  {"qr": sf.qr_svg(device), "secret": sf.secret_text(device), "error": error,
                   "next": _next(request)}, status=400 if error else 200)


@login_required
def verify(request):
    """The step after the password: a code from the authenticator, or one recovery code."""
    user = request.user
    if not sf.is_enrolled(user):
        return redirect("second_factor_enrol")
    if user.is_verified():
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        wait = sf.wait_seconds(user)
        if sf.verify_code(request, request.POST.get("code", "")):
            return redirect(_next(request))
        error = "验证码不正确或已使用。请输入身份验证器当前显示的 6 位数字，或一个未用过的恢复码。"
        if wait:
            error = f"验证码错误次数过多，请 {wait} 秒后再输入当前显示的验证码。"
    return render(request, "accounts/second_factor_verify.html", {"error": error, "next": _next(request)},
                  status=400 if error else 200)


@login_required
def status(request):
    """One's own second factor: bound or not, recovery codes left, and the reset button."""
    user = request.user
    return render(request, "accounts/second_factor.html", {
        "enrolled": sf.is_enrolled(user), "required": sf.second_factor_required(user),
        "remaining": sf.remaining_recovery_codes(user),
    })


@login_required
@require_POST
def reset_own(request):
    try:
        sf.reset_own_second_factor(user=request.user, password=request.POST.get("password", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("second_factor")
    messages.success(request, "已解除原身份验证器，请重新绑定")
    return redirect("second_factor_enrol")


@login_required
@require_POST
def reset_other(request, username):
    """An administrator resets another login's authenticator (button on 用户管理)."""
    if not sf.can_reset_second_factor(request.user):
        raise Http404()
    try:
        sf.reset_second_factor(acting_user=request.user, username=username, reason=request.POST.get("reason", ""))
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重置用户 {username} 的双因素认证，其下次登录时需重新绑定")
    return redirect("users")


@login_required
def password_change(request):
    """Change one's own password (also where an expired password sends the user)."""
    from django.contrib.auth import update_session_auth_hash

    from ganxun.accounts.passwords import password_expired
    from ganxun.accounts.services import password_change_own

    error = ""
    if request.method == "POST":
        new = request.POST.get("new_password", "")
        if new != request.POST.get("new_password2", ""):
            error = "两次输入的新密码不一致"
        else:
            try:
                user = password_change_own(user=request.user, old_password=request.POST.get("old_password", ""),
                                           new_password=new)
            except DomainError as exc:
                error = exc.message
            else:
                update_session_auth_hash(request, user)
                messages.success(request, "密码已修改")
                return redirect(_next(request))
    return render(request, "accounts/password_change.html",
                  {"error": error, "expired": password_expired(request.user), "next": _next(request)},
                  status=400 if error else 200)


@login_required
def online(request):
    """在线用户: who is logged in now, their last activity and address, with 强制下线 per session."""
    from ganxun.accounts.online import can_see_online, online_sessions, session_ref

    if not can_see_online(request.user):
        raise Http404()
    own = session_ref(request.session.session_key or "")
    return render(request, "accounts/online.html", {"rows": online_sessions(request.user), "own": own})


@login_required
@require_POST
def online_end(request, ref):
    from ganxun.accounts.online import can_see_online, end_session

    if not can_see_online(request.user):
        raise Http404()
    try:
        username = end_session(acting_user=request.user, ref=ref, reason=request.POST.get("reason", ""))
    except NotFound as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已强制用户 {username} 下线")
    return redirect("online_users")
