from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ganxun.audit.presentation import lines as audit_lines
from ganxun.cadres.forms import CadreForm
from ganxun.cadres.models import CadreCategory, Gender
from ganxun.cadres.ranks import Rank, Tier
from ganxun.cadres.selectors import (FLAG_FILTERS, CadreFilter, access_cadre, cadre_counts, cadre_history,
                                     cadres_filtered, can_reveal_id_number, hidden_fields)
from ganxun.cadres.services import (EDITABLE_FIELDS, REVEAL_REASONS, RevealRefused, cadre_create,
                                    cadre_reveal_id_number, cadre_update)
from ganxun.core.errors import DomainError, PermissionDenied
from ganxun.core.idnumbers import InvalidIdNumber, mask_id_number, normalise_id_number
from ganxun.core.roles import can_write_registry, is_cadre
from ganxun.orgs.selectors import access_org, org_tree_rows
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import attach_errors, dialog_done, dialog_page
from ganxun.web.paging import page_of
from ganxun.web.tables import columns


def _filter_from(request) -> CadreFilter:
    g = request.GET
    return CadreFilter(q=g.get("q", ""), org_code=g.get("org", ""), tier=g.get("tier", ""),
                       category=g.get("category", ""), rank=g.get("rank", ""), gender=g.get("gender", ""),
                       flag=g.get("flag", ""), sort=g.get("sort", "person_code"))


_scoped = scoped_view
LIST_COLUMNS = [("人员编码", "person_code"), ("姓名", "name"), ("性别", ""), ("出生日期", "birth_date"), ("身份证号", ""),
                ("单位", "org"), ("职务", ""), ("职级", ""), ("干部类别", ""), ("标识", ""), ("操作", "")]


@_scoped
def cadre_list(request):
    if is_cadre(request.user) and not request.GET:
        # A cadre's own login has one record to see: their own.
        return redirect("cadres:detail", person_code=request.user.person.person_code)
    flt = _filter_from(request)
    if (number := _full_id_number(flt.q)) is not None:
        return _search_without_the_number(request, flt, number)
    qs = cadres_filtered(request.user, flt)
    counts = cadre_counts(qs)
    page = page_of(request, qs, count=counts["total"])
    selected_org = access_org(request.user, flt.org_code) if flt.org_code else None
    tree = _side_tree(org_tree_rows(request.user), selected_org)
    return render(request, "cadres/list.html", {
        "page": page, "flt": flt, "counts": counts, "tree": tree, "selected_org": selected_org,
        "scope_total": sum(r["cadre_count"] for r in tree if r["indent"] == 0),
        "tiers": Tier.choices, "categories": CadreCategory.choices, "ranks": Rank.choices,
        "genders": Gender.choices, "flags": [(k, v[0]) for k, v in FLAG_FILTERS.items()],
        "can_write": can_write_registry(request.user),
        "query": request.GET.urlencode(),
        "columns": columns(request, LIST_COLUMNS, current=flt.sort),
    })


def _full_id_number(q: str) -> str | None:
    try:
        return normalise_id_number(q.strip()) if q.strip() else None
    except InvalidIdNumber:
        return None


def _search_without_the_number(request, flt: CadreFilter, number: str):
    """A full 身份证号 typed into the search box finds its cadre, but the page and its links (pages, sorting,
    export) must not carry the number: the search goes on by the cadre's 人员编码 instead, or, when no cadre in
    the scope has that number, by its masked form (which finds no one)."""
    found = cadres_filtered(request.user, flt).values_list("person_code", flat=True).first()
    params = request.GET.copy()
    params["q"] = found or mask_id_number(number)
    params.pop("page", None)
    return redirect(f"{request.path}?{params.urlencode()}")


def _side_tree(rows: list[dict], selected) -> list[dict]:
    """The top two levels, opened along the path to the selected org (like a file browser)."""
    open_paths = set(selected.ancestor_paths() + [selected.path]) if selected else set()
    shown = []
    for row in rows:
        org = row["org"]
        parent_path = org.path[: -org.steplen]
        if row["indent"] <= 1 or parent_path in open_paths:
            shown.append(row)
    return shown


@_scoped
def cadre_detail(request, person_code):
    cadre = access_cadre(request.user, person_code)
    history = list(cadre_history(request.user, person_code)[:100])
    hide = hidden_fields(request.user)
    for event in history:
        event.before_lines, event.after_lines = audit_lines(event, hide=hide)
    return render(request, "cadres/detail.html", {
        "cadre": cadre, "history": history,
        "can_reveal": can_reveal_id_number(request.user, cadre),
        "can_write": can_write_registry(request.user),
        "tab": request.GET.get("tab", "info"),
    })


@_scoped
def cadre_reveal(request, person_code):
    """GET: the reason form in place of the masked number. POST: the number (with the reason audited), or the
    form again with the problem named; over the hourly limit a refusal (audited as well)."""
    cadre = access_cadre(request.user, person_code)

    def show(fragment, ctx, status=200):
        # In place (htmx swaps only a 2xx answer, so a refusal comes as 200 there), or as a page of its own.
        if request.htmx:
            return render(request, fragment, ctx)
        return render(request, "cadres/reveal_page.html", {**ctx, "fragment": fragment}, status=status)

    if not can_reveal_id_number(request.user, cadre):
        return HttpResponse('<span class="text-danger">只有该干部的管理部门可以查看完整身份证号</span>', status=403)
    context = {"cadre": cadre, "reasons": REVEAL_REASONS, "reason": "", "note": "", "error": ""}
    if request.method != "POST":
        return show("cadres/_reveal_form.html", context)
    context.update(reason=request.POST.get("reason", ""), note=request.POST.get("note", ""))
    try:
        full = cadre_reveal_id_number(acting_user=request.user, person_code=person_code,
                                      reason=context["reason"], note=context["note"])
    except RevealRefused as exc:
        return show("cadres/_reveal_refused.html", {"cadre": cadre, "message": exc.message}, status=429)
    except PermissionDenied as exc:
        return HttpResponse(f'<span class="text-danger">{exc.message}</span>', status=403)
    except DomainError as exc:
        context["error"] = exc.message
        return show("cadres/_reveal_form.html", context, status=400)
    return show("cadres/_reveal_done.html", {"cadre": cadre, "full": full})


def _form_page(request, form, *, cadre=None):
    return dialog_page(request, form, "cadres/form_dialog.html", "cadres/form_page.html", cadre=cadre)


@_scoped
def cadre_new(request):
    if not can_write_registry(request.user):
        raise Http404("无权新增干部")
    form = CadreForm(request.POST or None, initial={"org_code": request.GET.get("org", "")})
    if request.method == "POST" and form.is_valid():
        try:
            cadre = cadre_create(acting_user=request.user, org_code=form.cleaned_data["org_code"],
                                 person_code=form.cleaned_data["person_code"], values=form.values(),
                                 managing_code=form.cleaned_data["managing_code"] or None)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已新增干部 {cadre.name}（{cadre.person_code}）")
            return _done(request, cadre.person_code)
    return _form_page(request, form)


@_scoped
def cadre_edit(request, person_code):
    cadre = access_cadre(request.user, person_code)
    if not can_write_registry(request.user):
        raise Http404("无权修改干部")
    initial = {f: getattr(cadre, f) for f in EDITABLE_FIELDS}
    initial.update(person_code=cadre.person_code, org_code=cadre.org.code, id_number=cadre.id_number_masked,
                   managing_code=cadre.managing_department.code if cadre.managing_overridden else "")
    form = CadreForm(request.POST or None, initial=initial, editing=cadre)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if values.get("id_number") == cadre.id_number_masked:
            values.pop("id_number")
        try:
            cadre_update(acting_user=request.user, person_code=person_code, values=values,
                         org_code=form.cleaned_data["org_code"], reason=form.cleaned_data["reason"],
                         managing_code=form.cleaned_data["managing_code"] or None)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return _done(request, person_code)
    return _form_page(request, form, cadre=cadre)


def _done(request, person_code):
    return dialog_done(request, f"/cadres/{person_code}/")


@_scoped
def cadre_export(request):
    from ganxun.cadres.exporters import export_cadres_response

    return export_cadres_response(request.user, _filter_from(request))
