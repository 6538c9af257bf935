"""Plan pages: every plan file and its indicators, each with the clause it comes from.

Any logged-in role may read them: a requirement is public, only the data it is applied to is scoped.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from ganxun.orgs.selectors import root_org_of
from ganxun.plans.spec import MEASURE_KINDS, Indicator, Plan, all_plans, load_plan, plan_ids

LEVEL_LABELS = {"national": "全国", "province": "省级", "city": "市级", "county": "县级"}
SUBJECT_LABELS = {"cadre": "干部指标", "org": "单位/地区指标"}
# What an officer reads when a city plan changes an indicator it adopted.
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


def _level(plan: Plan) -> str:
    return LEVEL_LABELS.get(plan.level, plan.level)


def _rows(plan: Plan) -> list[IndicatorRow]:
    parent = load_plan(plan.adopts) if plan.adopts else None
    inherited = {ind.code: ind for ind in parent.indicators} if parent else {}
    rows = []
    for ind in plan.indicators:
        base = inherited.get(ind.code)
        if parent is None:
            row = IndicatorRow(ind, "", [], plan.title)
        elif base is None:
            row = IndicatorRow(ind, "added", [], plan.title)
        elif base == ind:
            row = IndicatorRow(ind, "inherited", [], parent.title)
        else:
            changed = [label for f, label in FIELD_LABELS.items() if getattr(base, f) != getattr(ind, f)]
            row = IndicatorRow(ind, "overridden", changed, plan.title, base=base,
                               base_requirement=requirement_text(parent, base), base_window=window_text(parent, base))
        row.requirement = requirement_text(plan, ind)
        row.window = window_text(plan, ind)
        row.counts = counts_text(plan, ind)
        row.subjects = subjects_text(plan, ind)
        rows.append(row)
    return rows


@login_required
def plan_list(request):
    plans = all_plans()
    adopted_by: dict[str, list[Plan]] = {}
    for plan in plans:
        if plan.adopts:
            adopted_by.setdefault(plan.adopts, []).append(plan)
    titles = {p.id: p.title for p in plans}
    return render(request, "plans/list.html", {
        "plans": [{"plan": p, "level": _level(p), "adopts_title": titles.get(p.adopts, p.adopts or ""),
                   "adopted_by": adopted_by.get(p.id, []),
                   "cadre_count": len(p.of_subject("cadre")), "org_count": len(p.of_subject("org")),
                   "overridden": sum(1 for r in _rows(p) if r.origin == "overridden")}
                  for p in plans],
        "can_dashboard": can_see_dashboard(request.user),
    })


@login_required
def plan_detail(request, plan_id: str):
    if plan_id not in plan_ids():
        raise Http404("没有这个规划")
    plan = load_plan(plan_id)
    rows = _rows(plan)
    parent = load_plan(plan.adopts) if plan.adopts else None
    groups = [{"subject": s, "label": SUBJECT_LABELS[s], "rows": [r for r in rows if r.indicator.subject == s]}
              for s in ("cadre", "org")]
    figures_from = [plan.indicator(c) for c in plan.hours_indicators]
    return render(request, "plans/detail.html", {
        "plan": plan, "level": _level(plan), "parent": parent, "groups": [g for g in groups if g["rows"]],
        "adopted_by": [p for p in all_plans() if p.adopts == plan.id],
        "overridden": [r for r in rows if r.origin == "overridden"],
        "added": [r for r in rows if r.origin == "added"],
        "hours_indicators": figures_from,
        "rotation_indicator": plan.indicator(plan.rotation_indicator) if plan.rotation_indicator else None,
        "measure_kinds": MEASURE_KINDS,
        "can_dashboard": can_see_dashboard(request.user),
    })
