from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ganxun.audit.models import EventType
from ganxun.audit.presentation import changes
from ganxun.orgs.models import Level
from ganxun.orgs.selectors import scope_of
from ganxun.resources.forms import InstitutionForm
from ganxun.resources.models import FLAGSHIP_TAG, InstitutionKind
from ganxun.resources.selectors import (InstitutionFilter, access_institution, can_edit_institution,
                                        can_write_institutions, institution_counts, institution_history,
                                        dictionary_choices, institution_libraries, institutions_filtered)
from ganxun.resources.services import institution_create, institution_update
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import dialog_page, dialog_save
from ganxun.web.paging import page_of
from ganxun.web.tables import Column

LIST_COLUMNS = [Column(label) for label in ("机构编码", "机构名称", "类型", "级别", "认可", "所属单位", "标识", "操作")]

YES_NO = (("yes", "是"), ("no", "否"))
FORM_FIELD = {"owner_org": "owner_org_code"}


def _filter_from(request) -> InstitutionFilter:
    g = request.GET
    return InstitutionFilter(q=g.get("q", ""), kind=g.get("kind", ""), level=g.get("level", ""),
                             recognised=g.get("recognised", ""), flagship=g.get("flagship", ""), tag=g.get("tag", ""))


_scoped = scoped_view


def _tag_choices() -> list[str]:
    return [label for _, label in dictionary_choices("institution_tag") if label != FLAGSHIP_TAG]


@_scoped
def institution_list(request):
    flt = _filter_from(request)
    qs = institutions_filtered(request.user, flt)
    counts = institution_counts(qs)
    page = page_of(request, qs, count=counts["total"])
    rows = [{"institution": i, "editable": can_edit_institution(request.user, i)} for i in page.object_list]
    return render(request, "resources/institution_list.html", {
        "page": page, "rows": rows, "flt": flt, "counts": counts,
        "kinds": InstitutionKind.choices, "levels": Level.choices, "yes_no": YES_NO,
        "can_write": can_write_institutions(request.user), "query": request.GET.urlencode(),
        "filtered": any(vars(flt).values()), "columns": LIST_COLUMNS,
        "tags": [label for _, label in dictionary_choices("institution_tag")],
    })


def _history_rows(events) -> list[dict]:
    return [{"event": e, "changes": changes(e) if e.event_type == EventType.INSTITUTION_UPDATED else []}
            for e in events]


@_scoped
def institution_detail(request, code):
    institution = access_institution(request.user, code)
    tab = "history" if request.GET.get("tab") == "history" else "info"
    return render(request, "resources/institution_detail.html", {
        "institution": institution, "tab": tab,
        "history": _history_rows(institution_history(request.user, code)[:100]) if tab == "history" else [],
        "can_edit": can_edit_institution(request.user, institution),
        "read_only_note": can_write_institutions(request.user) and not can_edit_institution(request.user, institution),
        "libraries": institution_libraries(institution) if tab == "info" else [],
    })


def _form_page(request, form, *, institution=None):
    return dialog_page(request, form, "resources/institution_dialog.html", "resources/institution_form_page.html",
                       institution=institution)


def _detail_url(code: str) -> str:
    return reverse("resources:institution_detail", args=[code])


@_scoped
def institution_new(request):
    if not can_write_institutions(request.user):
        raise Http404("无权新增培训机构")
    owner = request.user.scope_org.code if request.user.scope_org_id else ""
    form = InstitutionForm(request.POST or None, initial={"owner_org_code": owner, "recognised": True},
                           owner_required=not scope_of(request.user).everything, tag_choices=_tag_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if saved := dialog_save(request, form, lambda: institution_create(
                acting_user=request.user, code=data["code"], name=data["name"], kind=data["kind"],
                level=data["level"], owner_org_code=data["owner_org_code"], recognised=data["recognised"],
                is_flagship=data["is_flagship"], details=form.details()),
                message=lambda i: f"已新增培训机构 {i.name}（{i.code}）", target=lambda i: _detail_url(i.code),
                aliases=FORM_FIELD):
            return saved
    return _form_page(request, form)


@_scoped
def institution_edit(request, code):
    institution = access_institution(request.user, code)
    if not can_edit_institution(request.user, institution):
        raise Http404("无权修改该培训机构")
    initial = {"code": institution.code, "name": institution.name, "kind": institution.kind,
               "level": institution.level, "recognised": institution.recognised,
               "is_flagship": institution.is_flagship,
               "owner_org_code": institution.owner_org.code if institution.owner_org_id else "",
               "capacity": institution.capacity, "contact_person": institution.contact_person,
               "contact_phone": institution.contact_phone, "address": institution.address,
               "tags": institution.tags, "description": institution.description}
    form = InstitutionForm(request.POST or None, initial=initial, editing=True,
                           owner_required=not scope_of(request.user).everything, tag_choices=_tag_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if saved := dialog_save(request, form, lambda: institution_update(
                acting_user=request.user, code=code, name=data["name"], kind=data["kind"], level=data["level"],
                owner_org_code=data["owner_org_code"], recognised=data["recognised"],
                is_flagship=data["is_flagship"], reason=data["reason"], details=form.details()),
                message="已保存", target=_detail_url(code), aliases=FORM_FIELD):
            return saved
    return _form_page(request, form, institution=institution)


@_scoped
def institution_export(request):
    from ganxun.resources.exporters import export_institutions_response

    return export_institutions_response(request.user, _filter_from(request))
