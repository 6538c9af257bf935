"""The compliance dashboard (达标评估) and the lists of cadres behind its numbers.

Views parse the query string, call one selector and render. Out of scope is 404, like missing; roles
without an org scope (cadre, institution) get 404 too.
"""

from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ganxun.web.decorators import scoped_view
from ganxun.web.tables import Column
from ganxun.plans.engine import VERDICT_LABELS
from ganxun.plans.output import amount
from ganxun.core.errors import NotFound
from ganxun.plans.catalog import all_plans, current_plan_for, load_plan, plan_ids
from ganxun.reports.selectors import (COUNTED, LISTS, VerdictQuery, cadres_by_code, check_query,
                                      dashboard_for, region_choices, verdicts_behind)

VERDICT_STYLES = {"met": "success", "on_track": "primary", "at_risk": "warning", "unmet": "danger",
                  "not_applicable": "secondary"}
PAGE_SIZE = 50


_scoped = scoped_view


def _params(request):
    """Plan and date from the query string; a bad value falls back to the default with a warning."""
    warnings = []
    today = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    as_of = today
    if raw:
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            warnings.append(f"评估日期「{raw}」不是 YYYY-MM-DD 格式，已改用今天")
    plan_id = request.GET.get("plan", "")
    current = current_plan_for(request.user, as_of)
    if plan_id and plan_id not in plan_ids():
        warnings.append(f"没有规划 {plan_id}，已改用 {current.title if current else '默认规划'}")
        plan_id = ""
    plan = load_plan(plan_id) if plan_id else current
    if plan is None:
        raise NotFound("还没有任何已发布的规划")
    return plan, as_of, warnings


def _query(request, plan, as_of) -> VerdictQuery:
    g = request.GET
    return VerdictQuery(plan=plan, as_of=as_of, org_code=g.get("org", "").strip(),
                        indicator=g.get("indicator", "").strip(), verdict=g.get("verdict", "").strip(),
                        list=g.get("list", "").strip())


def _figure_cards(plan, figures) -> list[dict]:
    names = {ind.code: f"「{ind.name}」" for ind in plan.indicators}
    cards = []
    for f in figures:
        note = f.note
        for code, name in names.items():
            note = note.replace(code, name)
        if f.value is None:
            value = "—"
        elif f.unit == "share":
            value = f"{f.value * 100:.1f}%"
        else:
            value = f"{f.value:.1f}"
        unit = "学时" if f.unit == "hours" and f.value is not None else ""
        if f.denominator is None:
            basis = ""
        elif f.unit == "hours":
            basis = f"共 {f.numerator or 0:.1f} 学时 ÷ {f.denominator} 人"
        else:
            basis = f"{f.numerator:g} / {f.denominator} 人" if f.numerator is not None else ""
        cards.append({"figure": f, "value": value, "unit": unit, "basis": basis, "note": note})
    return cards


def _with_refresh(params) -> str:
    params = params.copy()
    params["refresh"] = "1"
    return params.urlencode()


@_scoped
def dashboard(request):
    plan, as_of, warnings = _params(request)
    org_code = request.GET.get("org", "").strip()
    board, cached_at = dashboard_for(request.user, plan, as_of, org_code=org_code or None,
                                     refresh=request.GET.get("refresh") == "1")
    codes = [i.code for i in board.cadre_indicators]
    chosen = request.GET.get("indicator", "")
    if chosen not in codes:
        chosen = next((c for c in plan.hours_indicators if c in codes), codes[0] if codes else "")
    base = urlencode({"plan": plan.id, "as_of": as_of.isoformat()})
    panes = [{"ind": ind, "rows": [(r, r.cells[ind.code]) for r in board.rows], "total": board.total.cells[ind.code]}
             for ind in board.cadre_indicators]
    matrix = [{"row": r, "cells": [(ind, r.cells[ind.code]) for ind in board.cadre_indicators]}
              for r in [board.total, *board.rows]]
    org_matrix = [{"row": r, "cells": [(ind, r.org_verdicts.get(ind.code)) for ind in board.org_indicators]}
                  for r in [board.total, *board.rows] if not r.is_direct]
    regions = region_choices(request.user)
    if board.root.pk not in {o.pk for o in regions}:
        regions = sorted([*regions, board.root], key=lambda o: o.path)
    base_depth = min((o.depth for o in regions), default=1)
    return render(request, "reports/dashboard.html", {
        "board": board, "plan": plan, "as_of": as_of, "warnings": warnings, "base": base, "cached_at": cached_at,
        "refresh_query": _with_refresh(request.GET),
        "plans": all_plans(), "cards": _figure_cards(plan, board.figures),
        "panes": panes, "matrix": matrix, "org_matrix": org_matrix, "chosen": chosen,
        "chart": board.chart(), "regions": [(o, "　" * (o.depth - base_depth)) for o in regions],
        "verdict_labels": VERDICT_LABELS, "styles": VERDICT_STYLES,
        "parent": board.trail[-2] if len(board.trail) > 1 else None,
        "export_query": urlencode({"plan": plan.id, "as_of": as_of.isoformat(), "org": board.root.code}),
    })


def _verdict_page(request, *, list_name: str = ""):
    plan, as_of, warnings = _params(request)
    q = _query(request, plan, as_of)
    if list_name:
        q.list, q.indicator, q.verdict = list_name, "", ""
    root, verdicts = verdicts_behind(request.user, q)
    size = request.GET.get("page_size", "")
    page = Paginator(verdicts, min(int(size), 500) if size.isdigit() and int(size) > 0 else PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    cadres = cadres_by_code(request.user, [v.subject for v in page])
    rows = [{"v": v, "cadre": cadres.get(v.subject), "required": amount(v.required), "actual": amount(v.actual),
             "gap": amount(v.gap), "style": VERDICT_STYLES[v.verdict]} for v in page]
    people = len({v.subject for v in verdicts})
    show_indicator = len(q.codes() or plan.of_subject("cadre")) != 1
    base = {"plan": plan.id, "as_of": as_of.isoformat(), "org": root.code}
    export = dict(base, **{k: v for k, v in (("indicator", q.indicator), ("verdict", q.verdict),
                                                ("list", q.list)) if v})
    return render(request, "reports/cadres.html", {
        "q": q, "title": q.title(), "root": root, "plan": plan, "as_of": as_of, "warnings": warnings,
        "page": page, "rows": rows, "people": people, "total": len(verdicts),
        "indicator": plan.indicator(q.indicator) if q.indicator else None,
        "show_indicator": show_indicator, "lists": LISTS,
        "dashboard_query": urlencode(dict(base, org=request.GET.get("back", "") or root.code,
                                          **({"indicator": q.indicator} if q.indicator else {}))),
        "export_query": urlencode(export),
        "verdict_choices": [(v, VERDICT_LABELS[v]) for v in COUNTED],
        "indicators": plan.of_subject("cadre"),
        "columns": [Column(label) for label in ("姓名", "人员编码", "单位", "职务", *(("指标",) if show_indicator else ()),
                                                "结论", "要求", "实际", "差距", "统计窗口", "操作")],
    })


@_scoped
def cadre_list(request):
    """The cadres behind one count: ?org=&plan=&as_of=&indicator=&verdict=."""
    return _verdict_page(request)


@_scoped
def makeup_list(request):
    """补训名单: leaders without the system training an indicator marked ``makeup_list`` asks for."""
    return _verdict_page(request, list_name="makeup")


@_scoped
def at_risk_list(request):
    """Every cadre verdict behind pace in an open window."""
    return _verdict_page(request, list_name="at_risk")


@_scoped
def export(request):
    from ganxun.reports.exporters import export_verdicts_response

    plan, as_of, _ = _params(request)
    q = _query(request, plan, as_of)
    check_query(q)
    return export_verdicts_response(request.user, q)
