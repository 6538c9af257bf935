from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ganxun.core.errors import DomainError
from ganxun.orgs.forms import OrgForm, OrgMoveForm
from ganxun.core.roles import can_write_orgs
from ganxun.orgs.selectors import access_org, org_tree_rows
from ganxun.orgs.services import org_create, org_move, org_update
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import attach_errors, dialog_done, dialog_page


_scoped = scoped_view


@_scoped
def org_tree(request):
    q = request.GET.get("q", "").strip()
    rows = org_tree_rows(request.user, query=q)
    return render(request, "orgs/tree.html", {"rows": rows, "q": q, "can_write": can_write_orgs(request.user)})


def _dialog(request, form, *, title, action):
    return dialog_page(request, form, "orgs/dialog.html", "orgs/form_page.html", title=title, action=action)


def _done(request, message):
    messages.success(request, message)
    return dialog_done(request, reverse("orgs:tree"))


@_scoped
def org_new(request):
    if not can_write_orgs(request.user):
        raise Http404()
    form = OrgForm(request.POST or None, initial={"parent_code": request.GET.get("parent", "")})
    if request.method == "POST" and form.is_valid():
        try:
            org = org_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            return _done(request, f"已新增 {org.name}")
    return _dialog(request, form, title="新增单位", action=request.get_full_path())


@_scoped
def org_edit(request, code):
    org = access_org(request.user, code)
    if not can_write_orgs(request.user):
        raise Http404()
    form = OrgForm(request.POST or None, editing=True,
                   initial={"code": org.code, "name": org.name, "org_type": org.org_type, "level": org.level})
    if request.method == "POST" and form.is_valid():
        try:
            org_update(acting_user=request.user, code=code, name=form.cleaned_data["name"],
                       org_type=form.cleaned_data["org_type"], level=form.cleaned_data["level"])
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            return _done(request, f"已保存 {form.cleaned_data['name']}")
    return _dialog(request, form, title=f"修改单位：{org.name}", action=request.path)


@_scoped
def org_move_view(request, code):
    org = access_org(request.user, code)
    if not can_write_orgs(request.user):
        raise Http404()
    form = OrgMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org_move(acting_user=request.user, code=code, **form.cleaned_data)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            return _done(request, f"已调整 {org.name} 的隶属关系")
    return _dialog(request, form, title=f"调整隶属：{org.name}", action=request.path)


@_scoped
def org_export(request):
    from ganxun.orgs.exporters import export_orgs_response

    return export_orgs_response(request.user)
