from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ganxun.accounts.forms import UserForm
from ganxun.accounts.second_factor import can_reset_second_factor
from ganxun.core.roles import SEPARATED_ADMINS, Role, can_administer_users, is_superuser
from ganxun.accounts.selectors import users_visible_to
from ganxun.accounts.services import user_create, user_deactivate
from ganxun.core.errors import DomainError, NotFound
from ganxun.web.dialogs import attach_errors, dialog_done, dialog_page
from ganxun.web.tables import Column

USER_COLUMNS = [Column(label) for label in ("用户名", "姓名", "角色", "管理范围", "状态", "最近登录", "操作")]


def _admin_only(fn):
    def wrapper(request, *args, **kwargs):
        if not can_administer_users(request.user):
            raise Http404()
        try:
            return fn(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
    wrapper.__name__ = fn.__name__
    return login_required(wrapper)


def _roles_for(user):
    if is_superuser(user):
        return Role.choices
    return [(v, label) for v, label in Role.choices if v != Role.SUPERUSER and v not in SEPARATED_ADMINS]


@_admin_only
def user_list(request):
    users = users_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if q:
        users = users.filter(username__contains=q) | users.filter(display_name__contains=q)
    if role in Role.values:
        users = users.filter(role=role)
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q, "role": role, "roles": Role.choices,
                                                       "columns": USER_COLUMNS,
                                                       "can_reset_second_factor": can_reset_second_factor(request.user)})


@_admin_only
def user_new(request):
    form = UserForm(request.POST or None, roles=_roles_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(acting_user=request.user, username=data["username"], password=data["password"],
                               role=data["role"], scope_code=data["scope_code"], person_code=data["person_code"],
                               institution_code=data["institution_code"], display_name=data["display_name"])
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已新增用户 {user.username}（{user.role_label}）")
            return dialog_done(request, reverse("users"))
    return dialog_page(request, form, "accounts/user_dialog.html", "accounts/user_form_page.html")


@_admin_only
@require_POST
def user_disable(request, username):
    try:
        user_deactivate(acting_user=request.user, username=username, reason=request.POST.get("reason", ""))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已停用用户 {username}，其登录会话和接口令牌已失效")
    return redirect("users")
