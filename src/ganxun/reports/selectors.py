"""Reads behind the compliance dashboard (达标评估): one org, its direct children, one plan, one date.

Cadre verdicts are computed ONCE for the whole subtree and aggregated per child by the cadre's org
path prefix, so the number of queries does not grow with the number of children. Unit and region
indicators come from ``org_verdicts`` (one call for the subtree) and the report figures from
``org_figures``; both are handed those cadre verdicts (``CadreResults``), so no cadre indicator is
evaluated twice in one request.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ganxun.cadres.selectors import cadres_visible_to
from ganxun.core.errors import NotFound
from ganxun.orgs.models import Org, OrgKind, OrgType
from ganxun.core.roles import role_of
from ganxun.orgs.selectors import access_org, orgs_visible_to, root_org_of, scope_of, tree_generation
from ganxun.plans.compliance import (CadreResults, Figure, Numbers, cadre_verdicts, compliance_scope, figures_of,
                                     org_figures, org_verdicts, year_judged)
from ganxun.plans.engine import AT_RISK, MET, NOT_APPLICABLE, ON_TRACK, UNMET, VERDICT_LABELS, Share, Verdict, span_for
from ganxun.plans.facts import add_facts, member_keys, numbers_of, verdict_key
from ganxun.plans.spec import Indicator, Plan
from ganxun.plans.store import DIRECT, current_snapshot, generation, pending, stored_subtree_sums

# The verdicts a cadre indicator can give, in the order the dashboard shows them.
COUNTED = (MET, ON_TRACK, AT_RISK, UNMET)
NO_SCOPE = "您的角色没有可统计的单位范围"


def dashboard_root(user, org_code: str | None = None) -> Org:
    """The org the dashboard reports on: ``org_code`` inside the scope, else the user's scope root.

    Roles without an org scope (a cadre, a training institution) have no dashboard: not found.
    """
    scope = scope_of(user)
    if not (scope.everything or scope.paths):
        raise NotFound(NO_SCOPE)
    if org_code:
        return access_org(user, org_code)
    root = root_org_of(user)
    if root is None:
        raise NotFound("还没有任何组织机构")
    return root


@dataclass
class Cell:
    """One cadre indicator for one org: how many cadres got each verdict."""

    met: int = 0
    on_track: int = 0
    at_risk: int = 0
    unmet: int = 0

    def add(self, verdict: str) -> None:
        setattr(self, verdict, getattr(self, verdict) + 1)

    @property
    def applicable(self) -> int:
        return self.met + self.on_track + self.at_risk + self.unmet

    @property
    def rate(self) -> float | None:
        return self.met / self.applicable if self.applicable else None


@dataclass
class OrgRow:
    """A child of the dashboard's org (or the org itself as the total, or its directly attached cadres)."""

    code: str
    name: str
    kind: str = ""          # OrgKind value; "" for the synthetic rows
    org: Org | None = None
    is_total: bool = False
    is_direct: bool = False
    cadres: int = 0
    cells: dict[str, Cell] = field(default_factory=dict)
    org_verdicts: dict[str, Verdict] = field(default_factory=dict)

    def cell(self, code: str) -> Cell:
        return self.cells.setdefault(code, Cell())

    @property
    def is_region(self) -> bool:
        return self.kind == OrgKind.REGION

    @property
    def group(self) -> str:
        """Children are shown in two groups: the regions below (counties, townships) and the units."""
        return "下级地区" if self.is_region else "直属单位"

    @property
    def group_key(self) -> str:
        return "region" if self.is_region else "unit"


@dataclass
class Dashboard:
    plan: Plan
    as_of: date
    root: Org
    trail: list[Org]                    # from the scope root down to ``root``, for the breadcrumb
    figures: list[Figure]
    cadre_indicators: list[Indicator]
    org_indicators: list[Indicator]
    total: OrgRow
    rows: list[OrgRow]                  # direct children (and a "本级" row when cadres sit on the root)
    makeup_codes: list[str]
    makeup: int = 0                     # cadres on the 补训 list
    at_risk: int = 0                    # at_risk verdicts
    at_risk_people: int = 0
    unmet: int = 0                      # unmet verdicts of indicators that count (not advisory)
    unmet_people: int = 0
    stored_at: datetime | None = None   # the cadre verdicts came from the verdict store, rebuilt then (else live)
    pending: int = 0                    # of them, cadres a write has marked since: evaluated live
    numbers: Numbers | None = None      # the parts of the figures, when added up from the store
    kept_as: str = ""                   # the cache key of a board read from the store (what it shows, in short)

    def chart(self, only: str | None = None) -> dict:
        """Met rate per child for every cadre indicator (or ``only`` that one), for the bar chart (children with no
        subject left out)."""
        data = {}
        for ind in self.cadre_indicators:
            if only is not None and ind.code != only:
                continue
            bars = [{"code": r.code, "name": r.name, "rate": round(r.cells[ind.code].rate * 100, 1),
                     "met": r.cells[ind.code].met, "applicable": r.cells[ind.code].applicable,
                     "drill": bool(r.org), "region": r.is_region, "group": r.group_key}
                    for r in self.rows if ind.code in r.cells and r.cells[ind.code].applicable]
            total = self.total.cells.get(ind.code)
            data[ind.code] = {"name": ind.name, "advisory": ind.advisory, "bars": bars,
                              "average": round(total.rate * 100, 1) if total and total.applicable else None}
        return data


def _child_order(org: Org) -> tuple:
    # Regions (districts, counties, townships) first, then the organisation department, then units.
    kind = org.kind
    return (0 if kind == OrgKind.REGION else 1 if kind == OrgKind.ORG_DEPARTMENT else 2, org.path)


def org_trail(user, root: Org) -> list[Org]:
    """The visible ancestors of ``root`` and ``root`` itself, top first (one query)."""
    return list(orgs_visible_to(user).filter(path__in=[*root.ancestor_paths(), root.path]).order_by("path"))


def region_choices(user) -> list[Org]:
    """The regions a user may pick in the dashboard's org selector, in tree order (one query)."""
    return list(orgs_visible_to(user).filter(org_type__in=(OrgType.REGION,))
                .only("id", "path", "depth", "code", "name", "org_type").order_by("path"))


def compliance_dashboard(user, plan: Plan, as_of: date, *, org_code: str | None = None) -> Dashboard:
    root = dashboard_root(user, org_code)
    children = sorted(orgs_visible_to(user).filter(path__startswith=root.path, depth=root.depth + 1),
                      key=_child_order)
    cadre_inds = plan.of_subject("cadre")
    org_inds = plan.of_subject("org")

    total = OrgRow(code=root.code, name=root.name, kind=root.kind, org=root, is_total=True)
    direct = OrgRow(code=root.code, name=f"{root.name}（本级）", is_direct=True)
    rows = [OrgRow(code=c.code, name=c.name, kind=c.kind, org=c) for c in children]
    width = len(root.path) + root.steplen
    by_prefix = {r.org.path: r for r in rows}
    for r in (total, direct, *rows):
        for ind in cadre_inds:
            r.cell(ind.code)

    cadres = compliance_scope(user, org_code=root.code)
    if _whole_subtree(user, root):
        sums = stored_subtree_sums(plan, as_of, root.path, width, cadres)
        if sums is not None:
            return _board_from_sums(user, plan, as_of, root, sums, total, direct, rows, by_prefix, cadres)

    # One evaluation for the whole subtree, one query for every cadre's org path.
    paths = dict(cadres.order_by().values_list("person_code", "org__path"))
    row_of = {code: by_prefix.get(path[:width], direct) if len(path) >= width else direct
              for code, path in paths.items()}
    for row in row_of.values():
        row.cadres += 1
    total.cadres = len(paths)

    verdicts = cadre_verdicts(plan, as_of, cadres, with_evidence=False, with_figures=False)
    known = CadreResults.of(plan, as_of, verdicts)
    advisory = {ind.code for ind in cadre_inds if ind.advisory}
    makeup_codes = [ind.code for ind in cadre_inds if ind.makeup_list]
    makeup_people, at_risk_people, unmet_people = set(), set(), set()
    at_risk = unmet = 0
    for v in verdicts:
        if v.verdict not in COUNTED:
            continue
        row_of[v.subject].cell(v.indicator).add(v.verdict)
        total.cell(v.indicator).add(v.verdict)
        if v.verdict == AT_RISK:
            at_risk += 1
            at_risk_people.add(v.subject)
        elif v.verdict == UNMET:
            if v.indicator in makeup_codes:
                makeup_people.add(v.subject)
            if v.indicator not in advisory:
                unmet += 1
                unmet_people.add(v.subject)

    # Unit and region indicators: one call for the subtree, then pick the root and its children.
    wanted = {root.code: total, **{r.code: r for r in rows}}
    for v in org_verdicts(user, plan, as_of, org_code=root.code, subtree=True, known=known):
        if v.subject in wanted:
            wanted[v.subject].org_verdicts[v.indicator] = v

    shown = rows + ([direct] if direct.cadres else [])
    snapshot = current_snapshot(plan, as_of)
    return Dashboard(
        plan=plan, as_of=as_of, root=root, trail=org_trail(user, root),
        figures=org_figures(user, plan, as_of, org_code=root.code, known=known),
        cadre_indicators=cadre_inds, org_indicators=org_inds, total=total, rows=shown,
        makeup_codes=makeup_codes, makeup=len(makeup_people), at_risk=at_risk,
        at_risk_people=len(at_risk_people), unmet=unmet, unmet_people=len(unmet_people),
        stored_at=snapshot.finished_at if snapshot else None, pending=pending() if snapshot else 0)


def _whole_subtree(user, root: Org) -> bool:
    """Whether the user sees every cadre under ``root`` (the store's unit counts are of whole subtrees)."""
    scope = scope_of(user)
    return scope.everything or any(root.path.startswith(p) for p in scope.paths)


STORED_BOARD_SECONDS = 600   # a board from the store is kept under what it read; this only bounds the cache's size


def stored_key(user, plan: Plan, as_of: date, root: Org) -> str | None:
    """Where the board read from the verdict store is kept, when the store holds this plan version at this date
    (else None): who asks (as ``board_kept``) and what it reads, the store's ``generation`` and the org tree's
    (``tree_generation``), both read before the board, so that a board kept under them never outlives a write that
    commits after."""
    if not _whole_subtree(user, root):
        return None
    snap = current_snapshot(plan, as_of)
    if snap is None:
        return None
    return f"{board_kept(user, plan, as_of, root).key}:stored:{generation(snap)}:{tree_generation()}"


def stored_board(user, plan: Plan, as_of: date, root: Org, key: str | None = None) -> Dashboard | None:
    """The board from the verdict store's unit counts, when the store holds this plan version at this date; else
    None. Never sent to the worker: at any size it is a read of one row per org and key.

    It is kept in the cache every process shares under ``stored_key`` (passed in when the caller has read it), and
    the parts of its figures beside it (``stored_numbers``). The figures another module counts (调训率, 参训率) are
    measured afresh each time from the kept parts, since their writes do not go through the store."""
    key = key or stored_key(user, plan, as_of, root)
    if key is None:
        return None
    board = cache.get(key)
    if board is None:
        board = compliance_dashboard(user, plan, as_of, org_code=root.code)
        if board.stored_at is None:   # the snapshot went between the two reads: evaluated live, not kept
            return board
        board.kept_as = key
        cache.set_many({key: board, key + ":numbers": board.numbers}, STORED_BOARD_SECONDS)
        return board
    board.figures = live_figures(user, plan, as_of, root, board.numbers)
    return board


def stored_numbers(key: str) -> Numbers | None:
    """The parts of the figures of the board kept under ``key`` (``stored_board``), without the board."""
    return cache.get(key + ":numbers")


def live_figures(user, plan: Plan, as_of: date, root: Org, numbers: Numbers) -> list[Figure]:
    """A stored board's figures: its own parts, and the figures another module counts measured now."""
    cadres = compliance_scope(user, org=root)
    return figures_of(plan, as_of, numbers, year_judged(plan, cadres, as_of))


def _board_from_sums(user, plan: Plan, as_of: date, root: Org, sums: dict[str, dict[str, Decimal]], total: OrgRow,
                     direct: OrgRow, rows: list[OrgRow], by_prefix: dict[str, OrgRow], cadres) -> Dashboard:
    """The dashboard from the verdict store's unit counts (``plans.facts``): the same board as the evaluation
    below gives, read from one row per org and key."""
    cadre_inds, org_inds = plan.of_subject("cadre"), plan.of_subject("org")
    whole: dict[str, Decimal] = {}
    at_child: dict[str, dict[str, Decimal]] = {}
    for prefix, facts in sums.items():
        row = by_prefix.get(prefix, direct) if prefix != DIRECT else direct
        add_facts(at_child.setdefault(row.code if row is not direct else DIRECT, {}), facts)
        add_facts(whole, facts)
        _add_to_row(row, cadre_inds, facts)
    _add_to_row(total, cadre_inds, whole)

    def n(facts: dict[str, Decimal], key: str) -> int:
        return int(facts.get(key, 0))

    for ind in org_inds:
        span = span_for(plan, ind, as_of)
        if span is None:
            continue
        w, p = member_keys(ind.code)
        for row, facts in ((total, whole), *((r, at_child.get(r.code, {})) for r in rows)):
            v = ind.evaluate(span, Share(n(facts, p), n(facts, w)), subject=row.code,
                             subject_name=row.org.name if row.org else row.name)
            if v.verdict != NOT_APPLICABLE:
                row.org_verdicts[ind.code] = v
    numbers = numbers_of(plan, whole)
    snapshot = current_snapshot(plan, as_of)
    return Dashboard(numbers=numbers,
        plan=plan, as_of=as_of, root=root, trail=org_trail(user, root),
        figures=figures_of(plan, as_of, numbers, year_judged(plan, cadres, as_of)),
        cadre_indicators=cadre_inds, org_indicators=org_inds, total=total,
        rows=rows + ([direct] if direct.cadres else []),
        makeup_codes=[ind.code for ind in cadre_inds if ind.makeup_list], makeup=n(whole, "p|makeup"),
        at_risk=n(whole, "n|at_risk"), at_risk_people=n(whole, "p|at_risk"), unmet=n(whole, "n|unmet"),
        unmet_people=n(whole, "p|unmet"), stored_at=snapshot.finished_at if snapshot else None,
        pending=pending() if snapshot else 0)


def _add_to_row(row: OrgRow, cadre_inds: list[Indicator], facts: dict[str, Decimal]) -> None:
    row.cadres += int(facts.get("cadres", 0))
    for ind in cadre_inds:
        cell = row.cell(ind.code)
        for verdict in COUNTED:
            if count := int(facts.get(verdict_key(ind.code, verdict), 0)):
                setattr(cell, verdict, getattr(cell, verdict) + count)


# ---- a province's dashboard is kept for a while ----------------------------------------------------

CACHE_SECONDS = 600
CACHE_WHEN_SLOWER_THAN = 2.0  # seconds: a county's or a city's dashboard is always computed afresh
COST_SECONDS = 30 * 24 * 3600  # how long the time an evaluation took is remembered (to send the next to the worker)


@dataclass(frozen=True)
class Kept:
    """One evaluation a page shows (a board, a list of verdicts) and its place in the cache every process shares.

    The key holds everything the result depends on besides the data: plan (and version), date, org, the
    user's scope and role, and for a list its filter. A result that took ``CACHE_WHEN_SLOWER_THAN`` or more
    is kept for ``CACHE_SECONDS`` (the page says from when and offers 重新计算), and the time it took is
    remembered, so that the next request of it goes to the worker (``reports.background``).
    """

    key: str

    def get(self):
        """``(result, computed at)`` if it is still kept, else None."""
        return cache.get(self.key)

    def compute(self, evaluate, *, keep: bool = False):
        """``evaluate()``, timed; kept when slow or ``keep`` (the worker's result, which a page is waiting for)."""
        started = time.monotonic()
        result = evaluate()
        took = time.monotonic() - started
        cache.set(self.key + ":cost", took, COST_SECONDS)
        if keep or took >= CACHE_WHEN_SLOWER_THAN:
            cache.set(self.key, (result, timezone.now()), CACHE_SECONDS)
        return result

    def forget(self) -> None:
        """Drop the kept result (重新计算 of a slow one: the page waits for the new one, not the old)."""
        cache.delete(self.key)

    def took(self) -> float | None:
        return cache.get(self.key + ":cost")

    @property
    def job_key(self) -> str:
        return self.key + ":job"


def board_kept(user, plan: Plan, as_of: date, root: Org) -> Kept:
    identity = f"{plan.id}|{plan.version}|{as_of.isoformat()}|{root.path}|{role_of(user)}|{scope_of(user).key}"
    return Kept("ganxun:dashboard:" + hashlib.sha256(identity.encode()).hexdigest())


def compute_board(user, plan: Plan, as_of: date, root: Org, *, keep: bool = False) -> Dashboard:
    return board_kept(user, plan, as_of, root).compute(
        lambda: compliance_dashboard(user, plan, as_of, org_code=root.code), keep=keep)


def board_is_slow(user, plan: Plan, as_of: date, root: Org) -> bool:
    """Whether this board takes ``CACHE_WHEN_SLOWER_THAN`` or more to compute: the time it took last time, or,
    never computed, the number of cadres it covers (a city's 10,000 take under a second, a province's a minute)."""
    took = board_kept(user, plan, as_of, root).took()
    if took is not None:
        return took >= CACHE_WHEN_SLOWER_THAN
    cadres = compliance_scope(user, org_code=root.code).count()
    return cadres >= settings.GANXUN_BACKGROUND_EVALUATION_CADRES


# ---- the cadres behind a number ----------------------------------------------------------------

LISTS = {
    "makeup": "补训名单",
    "at_risk": "进度滞后名单",
}


@dataclass
class VerdictQuery:
    """Which cadre verdicts a drill-down list (or its export) shows."""

    plan: Plan
    as_of: date
    org_code: str = ""
    indicator: str = ""     # one cadre indicator, or "" for every one
    verdict: str = ""       # one of COUNTED, or "" for every verdict
    list: str = ""          # "makeup": the makeup-list indicators, unmet

    def codes(self) -> list[str] | None:
        if self.list == "makeup":
            return [i.code for i in self.plan.of_subject("cadre") if i.makeup_list]
        return [self.indicator] if self.indicator else None

    def codes_to_evaluate(self) -> list[str]:
        """``codes()`` less the indicators that cannot give the wanted verdicts: 进度滞后 and 进度正常
        only come from a window still open at ``as_of``, so a list of those skips the closed ones."""
        codes = self.codes() or [i.code for i in self.plan.of_subject("cadre")]
        if set(self.verdicts()) <= {AT_RISK, ON_TRACK}:
            codes = [c for c in codes
                     if (span := span_for(self.plan, self.plan.indicator(c), self.as_of)) and not span.closed]
        return codes

    def verdicts(self) -> tuple[str, ...]:
        if self.list == "makeup":
            return (UNMET,)
        if self.list == "at_risk":
            return (AT_RISK,)
        return (self.verdict,) if self.verdict else COUNTED

    def title(self) -> str:
        if self.list:
            return LISTS[self.list]
        what = self.plan.indicator(self.indicator).name if self.indicator else "全部干部指标"
        return f"{what} · {VERDICT_LABELS[self.verdict]}" if self.verdict else what


def check_query(q: VerdictQuery) -> None:
    """Unknown indicators, verdicts or lists are 'not found', like an unknown page."""
    if q.indicator and q.indicator not in {i.code for i in q.plan.of_subject("cadre")}:
        raise NotFound(f"规划中没有干部指标 {q.indicator}")
    if q.verdict and q.verdict not in COUNTED:
        raise NotFound(f"没有结论 {q.verdict}")
    if q.list and q.list not in LISTS:
        raise NotFound(f"没有名单 {q.list}")


def verdicts_behind(user, q: VerdictQuery, *, with_evidence: bool = False) -> tuple[Org, list[Verdict]]:
    """The cadre verdicts behind one number of the dashboard, ordered by unit, then person, then indicator."""
    check_query(q)
    root = dashboard_root(user, q.org_code or None)
    cadres = compliance_scope(user, org_code=root.code)
    wanted = q.verdicts()
    codes = q.codes_to_evaluate()
    evaluated = cadre_verdicts(q.plan, q.as_of, cadres, with_evidence=with_evidence, codes=codes) if codes else []
    found = [v for v in evaluated if v.verdict in wanted]
    order = {ind.code: i for i, ind in enumerate(q.plan.indicators)}
    paths = dict(cadres.order_by().values_list("person_code", "org__path")) if found else {}
    found.sort(key=lambda v: (paths.get(v.subject, ""), v.subject, order[v.indicator]))
    return root, found


def list_kept(user, q: VerdictQuery, root: Org) -> Kept:
    board = board_kept(user, q.plan, q.as_of, root)
    return Kept(f"{board.key}:list:{q.list}|{q.indicator}|{q.verdict}")


def compute_list(user, q: VerdictQuery, root: Org, *, keep: bool = False) -> list[Verdict]:
    """The verdicts of one list (``verdicts_behind``), kept like a board when slow; a page of a province's
    list then reads the kept list instead of evaluating a million cadres again."""
    q = VerdictQuery(q.plan, q.as_of, root.code, q.indicator, q.verdict, q.list)
    return list_kept(user, q, root).compute(lambda: verdicts_behind(user, q)[1], keep=keep)


def list_is_slow(user, q: VerdictQuery, root: Org) -> bool:
    """The time this list took last time, or, never computed, whether its board is slow."""
    took = list_kept(user, q, root).took()
    if took is not None:
        return took >= CACHE_WHEN_SLOWER_THAN
    return board_is_slow(user, q.plan, q.as_of, root)


def cadres_by_code(user, codes: list[str]) -> dict:
    """The visible cadres with those person codes, with their org (one query, for one page of a list)."""
    return {c.person_code: c for c in cadres_visible_to(user).filter(person_code__in=codes).select_related("org")}
