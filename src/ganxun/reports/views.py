"""The compliance dashboard (达标评估) and the lists of cadres behind its numbers.

Views parse the query string, call one selector and render. Out of scope is 404, like missing; roles
without an org scope (cadre, institution) get 404 too.
"""

import hashlib
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.urls import reverse
from django.utils import timezone

from ganxun.jobs.selectors import job_state
from ganxun.web.decorators import scoped_view
from ganxun.web.tables import Column
from ganxun.plans.engine import VERDICT_LABELS, span_for
from ganxun.plans.output import amount
from ganxun.core.dates import parse_day
from ganxun.core.errors import NotFound
from ganxun.core.dbrouting import change_mark, reads_from_replica, wrote_recently
from ganxun.core.kept import kept_once
from ganxun.core.roles import role_of
from ganxun.orgs.selectors import root_org_of, scope_of
from ganxun.plans.catalog import all_plans, current_plan
from ganxun.reports.background import queue_board, queue_export, queue_list
from ganxun.reports.exporters import export_verdicts_response
from ganxun.reports.selectors import (COUNTED, LISTS, VerdictQuery, board_is_slow, board_kept, cadres_by_code,
                                      check_query, compute_board, compute_list, dashboard_root, list_is_slow, list_kept,
                                      live_figures, region_choices, stored_board, stored_key, stored_numbers)
from ganxun.reports.selectors import STORED_BOARD_SECONDS
from ganxun.reports.windows import distinct_labels, window_dates, window_label

VERDICT_STYLES = {"met": "success", "on_track": "primary", "at_risk": "warning", "unmet": "danger",
                  "not_applicable": "secondary"}
PAGE_SIZE = 50


_scoped = scoped_view


def _params(request):
    """Plan and date from the query string; a bad value falls back to the default with a warning. The published
    plans are read once (``request.gx_plans``, for the page's plan selector too)."""
    warnings = []
    today = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    as_of = today
    if raw:
        day, problem = parse_day("评估日期", raw)
        if problem:
            warnings.append(f"{problem}，已改用今天")
        else:
            as_of = day
    plan_id = request.GET.get("plan", "")
    plans = request.gx_plans = all_plans()
    current = current_plan(as_of, root_org_of(request.user), plans=plans)
    by_id = {p.id: p for p in plans}
    if plan_id and plan_id not in by_id:
        warnings.append(f"没有规划 {plan_id}，已改用 {current.title if current else '默认规划'}")
        plan_id = ""
    plan = by_id[plan_id] if plan_id else current
    if plan is None:
        raise NotFound("还没有任何已发布的规划")
    return plan, as_of, warnings


def _query(request, plan, as_of) -> VerdictQuery:
    g = request.GET
    return VerdictQuery(plan=plan, as_of=as_of, org_code=g.get("org", "").strip(),
                        indicator=g.get("indicator", "").strip(), verdict=g.get("verdict", "").strip(),
                        list=g.get("list", "").strip())


def _window(start, end, plan, as_of, kind: str = "") -> dict:
    """A window as a figure shows it: its name (2026 年度), and its dates for the tooltip."""
    label = window_label(start, end, as_of=as_of, plan=plan, kind=kind)
    if start <= as_of < end:
        label += f"（至 {as_of:%m-%d}）"
    return {"label": label, "dates": window_dates(start, end, as_of=as_of)}


def _figure_cards(plan, figures, as_of) -> list[dict]:
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
            basis = f"{f.numerator:g} / {f.denominator} {f.per}" if f.numerator is not None else ""
        window = _window(*f.window, plan, as_of) if f.window else None
        parts = []
        if f.code == "hours_compliance_rate":
            # its verdicts come from indicators with windows of their own: name each
            for code in plan.hours_indicators:
                ind = plan.indicator(code)
                if (span := span_for(plan, ind, as_of)) is not None:
                    parts.append({"name": ind.name, **_window(span.start, span.end, plan, as_of, ind.window.kind)})
            if parts:
                note = "、".join(f"「{p['name']}」按{p['label']}" for p in parts) + "达标的干部占比"
        cards.append({"figure": f, "value": value, "unit": unit, "basis": basis, "note": note, "window": window,
                      "parts": parts})
    return cards


def _attention_windows(board) -> dict:
    """The windows behind each 需要关注 card: 补训名单 (its indicators'), 进度滞后 (only open windows can be
    behind), 未达标 (every indicator that counts, each in its own window)."""
    plan, as_of = board.plan, board.as_of
    spans = {ind.code: span_for(plan, ind, as_of) for ind in board.cadre_indicators}
    kinds = {ind.code: ind.window.kind for ind in board.cadre_indicators}

    def labels(codes, empty="—"):
        windows = [(spans[c], kinds[c]) for c in codes if spans[c]]
        return "、".join(distinct_labels(windows, as_of=as_of, plan=plan)) or empty

    inds = board.cadre_indicators
    return {
        "makeup": labels(board.makeup_codes),
        "makeup_dates": "；".join(window_dates(spans[c].start, spans[c].end, as_of=as_of)
                                 for c in board.makeup_codes if spans[c]),
        "at_risk": labels([i.code for i in inds if spans[i.code] and not spans[i.code].closed],
                          empty="各统计窗口均已结束"),
        "unmet": labels([i.code for i in inds if not i.advisory]),
    }


VIEWS = ("matrix", "org")  # besides one cadre indicator: 达标率一览, 单位/地区指标
GROUPS = {"region": "下级地区", "unit": "直属单位"}


def _with_refresh(params) -> str:
    params = params.copy()
    params["refresh"] = "1"
    return params.urlencode()


def _without(params, *names) -> str:
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _kept_or_queued(request, kept, *, slow, queue, compute, title, plan, as_of, root, warnings, board=False):
    """The result a page shows: ``(result, computed at)`` kept from a while ago, or evaluated here (at ``None``);
    or, when it is ``slow`` (a province's), a response: the page of the worker's job evaluating it, which
    reloads the page when the job ends. ``?refresh=1`` (重新计算) evaluates afresh."""
    refresh = request.GET.get("refresh") == "1"
    found = None if refresh else kept.get()
    if found is not None:
        return found
    if not slow():
        return compute(), None
    if refresh:
        kept.forget()
    job = queue(again=refresh)
    if refresh:
        return redirect(f"{request.path}?{_without(request.GET, 'refresh')}")
    return render(request, "reports/pending.html", {
        "job": job, "state": job_state(job), "plan": plan, "as_of": as_of, "root": root, "warnings": warnings,
        "title": title, "board": board, "poll_url": reverse("jobs:progress", args=[job.pk]), "refresh_query": _with_refresh(request.GET)})


def _board_view(request, plan) -> tuple[str, str, str]:
    """What the units card shows, from the query string: ``(view, chosen indicator, group)``. ?view= is one cadre
    indicator (as ?indicator=), 达标率一览 (matrix) or 单位/地区指标 (org)."""
    codes = [i.code for i in plan.of_subject("cadre")]
    view = request.GET.get("view", "")
    chosen = view if view in codes else request.GET.get("indicator", "")
    if chosen not in codes:
        chosen = next((c for c in plan.hours_indicators if c in codes), codes[0] if codes else "")
    view = view if view in VIEWS else ""
    group = request.GET.get("group", "")
    return view or chosen, chosen, group if group in GROUPS else ""


def _content_key(kept_as: str, request, plan, warnings, cards, shown) -> str:
    """Where the rendered content of a board read from the store is kept: the board's key (what it read) and
    everything else the content shows, so that two requests under one key see the same page."""
    plans = [(p.id, p.version, p.title) for p in request.gx_plans]
    return "ganxun:dashboard-page:" + hashlib.sha256(repr((
        _TEMPLATES, kept_as, sorted(request.GET.items()), plan.id, plan.version, warnings, plans, cards, shown,
    )).encode()).hexdigest()


def _dashboard_page(request, root_name, content):
    """The page around its content; or, asked for one view of the units card (?part=1, the page's switch), that
    view alone."""
    if request.GET.get("part") == "1":
        return HttpResponse(content)
    return render(request, "reports/dashboard.html", {"root_name": root_name, "content": mark_safe(content)})


def _marked_key(request, mark: str | None) -> str:
    """Where a page worked out at the database's ``mark`` is kept (with ``None``: the latest of them): everything
    else it rests on is what the asker may see (their role and scope, as the boards are kept), what they ask, and
    today (the default date, the windows still open)."""
    user = request.user
    return ("ganxun:dashboard-marked:" if mark else "ganxun:dashboard-latest:") + hashlib.sha256(repr((
        _TEMPLATES, mark, role_of(user), scope_of(user).key, sorted(request.GET.lists()),
        timezone.localdate().isoformat(),
    )).encode()).hexdigest()


@_scoped
@reads_from_replica
def dashboard(request):
    """达标评估. A board read from the verdict store is kept under what it read (``stored_key``), and the page's
    content rendered from it beside it: a request that finds both measures only the live figures (调训率, 参训率)
    and sends the kept content, so that a city's page costs a few reads whatever its size.

    On PostgreSQL the page is also kept under the database's ``change_mark``: while nothing has been committed
    since, the same request gets the same page with one read. After a commit the first to ask works the page out;
    the others asking the same meanwhile get the page of the state before, when it is at most
    ``GANXUN_REPLICA_MAX_LAG_SECONDS`` old (what a reader who has not written accepts from a replica too), or wait
    for it; and within ``GANXUN_SHARED_PAGE_SECONDS`` of the latest page's reading nobody works it out again, so
    that under a stream of writes the page is worked out about once a second, one at a time, not once per write.
    A browser that has just written (``wrote_recently``) gets the page of the state after its write."""
    mark = change_mark() if request.GET.get("refresh") != "1" else None
    if mark is None:
        return _dashboard(request, None)
    own = wrote_recently(request)
    found = kept_once(_marked_key(request, mark), lambda: _dashboard(request, mark), STORED_BOARD_SECONDS,
                      keep=lambda found: not isinstance(found, HttpResponse), latest=_marked_key(request, None),
                      fresh_seconds=0.0 if own else settings.GANXUN_SHARED_PAGE_SECONDS,
                      stale_seconds=0.0 if own else settings.GANXUN_REPLICA_MAX_LAG_SECONDS)
    return found if isinstance(found, HttpResponse) else _dashboard_page(request, *found)


def _dashboard(request, mark):
    """The page (as ``(root name, content)``), or a response of its own (the worker's job page of a province)."""
    plan, as_of, warnings = _params(request)
    root = dashboard_root(request.user, request.GET.get("org", "").strip() or None)
    user = request.user
    shown = _board_view(request, plan)
    key = stored_key(user, plan, as_of, root)
    numbers = stored_numbers(key) if key else None
    if numbers is not None:
        cards = _figure_cards(plan, live_figures(user, plan, as_of, root, numbers), as_of)
        content = cache.get(_content_key(key, request, plan, warnings, cards, shown))
        if content is not None:
            return _respond(request, mark, root.name, content)
    stored = stored_board(user, plan, as_of, root, key) if key else None
    found = (stored, None) if stored is not None else _kept_or_queued(
        request, board_kept(user, plan, as_of, root), slow=lambda: board_is_slow(user, plan, as_of, root),
        queue=lambda again: queue_board(user, plan, as_of, root, again=again),
        compute=lambda: compute_board(user, plan, as_of, root),
        title="达标评估", board=True, plan=plan, as_of=as_of, root=root, warnings=warnings)
    if isinstance(found, HttpResponse):
        if request.GET.get("part") == "1":   # the board went while the page was open: the page is to be reloaded
            return HttpResponse("统计结果已不在缓存中，请刷新页面", status=409, content_type="text/plain; charset=utf-8")
        return found
    board, cached_at = found
    view, chosen, group = shown
    base = urlencode({"plan": plan.id, "as_of": as_of.isoformat()})

    # the shown view's rows, as callables the template calls only when the cached rendering of the tables is missing;
    # the other views come when the page switches to them (?part=1)
    def panes():
        return [{"ind": ind, "rows": [(r, r.cells[ind.code]) for r in board.rows], "total": board.total.cells[ind.code]}
                for ind in board.cadre_indicators if ind.code == view]

    def matrix():
        return [{"row": r, "cells": [(ind, r.cells[ind.code]) for ind in board.cadre_indicators]}
                for r in [board.total, *board.rows]]

    def org_matrix():
        return [{"row": r, "cells": [(ind, r.org_verdicts.get(ind.code)) for ind in board.org_indicators]}
                for r in [board.total, *board.rows] if not r.is_direct]
    org_columns = [{"ind": ind, "window": _window(span.start, span.end, plan, as_of, ind.window.kind) if span else None}
                   for ind in board.org_indicators for span in [span_for(plan, ind, as_of)]]
    groups = [(g, label, sum(1 for r in board.rows if r.group_key == g)) for g, label in GROUPS.items()]

    def regions():   # the filter's choices: the page's, not a view's alone
        found = region_choices(request.user)
        if board.root.pk not in {o.pk for o in found}:
            found = sorted([*found, board.root], key=lambda o: o.path)
        base_depth = min((o.depth for o in found), default=1)
        return [(o, "　" * (o.depth - base_depth)) for o in found]
    cards = _figure_cards(plan, board.figures, as_of)
    part = request.GET.get("part") == "1"
    content = render_to_string("reports/_dashboard_pane.html" if part else "reports/_dashboard_content.html", {
        "board": board, "plan": plan, "as_of": as_of, "warnings": warnings, "base": base, "cached_at": cached_at,
        "refresh_query": _with_refresh(request.GET),
        "plans": request.gx_plans, "cards": cards,
        "attention": _attention_windows(board), "org_columns": org_columns,
        "panes": panes, "matrix": matrix, "org_matrix": org_matrix, "chosen": chosen,
        "view": view, "group": group, "groups": groups, "both_groups": all(n for _, _, n in groups),
        "pane_chart": board.chart(only=view) if view not in VIEWS else None, "chart_id": f"gx-chart-of-{view}",
        "part_query": urlencode({"plan": plan.id, "as_of": as_of.isoformat(), "org": board.root.code}),
        "regions": regions,
        "verdict_labels": VERDICT_LABELS, "styles": VERDICT_STYLES,
        "parent": board.trail[-2] if len(board.trail) > 1 else None,
        "export_query": urlencode({"plan": plan.id, "as_of": as_of.isoformat(), "org": board.root.code}),
        "tables_key": _tables_key(board, base, view, chosen, group),
    }, request)
    if board.kept_as:
        cache.set_many({_content_key(board.kept_as, request, plan, warnings, cards, shown): content,
                        board.kept_as + ":numbers": board.numbers}, STORED_BOARD_SECONDS)
    return _respond(request, mark, board.root.name, content)


def _respond(request, mark, root_name, content):
    """Under a mark, the page's parts for ``kept_once`` to keep; without, the page."""
    return (root_name, content) if mark is not None else _dashboard_page(request, root_name, content)


# What the kept pages were made with: their templates, and this module and the selectors (a new release that
# changes them does not send a page the old one kept)
_TEMPLATES = hashlib.sha256(b"".join(
    [(Path(__file__).parent / "templates" / "reports" / name).read_bytes()
     for name in ("dashboard.html", "_dashboard_content.html", "_dashboard_pane.html", "_counts.html", "_cached.html")]
    + [(Path(__file__).parent / name).read_bytes() for name in ("views.py", "selectors.py")]
)).hexdigest()


def _tables_key(board, base: str, view: str, chosen: str, group: str) -> str:
    """What the dashboard's tables show, as a digest: their rendering (a city's 200 units × every indicator, most of
    the page's time) is cached under it, so that a board that has not changed is not rendered again, and one that
    has can never be served from the cache. A board kept from the store is named by its key (what it read)."""
    if board.kept_as:
        return hashlib.sha256(repr((_TEMPLATES, board.kept_as, base, view, chosen, group)).encode()).hexdigest()
    rows = [(r.code, r.name, r.kind, r.is_total, r.is_direct, r.org.code if r.org else "", r.cadres,
             sorted((k, vars(c)) for k, c in r.cells.items()),
             sorted((k, v.verdict, v.label, v.actual) for k, v in r.org_verdicts.items()))
            for r in (board.total, *board.rows)]
    content = repr((_TEMPLATES, board.plan.id, board.plan.version, board.as_of, board.root.code, board.root.name,
                    base, view, chosen, group, rows))
    return hashlib.sha256(content.encode()).hexdigest()


def _verdict_page(request, *, list_name: str = ""):
    plan, as_of, warnings = _params(request)
    q = _query(request, plan, as_of)
    if list_name:
        q.list, q.indicator, q.verdict = list_name, "", ""
    check_query(q)
    root = dashboard_root(request.user, q.org_code or None)
    user = request.user
    found = _kept_or_queued(
        request, list_kept(user, q, root), slow=lambda: list_is_slow(user, q, root),
        queue=lambda again: queue_list(user, q, root, again=again), compute=lambda: compute_list(user, q, root),
        title=q.title(), plan=plan, as_of=as_of, root=root, warnings=warnings)
    if isinstance(found, HttpResponse):
        return found
    verdicts, cached_at = found
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
        "cached_at": cached_at, "refresh_query": _with_refresh(request.GET),
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
@reads_from_replica
def cadre_list(request):
    """The cadres behind one count: ?org=&plan=&as_of=&indicator=&verdict=."""
    return _verdict_page(request)


@_scoped
@reads_from_replica
def makeup_list(request):
    """补训名单: leaders without the system training an indicator marked ``makeup_list`` asks for."""
    return _verdict_page(request, list_name="makeup")


@_scoped
@reads_from_replica
def at_risk_list(request):
    """Every cadre verdict behind pace in an open window."""
    return _verdict_page(request, list_name="at_risk")


@_scoped
@reads_from_replica
def export(request):
    """The verdicts of the dashboard or of one list as a workbook; a province's is made by the worker and
    downloaded from its job's page."""
    plan, as_of, warnings = _params(request)
    if warnings:  # a download is not a page that can show what was changed: say it instead of guessing
        return render(request, "web/error.html", {"code": 400, "title": "参数有误",
                                                  "message": "；".join(w.split("，已改用")[0] for w in warnings)
                                                  + "。"}, status=400)
    q = _query(request, plan, as_of)
    check_query(q)
    root = dashboard_root(request.user, q.org_code or None)
    if list_is_slow(request.user, q, root):
        return redirect("jobs:detail", queue_export(request.user, q, root).pk)
    return export_verdicts_response(request.user, q)
