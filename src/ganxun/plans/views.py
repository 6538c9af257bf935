"""Plan pages: every published plan and its indicators with the clause each comes from, and 规划管理 — a
department creates a plan by adopting another, edits its draft (header and indicators, with a preview on its
own cadres), publishes numbered versions, and exchanges the plan as a YAML file.

Any logged-in role reads published plans: a requirement is public, only the data it is applied to is scoped.
A draft is its department's alone; anyone else gets 404 for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganxun.core.errors import DomainError, PermissionDenied
from ganxun.orgs.selectors import root_org_of
from ganxun.plans import catalog
from ganxun.plans.forms import ClassIndicatorForm, IndicatorForm, PlanFileForm, PlanForm, PublishForm
from ganxun.plans.selectors import (can_create_plans, document_of, documents_editable_by, indicator_preview,
                                    may_edit, plan_page)
from ganxun.plans.services import (plan_create, plan_import, plan_indicator_reset, plan_indicator_save, plan_publish,
                                   plan_update)
from ganxun.plans.spec import MEASURE_KINDS, Indicator, Plan, PlanFileError, parse_indicator
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import attach_errors, dialog_done, dialog_page

SUBJECT_LABELS = {"cadre": "干部指标", "org": "单位/地区指标", "class": "班次指标（按课表评估）"}
# What an officer reads when a plan changes an indicator it adopted.
FIELD_LABELS = {"name": "名称", "who": "适用对象", "population": "统计对象", "counts": "计入范围",
                "measure": "要求", "window": "统计窗口", "source": "依据条款", "text": "条文",
                "advisory": "是否参考", "makeup_list": "补训名单", "of_indicator": "依据指标"}


@dataclass
class IndicatorRow:
    indicator: Indicator
    origin: str           # "" (own plan), "inherited", "overridden" or "added"
    changed: list[str]    # labels of the fields an override changed
    document: str         # the plan the source clause belongs to
    requirement: str = ""
    window: str = ""
    counts: str = ""
    subjects: str = ""
    base: Indicator | None = None          # the adopted plan's version, when overridden
    base_requirement: str = ""
    base_window: str = ""


def requirement_text(plan: Plan, ind: Indicator) -> str:
    """The requirement as one sentence an officer can check against the clause."""
    return ind.measure.requirement(plan, ind)


def window_text(plan: Plan, ind: Indicator) -> str:
    return ind.window.describe(plan.start, plan.end)


def subjects_text(plan: Plan, ind: Indicator) -> str:
    text = ind.describe_subjects()
    if ind.of_indicator:
        text = text.replace(ind.of_indicator, plan.indicator(ind.of_indicator).name)
    return text


def counts_text(plan: Plan, ind: Indicator) -> str:
    return ind.measure.counts_text(plan, ind)


def can_see_dashboard(user) -> bool:
    return root_org_of(user) is not None


def _parent(plan: Plan) -> Plan | None:
    if not plan.adopts:
        return None
    try:
        return catalog.load_plan(plan.adopts, plan.adopts_version)
    except PlanFileError:
        return None


def clause_documents(plan: Plan) -> dict[str, str]:
    """For each indicator, the document its clause comes from: the plan that wrote its source and text, up the
    chain of adoptions (an adopted indicator whose clause the plan did not rewrite cites the adopted plan's)."""
    parent = _parent(plan)
    if parent is None:
        return {ind.code: plan.source_title for ind in plan.indicators}
    above = clause_documents(parent)
    inherited = {ind.code: ind for ind in parent.indicators}
    return {ind.code: above[ind.code] if ind.code in inherited and (inherited[ind.code].source, inherited[ind.code].text)
            == (ind.source, ind.text) else plan.source_title for ind in plan.indicators}


def _rows(plan: Plan) -> list[IndicatorRow]:
    parent = _parent(plan)
    inherited = {ind.code: ind for ind in parent.indicators} if parent else {}
    documents = clause_documents(plan)
    rows = []
    for ind in plan.indicators:
        base = inherited.get(ind.code)
        document = documents[ind.code]
        if parent is None:
            row = IndicatorRow(ind, "", [], document)
        elif base is None:
            row = IndicatorRow(ind, "added", [], document)
        elif base == ind:
            row = IndicatorRow(ind, "inherited", [], document)
        else:
            changed = [label for f, label in FIELD_LABELS.items() if getattr(base, f) != getattr(ind, f)]
            row = IndicatorRow(ind, "overridden", changed, document, base=base,
                               base_requirement=requirement_text(parent, base), base_window=window_text(parent, base))
        row.requirement = requirement_text(plan, ind)
        row.window = window_text(plan, ind)
        row.counts = counts_text(plan, ind)
        row.subjects = subjects_text(plan, ind)
        rows.append(row)
    return rows


# ---- reading -----------------------------------------------------------------------------------

@scoped_view
def plan_list(request):
    plans = catalog.all_plans()
    titles = {p.id: p.title for p in plans}
    adopted_by: dict[str, list[Plan]] = {}
    for plan in plans:
        if plan.adopts:
            adopted_by.setdefault(plan.adopts, []).append(plan)
    today = timezone.localdate()
    current = catalog.current_plan_for(request.user, today)
    owners = _owner_names(plans)
    published = [{"plan": p, "adopts_title": titles.get(p.adopts, p.adopts or ""), "owner": owners.get(p.owner, ""),
                  "adopted_by": adopted_by.get(p.id, []), "current": current is not None and p.id == current.id,
                  "cadre_count": len(p.of_subject("cadre")), "org_count": len(p.of_subject("org")),
                  "class_count": len(p.of_subject("class")),
                  "overridden": sum(1 for r in _rows(p) if r.origin == "overridden")}
                 for p in plans]
    return render(request, "plans/list.html", {
        "departments": [r for r in published if not r["plan"].shipped],
        "shipped": [r for r in published if r["plan"].shipped],
        "current": current, "today": today, "own": documents_editable_by(request.user),
        "can_create": can_create_plans(request.user), "can_dashboard": can_see_dashboard(request.user),
    })


def _owner_names(plans: list[Plan]) -> dict[str, str]:
    from ganxun.orgs.models import Org

    codes = {p.owner for p in plans if p.owner}
    return dict(Org.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def _version_param(request) -> int | None:
    raw = request.GET.get("version", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


@scoped_view
def plan_detail(request, plan_id: str):
    page = plan_page(request.user, plan_id, version=_version_param(request), draft=request.GET.get("draft") == "1")
    plan = page.plan
    context = {"page": page, "plan": plan, "document": page.document, "can_dashboard": can_see_dashboard(request.user),
               "measure_kinds": MEASURE_KINDS, "owner": page.document.owner_org if page.document else None}
    if plan is not None:
        rows = _rows(plan)
        context.update(
            parent=_parent(plan), rows=rows,
            groups=[g for g in ({"subject": s, "label": SUBJECT_LABELS[s],
                                 "rows": [r for r in rows if r.indicator.subject == s]} for s in ("cadre", "org", "class"))
                    if g["rows"]],
            adopted_by=[p for p in catalog.all_plans() if p.adopts == plan.id],
            overridden=[r for r in rows if r.origin == "overridden"], added=[r for r in rows if r.origin == "added"],
            hours_indicators=[plan.indicator(c) for c in plan.hours_indicators],
            rotation_indicator=plan.indicator(plan.rotation_indicator) if plan.rotation_indicator else None,
        )
    return render(request, "plans/detail.html", context)


@scoped_view
def plan_export(request, plan_id: str):
    """The plan as its YAML file: a published version (the latest unless ``?version=``) or, for its department,
    the draft (``?draft=1``). Audited like every export."""
    from ganxun.plans.exporters import plan_yaml

    text, name = plan_yaml(request.user, plan_id, version=_version_param(request),
                           draft=request.GET.get("draft") == "1")
    response = HttpResponse(text, content_type="application/x-yaml; charset=utf-8")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# ---- 规划管理 -------------------------------------------------------------------------------------

def _plan_dialog(request, form, *, title: str, action: str):
    return dialog_page(request, form, "plans/plan_dialog.html", "plans/plan_form_page.html", title=title,
                       action=action)


@scoped_view
def plan_new(request):
    if not can_create_plans(request.user):
        raise Http404("只有省、市、县组织部门管理员可以制定规划")
    plans = catalog.all_plans()
    root = root_org_of(request.user)
    suggested = catalog.current_plan_for(request.user, timezone.localdate()) or (plans[0] if plans else None)
    initial = {"issuer": f"中共{root.name}委组织部" if root else "", "adopts": request.GET.get("adopts") or
               (suggested.id if suggested else ""), "start": date(2023, 1, 1), "end": date(2027, 12, 31),
               "code": f"{root.code.lower()}-2023-2027" if root else "",
               "title": f"{root.name}2023—2027年干部教育培训规划" if root else ""}
    form = PlanForm(request.POST or None, plans=plans, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = plan_create(acting_user=request.user, code=d["code"], title=d["title"], issuer=d["issuer"],
                              start=d["start"], end=d["end"], adopts=d["adopts"], source_title=d["source_title"])
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已新建规划草稿「{doc.title}」：沿用所采用规划的全部指标，可逐项修改后发布")
            return dialog_done(request, reverse("plans:detail", args=[doc.code]) + "?draft=1")
    return _plan_dialog(request, form, title="新建规划（采用已有规划）", action=request.get_full_path())


def _editable_draft(request, plan_id: str):
    """The draft of the user's own plan, or 404."""
    document = document_of(plan_id)
    if not may_edit(request.user, document):
        raise Http404("规划不存在或不在您的管理范围内")
    try:
        return document, catalog.draft_of(document)
    except PlanFileError:
        return document, None


@scoped_view
def plan_edit(request, plan_id: str):
    document, draft = _editable_draft(request, plan_id)
    raw = document.draft
    initial = {"title": raw.get("title"), "issuer": raw.get("issuer"), "source_title": raw.get("source_title"),
               "start": (raw.get("period") or {}).get("start"), "end": (raw.get("period") or {}).get("end"),
               "hired_cutoff": raw.get("hired_cutoff") or (draft.hired_cutoff if draft else "")}
    form = PlanForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan_update(acting_user=request.user, code=plan_id, title=d["title"], issuer=d["issuer"], start=d["start"],
                        end=d["end"], source_title=d["source_title"], hired_cutoff=d["hired_cutoff"],
                        reason=d["reason"])
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "已保存规划的基本信息（草稿）")
            return dialog_done(request, reverse("plans:detail", args=[plan_id]) + "?draft=1")
    return _plan_dialog(request, form, title=f"修改规划：{document.title}", action=request.path)


def _indicator_page(request, plan_id: str, indicator_code: str | None):
    document, draft = _editable_draft(request, plan_id)
    if draft is None:
        messages.error(request, "草稿目前无法通过校验，请先按提示修改规划的基本信息或导入正确的规划文件")
        return redirect(reverse("plans:detail", args=[plan_id]) + "?draft=1")
    new = indicator_code is None
    try:
        current = draft.indicator(indicator_code) if not new else None
    except KeyError:
        raise Http404("规划中没有这个指标") from None
    if current is not None and current.subject == "class":
        return _class_indicator_page(request, plan_id, document, draft, current)
    initial = IndicatorForm.initial_of(current) if current else {
        "subject": request.GET.get("subject", "cadre"), "measure_kind": "total", "window_kind": "calendar_year",
        "institutions": "any"}
    form = IndicatorForm(request.POST or None, plan=draft, new=new, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        if request.POST.get("action") == "preview":
            preview = _preview(request, draft, spec, current, form)
        else:
            try:
                plan_indicator_save(acting_user=request.user, code=plan_id, spec=spec,
                                    reason=form.cleaned_data["reason"], new=new)
            except DomainError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, f"已保存指标「{spec['name']}」（草稿，发布后生效）")
                return redirect(reverse("plans:detail", args=[plan_id]) + f"?draft=1#ind-{spec['code']}")
    parent = _parent(draft)
    base = None
    if current is not None and parent is not None:
        base = next((i for i in parent.indicators if i.code == current.code), None)
    return render(request, "plans/indicator_form.html", {
        "form": form, "document": document, "plan": draft, "indicator": current, "new": new, "preview": preview,
        "base": base, "parent": parent, "base_requirement": requirement_text(parent, base) if base else "",
        "base_window": window_text(parent, base) if base else "",
    })


def _class_indicator_page(request, plan_id: str, document, draft: Plan, current: Indicator):
    form = ClassIndicatorForm(request.POST or None, indicator=current)
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        try:
            plan_indicator_save(acting_user=request.user, code=plan_id, spec=spec, reason=form.cleaned_data["reason"],
                                new=False)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已保存指标「{spec['name']}」（草稿，发布后生效）")
            return redirect(reverse("plans:detail", args=[plan_id]) + f"?draft=1#ind-{spec['code']}")
    return render(request, "plans/class_indicator_form.html", {
        "form": form, "document": document, "plan": draft, "indicator": current,
        "requirement": requirement_text(draft, current), "subjects": subjects_text(draft, current),
        "counts": counts_text(draft, current)})


def _preview(request, draft: Plan, spec: dict, current: Indicator | None, form):
    try:
        edited = parse_indicator("指标", 0, spec)
    except PlanFileError as exc:
        form.add_error(None, str(exc))
        return None
    as_of = min(timezone.localdate(), draft.end) if draft.start <= timezone.localdate() else draft.end
    return indicator_preview(request.user, draft, edited, as_of=as_of, before=current)


@scoped_view
def indicator_edit(request, plan_id: str, indicator_code: str):
    return _indicator_page(request, plan_id, indicator_code)


@scoped_view
def indicator_new(request, plan_id: str):
    return _indicator_page(request, plan_id, None)


@scoped_view
@require_POST
def indicator_reset(request, plan_id: str, indicator_code: str):
    _editable_draft(request, plan_id)
    try:
        plan_indicator_reset(acting_user=request.user, code=plan_id, indicator_code=indicator_code,
                             reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已恢复为所采用规划的要求（本规划自己的指标已删除）")
    return redirect(reverse("plans:detail", args=[plan_id]) + "?draft=1")


@scoped_view
def plan_publish_view(request, plan_id: str):
    document, draft = _editable_draft(request, plan_id)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = plan_publish(acting_user=request.user, code=plan_id, note=form.cleaned_data["note"])
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已发布「{document.title}」第 {version.number} 版：评估按此版进行")
            return dialog_done(request, reverse("plans:detail", args=[plan_id]))
    return dialog_page(request, form, "plans/publish_dialog.html", "plans/publish_page.html", document=document,
                       plan=draft, action=request.path)


@scoped_view
def plan_import_view(request):
    if not can_create_plans(request.user):
        raise Http404("只有省、市、县组织部门管理员可以导入规划")
    form = PlanFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        filename, text = form.cleaned_data["file"]
        try:
            doc = plan_import(acting_user=request.user, text=text, filename=filename)
        except (DomainError, PermissionDenied) as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, f"已导入规划文件 {filename}：「{doc.title}」的草稿，请核对后发布")
            return redirect(reverse("plans:detail", args=[doc.code]) + "?draft=1")
    return render(request, "plans/import.html", {"form": form})


__all__ = ["plan_list", "plan_detail", "plan_export", "plan_new", "plan_edit", "indicator_edit", "indicator_new",
           "indicator_reset", "plan_publish_view", "plan_import_view"]
