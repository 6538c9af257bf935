"""The verdict store: every cadre's verdicts by each published plan at its reporting dates, kept in tables.

``rebuild`` evaluates a plan at each date (the ends of the plan's years that have passed, its last day once it
has passed, and today) for every cadre, in chunks, each chunk committed on its own, into a new snapshot; the
last step makes the snapshot current and drops the one it replaces, in one transaction. A rebuild that dies
midway leaves its snapshot ``building`` and the old one serving; the next rebuild clears what it left.

Kept current incrementally: a write that moves verdicts (``core.changes.cadres_changed``: the ledger, the
registry) marks its cadres in ``VerdictDirty`` inside its own transaction, so the mark commits or rolls back with
the write; after the commit the marked cadres are re-evaluated in every current snapshot — at once for a few
(a single entry, a correction: tens of milliseconds), in the worker for an import's thousands. A reader never
depends on that having run: a marked cadre is evaluated live (``stored_cadre_verdicts``), so the store can
only be slower for them, never wrong.

``check`` compares the store with a fresh evaluation of a random sample of cadres and of every cadre of a
named unit: any difference (a verdict, its figures, its window or its evidence; a cadre missing or extra) is
reported, and ``ganxun verdicts check`` exits 1 on it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import random
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from multiprocessing import get_context

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count, F, Func, JSONField, Max, QuerySet, Sum, Value
from django.db.models.functions import JSONArray, Substr
from django.utils import timezone

from ganxun.cadres.models import Cadre
from ganxun.core.changes import on_cadres_changed
from ganxun.core.errors import DomainError
from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.plans import catalog
from ganxun.plans.cadreset import CadreSet, InMemory, cadre_set
from ganxun.plans.compliance import (compliance_scope, evaluate_cadre_verdicts, figures_of, org_nodes,
                                     sort_cadre_verdicts, sort_org_verdicts, year_judged)
from ganxun.plans.facts import add_facts, cadre_facts, member_keys, numbers_of
from ganxun.plans.models import (SnapshotState, StoredFact, StoredOrgFact, StoredVerdict, VerdictDirty,
                                 VerdictSnapshot)
from ganxun.records.bulk import analyze_after_commit, insert_rows
from ganxun.plans.engine import NOT_APPLICABLE, Share, Span, Verdict, span_for
from ganxun.plans.spec import Plan

CHUNK = 5_000        # cadres evaluated and written per transaction
IN_MEMORY = 200      # a refresh of this many cadres or fewer reads their rows once and evaluates them in memory
BATCH = 5_000        # rows per INSERT
MARKS_PER_INSERT = 1_000   # marks per statement: three parameters each, within SQLite's limit on parameters


def reporting_dates(plan: Plan, today: date) -> list[date]:
    """The dates a plan is reported at: each of its years' last day that has passed, its own last day once
    passed, and today."""
    found = {date(y, 12, 31) for y in range(plan.start.year, plan.end.year + 1) if date(y, 12, 31) < today}
    found = {d for d in found if d <= plan.end} | ({plan.end} if plan.end < today else set())
    return sorted(found | {today})


def _progress(value) -> Decimal:
    """A verdict's share of the way done, at the store's precision (six places)."""
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def _fields(v: Verdict) -> dict:
    """A verdict's columns in the store, its figures in the JSON of the compliance output (``Verdict.as_dict``)."""
    shape = v.as_dict()
    return {"verdict": v.verdict, "progress": _progress(v.progress), "window_start": v.window.start,
            "window_end": v.window.end, "required": shape["required"], "actual": shape["actual"],
            "gap": shape["gap"], "evidence": sorted(shape["evidence"])}


@dataclass
class RebuildResult:
    plan_id: str
    plan_version: int
    as_of: date
    cadres: int
    rows: int


def _plans(plan_id: str | None) -> list[Plan]:
    if plan_id is None:
        return catalog.all_plans()
    if plan_id not in catalog.plan_ids():
        raise DomainError(f"规划 {plan_id} 不存在或尚未发布", code="unknown_plan")
    return [catalog.load_plan(plan_id)]


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _ranges(ids: list[int]) -> Iterable[tuple[int, int]]:
    """``ids`` (sorted) as CHUNK-sized runs, each as its first and last id: a chunk is then read as ``pk BETWEEN``,
    which every indicator's query narrows by the index, where a list of 5,000 ids is compiled into each of them."""
    for i in range(0, len(ids), CHUNK):
        run = ids[i:i + CHUNK]
        yield run[0], run[-1]


def rebuild(*, plan_id: str | None = None, today: date | None = None, dates: list[date] | None = None,
            progress: Callable[[str], None] | None = None, jobs: int = 1) -> list[RebuildResult]:
    """Evaluate each published plan (or ``plan_id``) at its reporting dates (or ``dates``) into new snapshots.

    ``jobs`` > 1: each snapshot's chunks are evaluated by that many processes at once (``_parallel``), on
    PostgreSQL and outside a transaction; elsewhere in this process, one chunk after another."""
    today = today or timezone.localdate()
    # what a dead rebuild left (one still running elsewhere — the nightly one beside a publication's — is left be)
    VerdictSnapshot.objects.exclude(state=SnapshotState.CURRENT).exclude(pk__in=_building()).delete()
    results = []
    for plan in _plans(plan_id):
        for as_of in dates or reporting_dates(plan, today):
            results.append(_rebuild_one(plan, as_of, jobs))
            if progress:
                r = results[-1]
                progress(f"{plan.id} 第 {plan.version} 版 {as_of}：{r.cadres} 名干部，{r.rows} 条结论")
    refresh_marked()   # the writes made while it ran
    return results


def default_jobs() -> int:
    """The processes a rebuild from the command line uses: one per core, at most eight (past that, the database's
    own cores are the limit), one where the chunks cannot run apart (SQLite: one writer at a time)."""
    if connection.vendor != "postgresql":
        return 1
    return max(1, min(8, os.cpu_count() or 1))


BUILDING_HOURS = 12   # a snapshot still "building" after this long was left by a rebuild that died


def _building() -> QuerySet[VerdictSnapshot]:
    """The snapshots a rebuild is writing now."""
    since = timezone.now() - timedelta(hours=BUILDING_HOURS)
    return VerdictSnapshot.objects.filter(state=SnapshotState.BUILDING, started_at__gte=since).values("pk")


def _rebuild_one(plan: Plan, as_of: date, jobs: int = 1) -> RebuildResult:
    snapshot = VerdictSnapshot.objects.create(plan_id=plan.id, plan_version=plan.version, as_of=as_of)
    try:
        scope = compliance_scope(UNSCOPED_OPERATOR)
        ids = list(scope.order_by("pk").values_list("pk", flat=True))
        ranges = list(_ranges(ids))
        if jobs > 1 and len(ranges) > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
            rows = _parallel(snapshot, plan, as_of, ranges, jobs)
        else:
            rows = sum(_write_range(snapshot, plan, as_of, lo, hi) for lo, hi in ranges)
        with transaction.atomic():
            _sum_orgs(snapshot)
            VerdictSnapshot.objects.filter(plan_id=plan.id, plan_version=plan.version, as_of=as_of,
                                           state=SnapshotState.CURRENT).delete()
            VerdictSnapshot.objects.filter(pk=snapshot.pk).update(
                state=SnapshotState.CURRENT, cadres=len(ids), rows=rows, finished_at=timezone.now())
            # the planner has never seen the new snapshot's id: until it has, it takes the snapshot for a handful of
            # rows and reads one cadre's verdicts by scanning the whole snapshot (4 ms instead of 0.1 ms per query)
            analyze_after_commit(rows, (StoredVerdict, ("snapshot", "cadre", "indicator", "verdict")),
                                 (StoredFact, ("snapshot", "cadre", "org")), (StoredOrgFact, ("snapshot", "org", "key")),
                                 threshold=0)
    except BaseException:
        VerdictSnapshot.objects.filter(pk=snapshot.pk).update(state=SnapshotState.FAILED)
        raise
    return RebuildResult(plan.id, plan.version, as_of, len(ids), rows)


def _write_range(snapshot: VerdictSnapshot, plan: Plan, as_of: date, lo: int, hi: int) -> int:
    """The cadres with ids ``lo``…``hi`` evaluated and written into ``snapshot``, in a transaction of their own."""
    with transaction.atomic():
        return _write(snapshot, plan, as_of, compliance_scope(UNSCOPED_OPERATOR).filter(pk__gte=lo, pk__lte=hi))


_JOB: tuple | None = None   # (snapshot, plan, as_of): what the processes of a parallel rebuild inherit at the fork


def _parallel(snapshot: VerdictSnapshot, plan: Plan, as_of: date, ranges: list[tuple[int, int]], jobs: int) -> int:
    """The chunks written by ``jobs`` forked processes, each with its own connection and each chunk in its own
    transaction, as the serial rebuild writes them. The first failure (a chunk's error, a process killed) stops
    the rest and is raised here, where the snapshot is marked failed; a process dies with the rebuild that started
    it (``_die_with_parent``), so a killed command leaves nothing running."""
    global _JOB
    _JOB = (snapshot, plan, as_of)
    connections.close_all()   # a forked process must not share this process's socket to the database
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(ranges)), mp_context=get_context("fork"),
                                 initializer=_die_with_parent) as pool:
            futures = [pool.submit(_write_chunk, lo, hi) for lo, hi in ranges]
            try:
                return sum(f.result() for f in futures)
            except BaseException:
                pool.shutdown(cancel_futures=True)   # the chunks not started yet are not written
                raise
    finally:
        _JOB = None


def _write_chunk(lo: int, hi: int) -> int:
    snapshot, plan, as_of = _JOB
    try:
        return _write_range(snapshot, plan, as_of, lo, hi)
    finally:
        connections.close_all()


def _die_with_parent() -> None:
    """In a rebuild's process: be killed when the process that forked it dies (Linux ``PR_SET_PDEATHSIG``)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # not Linux (deployments are): a killed command's children are not stopped
        pass
    connections.close_all()


def _evaluate(plan: Plan, as_of: date, cadres: QuerySet[Cadre] | CadreSet) -> tuple[list[Verdict], dict[str, int]]:
    cadres = cadre_set(cadres)
    pks = {p.code: pk for pk, p in cadres.people().items()}
    return evaluate_cadre_verdicts(plan, as_of, cadres, with_evidence=True), pks


_COLUMNS = ("snapshot_id", "cadre_id", "indicator", "verdict", "progress", "window_start", "window_end",
            "required", "actual", "gap", "evidence")


_to_json = json.JSONEncoder(ensure_ascii=False).encode   # one encoder for every row (``json.dumps`` builds one a call)


def _row(snapshot_id: int, cadre_id: int, v: Verdict) -> tuple:
    """A verdict as the store's row, its JSON already text (written as plain rows: ``records.bulk.insert_rows``)."""
    f = _fields(v)
    return (snapshot_id, cadre_id, v.indicator, f["verdict"], f["progress"], f["window_start"], f["window_end"],
            *(_to_json(f[k]) for k in ("required", "actual", "gap", "evidence")))


_FACT_COLUMNS = ("snapshot_id", "cadre_id", "org_id", "facts")


def _write(snapshot: VerdictSnapshot, plan: Plan, as_of: date, cadres: QuerySet[Cadre] | CadreSet) -> int:
    """Evaluate ``cadres`` and write their verdicts and their facts (``plans.facts``) into ``snapshot`` (in the
    caller's transaction). Returns the verdicts written."""
    cadres = cadre_set(cadres)
    verdicts, pks = _evaluate(plan, as_of, cadres)
    rows = [_row(snapshot.pk, pks[v.subject], v) for v in verdicts]
    insert_rows(StoredVerdict, _COLUMNS, rows, count=len(rows))
    facts = [(snapshot.pk, pk, org_id, _to_json({k: _jsonable(v) for k, v in found.items()}))
             for pk, (org_id, found) in cadre_facts(plan, as_of, cadres, verdicts).items()]
    insert_rows(StoredFact, _FACT_COLUMNS, facts, count=len(facts))
    return len(rows)


def _jsonable(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _facts_of(stored: dict) -> dict[str, Decimal]:
    return {k: Decimal(str(v)) for k, v in stored.items()}


def _sum_orgs(snapshot: VerdictSnapshot, org_ids: set[int] | None = None) -> None:
    """(Re)write the unit counts of ``snapshot`` (of ``org_ids``, or every org) from its cadres' facts: one
    statement over the facts table, each cadre's facts opened by the database's JSON functions, grouped by org
    and key."""
    counts = StoredOrgFact.objects.filter(snapshot=snapshot)
    if org_ids is not None:
        if not org_ids:
            return
        counts = counts.filter(org_id__in=org_ids)
    counts.delete()
    q = connection.ops.quote_name
    facts, into = q(StoredFact._meta.db_table), q(StoredOrgFact._meta.db_table)
    if connection.vendor == "postgresql":
        each, value = "jsonb_each_text(f.facts) AS j(key, value)", "j.value::numeric"
    else:
        each, value = "json_each(f.facts) AS j", "j.value"
    sql = (f"INSERT INTO {into} (snapshot_id, org_id, {q('key')}, value) "
           f"SELECT f.snapshot_id, f.org_id, j.key, SUM({value}) FROM {facts} AS f, {each} "
           "WHERE f.snapshot_id = %s{orgs} GROUP BY f.snapshot_id, f.org_id, j.key")
    with connection.cursor() as cursor:
        if org_ids is None:
            cursor.execute(sql.format(orgs=""), [snapshot.pk])
            return
        for chunk in _chunks(sorted(org_ids)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql.format(orgs=f" AND f.org_id IN ({marks})"), [snapshot.pk, *chunk])


# ---- kept current ------------------------------------------------------------------------------------------------

def _store_in_use() -> bool:
    return VerdictSnapshot.objects.exists()


@on_cadres_changed
def _mark(cadre_ids: set[int], why: str, since: dict[int, date]) -> None:
    """A write moved these cadres' verdicts: mark them (in the write's transaction) and re-evaluate them after the
    commit — at once when few, else in the worker."""
    if not _store_in_use():
        return
    _upsert_marks([(i, since.get(i)) for i in sorted(cadre_ids)])
    if len(cadre_ids) <= settings.GANXUN_VERDICTS_INLINE_CADRES:
        ids = sorted(cadre_ids)
        transaction.on_commit(lambda: refresh_marked(ids))
    else:
        transaction.on_commit(_queue_refresh)


def _upsert_marks(marks: list[tuple[int, date | None]]) -> None:
    """Mark cadres, each with the earliest day its writes touched (None: every day). A cadre already marked keeps
    the earlier of the two days (an empty one wins), in the database's own statement, so that two writes marking one
    cadre at once cannot lose the earlier day."""
    table = VerdictDirty._meta.db_table
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())   # as the ORM writes them, so that they compare as its own
    conflict = (f"ON CONFLICT (cadre_id) DO UPDATE SET marked_at = excluded.marked_at, since = CASE "
                f"WHEN {table}.since IS NULL OR excluded.since IS NULL THEN NULL "
                f"ELSE {least}({table}.since, excluded.since) END")
    with connection.cursor() as cursor:
        for start in range(0, len(marks), MARKS_PER_INSERT):   # one statement of many rows, as bulk_create would
            rows = marks[start:start + MARKS_PER_INSERT]
            values = ", ".join(["(%s, %s, %s)"] * len(rows))
            cursor.execute(f"INSERT INTO {table} (cadre_id, marked_at, since) VALUES {values} {conflict}",
                           [v for i, day in rows for v in (i, now, ops.adapt_datefield_value(day))])


def _queue_refresh() -> None:
    from ganxun.plans.background import queue_refresh

    queue_refresh()


def refresh_marked(cadre_ids: list[int] | None = None) -> int:
    """Re-evaluate the marked cadres (of ``cadre_ids``, or all) in every current snapshot and clear their marks,
    in one transaction. The marks are locked first (PostgreSQL; a mark another transaction holds is left for the
    next run), so that a write that marks a cadre again while this runs is not lost. While a rebuild is writing,
    the marks stay for the refresh it runs at its end. Returns the cadres re-evaluated."""
    with transaction.atomic():
        marks = VerdictDirty.objects.order_by("cadre_id")
        if cadre_ids is not None:
            marks = marks.filter(cadre_id__in=cadre_ids)
        if connection.features.has_select_for_update_skip_locked:
            marks = marks.select_for_update(skip_locked=True)
        since = dict(marks.values_list("cadre_id", "since"))
        ids = sorted(since)
        if not ids:
            return 0
        # the current snapshots, locked: refreshes of different cadres rewrite the same units' counts one at a time,
        # and each raises the revision that a reader kept in the cache by
        current = list(VerdictSnapshot.objects.filter(state=SnapshotState.CURRENT).select_for_update().order_by("pk"))
        VerdictSnapshot.objects.filter(pk__in=[s.pk for s in current]).update(revision=F("revision") + 1)
        in_scope = set(compliance_scope(UNSCOPED_OPERATOR).filter(pk__in=ids).values_list("pk", flat=True))
        plans: dict[tuple[str, int], Plan] = {}   # a version is parsed once (published versions never change)
        loaded: InMemory | None = None
        for snap in current:
            # a snapshot of a day before everything a cadre's writes touched holds what it held (a window counts
            # entries up to its day): only the others are evaluated again
            moved = [i for i in ids if since[i] is None or since[i] <= snap.as_of]
            if not moved:
                continue
            scope = in_scope.intersection(moved)
            key = (snap.plan_id, snap.plan_version)
            plan = plans.get(key) or plans.setdefault(key, catalog.load_plan(*key))
            StoredVerdict.objects.filter(snapshot=snap, cadre_id__in=moved).delete()
            old_facts = StoredFact.objects.filter(snapshot=snap, cadre_id__in=moved)
            orgs = set(old_facts.values_list("org_id", flat=True).distinct())   # where they were counted …
            old_facts.delete()
            if len(in_scope) <= IN_MEMORY:
                # a write's few cadres: their rows are read once for every snapshot, and evaluated from them
                loaded = loaded if loaded is not None else InMemory.load(in_scope)
                these = loaded.only(scope)
                _write(snap, plan, snap.as_of, these)
                orgs |= {p.org_id for p in these.people().values()}   # … and are counted now
            else:
                for chunk in _chunks(sorted(scope)):
                    _write(snap, plan, snap.as_of, Cadre.objects.filter(pk__in=chunk))
                orgs |= set(Cadre.objects.filter(pk__in=scope).values_list("org_id", flat=True).distinct())
            _sum_orgs(snap, orgs)
        if not _building().exists():
            VerdictDirty.objects.filter(cadre_id__in=ids).delete()
    return len(ids)


# ---- reading ----------------------------------------------------------------------------------------------------

def current_snapshot(plan: Plan, as_of: date) -> VerdictSnapshot | None:
    """The current snapshot of this plan version at this date, if the store has one."""
    return VerdictSnapshot.objects.filter(plan_id=plan.id, plan_version=plan.version, as_of=as_of,
                                          state=SnapshotState.CURRENT).first()


def generation(snap: VerdictSnapshot) -> str:
    """What a reader of ``snap`` sees, as a short string that changes whenever that does: the snapshot (a rebuild
    makes a new one), its revision (each refresh raises it) and the marks waiting (each write that marks a cadre
    adds one or moves its time; a reader evaluates those cadres live). A result read from the store and kept under
    it can never be served once the store has moved on. The marks are read in the reader's own transaction, so
    a write not yet committed is in neither the result nor the generation."""
    marks = VerdictDirty.objects.aggregate(n=Count("pk"), last=Max("marked_at"))
    last = marks["last"].isoformat() if marks["last"] else "-"
    return f"{snap.pk}.{snap.revision}.{marks['n']}.{last}"


def snapshots() -> list[VerdictSnapshot]:
    return list(VerdictSnapshot.objects.order_by("plan_id", "plan_version", "as_of", "state"))


def pending() -> int:
    """Cadres whose stored verdicts wait to be re-evaluated (read live meanwhile)."""
    return VerdictDirty.objects.count()


def stored_cadre_verdicts(plan: Plan, as_of: date, cadres: QuerySet[Cadre], *, codes: list[str] | None = None,
                          include_not_applicable: bool = False, with_evidence: bool = True,
                          with_figures: bool = True) -> list[Verdict] | None:
    """``evaluate_cadre_verdicts`` from the store: None when it has no current snapshot of this plan version at
    this date. Cadres marked since are evaluated live; the others are read (their evidence when asked)."""
    snap = current_snapshot(plan, as_of)
    if snap is None:
        return None
    cadres = cadres.order_by()
    wanted = [i for i in plan.of_subject("cadre") if not codes or i.code in codes]
    by_code = {i.code: i for i in wanted}
    marked = VerdictDirty.objects.filter(cadre__in=cadres.values("pk"))
    columns = [*(("required", "actual", "gap") if with_figures else ()), *(("evidence",) if with_evidence else ())]
    rows = (StoredVerdict.objects.filter(snapshot=snap, cadre__in=cadres.values("pk"), indicator__in=list(by_code))
            .exclude(cadre__in=marked.values("cadre_id"))
            .annotate(stored=_json_array(columns))
            .values_list("cadre__person_code", "cadre__name", "indicator", "verdict", "progress", "window_start",
                         "window_end", "stored"))
    results = []
    for person, name, code, verdict, progress, start, end, stored in rows:
        required, actual, gap = stored[:3] if with_figures else ({}, {}, {})
        evidence = stored[-1] if with_evidence else []
        ind = by_code[code]
        results.append(Verdict(subject_type="cadre", subject=person, indicator=code, verdict=verdict,
                               required=required, actual=actual, window=Span(start, end, as_of), gap=gap,
                               evidence=list(evidence), advisory=ind.advisory,
                               progress=float(progress), name=ind.name,
                               source=ind.source, subject_name=name))
    live_ids = list(marked.values_list("cadre_id", flat=True))
    if live_ids:
        results += evaluate_cadre_verdicts(plan, as_of, _live(Cadre.objects.filter(pk__in=live_ids), len(live_ids)),
                                           codes=list(by_code), with_evidence=with_evidence)
    if include_not_applicable:
        judged = {(v.subject, v.indicator) for v in results}
        names = dict(cadres.values_list("person_code", "name"))
        for ind in wanted:
            span = _span(plan, ind, as_of)
            for person in names:
                if (person, ind.code) not in judged:
                    results.append(Verdict.not_applicable(ind, span, subject_type="cadre", subject=person,
                                                          subject_name=names[person]))
    return sort_cadre_verdicts(plan, results)


def _json_array(columns: list[str]):
    """The JSON ``columns`` of a row as one JSON array, which is decoded once: a city's 10,000 verdicts have 40,000
    JSON values, and decoding each on its own was most of reading them. On SQLite a JSON column is text, which
    ``json_array`` would take for a string, so each is read as JSON first."""
    if not columns:
        return Value([], output_field=JSONField())
    if connection.vendor == "sqlite":
        return JSONArray(*(Func(F(c), function="JSON", output_field=JSONField()) for c in columns))
    return JSONArray(*columns)


def _span(plan: Plan, ind, as_of: date) -> Span:
    return span_for(plan, ind, as_of) or Span(plan.start, plan.end, as_of)


# ---- checking ---------------------------------------------------------------------------------------------------

@dataclass
class Difference:
    snapshot: str
    person_code: str
    indicator: str
    field: str
    stored: object
    fresh: object

    def __str__(self) -> str:
        return f"{self.snapshot} {self.person_code} {self.indicator} {self.field}：库中 {self.stored!r}，重新计算 {self.fresh!r}"


def check(*, plan_id: str | None = None, sample: int = 200, org_code: str | None = None,
          seed: int | None = None) -> tuple[int, list[Difference]]:
    """Compare each current snapshot (of ``plan_id``) with a fresh evaluation of ``sample`` random cadres and every
    cadre under ``org_code``; the cadres marked for re-evaluation (``pending``) are left out, since every reader
    evaluates them live. Returns (cadres checked, differences)."""
    from ganxun.orgs.models import Org

    current = VerdictSnapshot.objects.filter(state=SnapshotState.CURRENT).order_by("plan_id", "as_of")
    if plan_id:
        current = current.filter(plan_id=plan_id)
    if not current.exists():
        raise DomainError("达标结论库为空：请先运行 ganxun verdicts rebuild", code="empty_store")
    scope = compliance_scope(UNSCOPED_OPERATOR)
    chosen: set[int] = set()
    if org_code:
        org = Org.objects.filter(code=org_code).first()
        if org is None:
            raise DomainError(f"单位编码 {org_code} 不存在", code="unknown_org")
        chosen |= set(scope.filter(org__path__startswith=org.path).values_list("pk", flat=True))
    if sample:
        top = scope.aggregate(m=Max("pk"))["m"] or 0
        rng = random.Random(seed)
        every = list(scope.values_list("pk", flat=True)) if top <= 200_000 else None
        if every is not None:
            chosen |= set(rng.sample(every, min(sample, len(every))))
        else:
            picks = {rng.randint(1, top) for _ in range(sample * 2)}
            chosen |= set(scope.filter(pk__in=picks).values_list("pk", flat=True)[:sample])
    ids = sorted(chosen - set(VerdictDirty.objects.values_list("cadre_id", flat=True)))
    differences: list[Difference] = []
    for snap in current:
        plan = catalog.load_plan(snap.plan_id, snap.plan_version)
        label = f"{snap.plan_id}@{snap.as_of}"
        for chunk in _chunks(ids):
            fresh_list, pks = _evaluate(plan, snap.as_of, Cadre.objects.filter(pk__in=chunk))
            codes = {pk: code for code, pk in pks.items()}
            fresh = {(v.subject, v.indicator): _fields(v) for v in fresh_list}
            stored = {}
            for row in StoredVerdict.objects.filter(snapshot=snap, cadre_id__in=chunk):
                stored[(codes.get(row.cadre_id, str(row.cadre_id)), row.indicator)] = {
                    "verdict": row.verdict, "progress": _progress(row.progress), "window_start": row.window_start,
                    "window_end": row.window_end, "required": row.required, "actual": row.actual, "gap": row.gap,
                    "evidence": sorted(row.evidence)}
            for key in sorted(set(fresh) | set(stored)):
                a, b = stored.get(key), fresh.get(key)
                if a is None or b is None:
                    differences.append(Difference(label, *key, "结论", a and a["verdict"], b and b["verdict"]))
                    continue
                for name in a:
                    if a[name] != b[name]:
                        differences.append(Difference(label, *key, name, a[name], b[name]))
            differences += _check_facts(snap, plan, label, Cadre.objects.filter(pk__in=chunk), fresh_list, codes)
    return len(ids), differences


def _check_facts(snap: VerdictSnapshot, plan: Plan, label: str, cadres: QuerySet[Cadre], verdicts: list[Verdict],
                 codes: dict[int, str]) -> list[Difference]:
    """The facts of ``cadres`` in the snapshot against fresh ones, and the counts of their units against the sum
    of the facts of those units' cadres."""
    from ganxun.orgs.models import Org

    found = []
    fresh = {pk: (org_id, facts) for pk, (org_id, facts) in cadre_facts(plan, snap.as_of, cadres, verdicts).items()}
    stored = {pk: (org_id, _facts_of(facts)) for pk, org_id, facts in
              StoredFact.objects.filter(snapshot=snap, cadre__in=cadres).values_list("cadre_id", "org_id", "facts")}
    for pk in sorted(set(fresh) | set(stored)):
        org_id, now = fresh.get(pk, (None, {}))
        was, then = stored.get(pk, (None, {}))
        if was is not None and was != org_id:
            found.append(Difference(label, codes.get(pk, str(pk)), "统计项", "所在单位", was, org_id))
        for key in sorted(set(now) | set(then)):
            if then.get(key, 0) != now.get(key, 0):
                found.append(Difference(label, codes.get(pk, str(pk)), "统计项", key, _num(then.get(key)),
                                        _num(now.get(key))))
    orgs = {org_id for org_id, _ in fresh.values()}
    org_codes = dict(Org.objects.filter(pk__in=orgs).values_list("pk", "code"))
    sums: dict[tuple[int, str], Decimal] = {}
    for org_id, facts in StoredFact.objects.filter(snapshot=snap, org_id__in=orgs).values_list("org_id", "facts"):
        for key, value in _facts_of(facts).items():
            sums[org_id, key] = sums.get((org_id, key), Decimal(0)) + value
    counts = dict((((o, k), v) for o, k, v in StoredOrgFact.objects.filter(snapshot=snap, org_id__in=orgs)
                   .values_list("org_id", "key", "value")))
    for org_id, key in sorted(set(sums) | set(counts)):
        if sums.get((org_id, key), 0) != counts.get((org_id, key), 0):
            found.append(Difference(label, org_codes.get(org_id, str(org_id)), "单位统计", key,
                                    _num(counts.get((org_id, key))), _num(sums.get((org_id, key)))))
    return found


def _num(value: Decimal | None) -> int | float | None:
    """A count or a sum as the check prints it (7, 12.5)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ---- a subtree's counts (the dashboard) ---------------------------------------------------------------------

DIRECT = ""   # the group of the cadres sitting in the root org itself


def stored_subtree_sums(plan: Plan, as_of: date, root_path: str, width: int,
                        cadres: QuerySet[Cadre]) -> dict[str, dict[str, Decimal]] | None:
    """The facts (``plans.facts``) of the cadres under ``root_path``, added up per child: keyed by the first
    ``width`` characters of the org path (``DIRECT`` for the root org itself). None when the store has no current
    snapshot of this plan version at this date.

    Read from the units' counts, one row per org and key; the cadres a write has marked since are taken out as
    they were counted and put back as they are now (``cadres``: who is in the report now), so that the sums are
    those of a fresh evaluation.
    """
    snap = current_snapshot(plan, as_of)
    if snap is None:
        return None

    def group(path: str) -> str:
        return path[:width] if len(path) >= width else DIRECT

    sums: dict[str, dict[str, Decimal]] = {}
    rows = (StoredOrgFact.objects.filter(snapshot=snap, org__path__startswith=root_path)
            .annotate(prefix=Substr("org__path", 1, width)).values("prefix", "key").annotate(total=Sum("value"))
            .values_list("prefix", "key", "total").order_by())
    for prefix, key, total in rows:
        into = sums.setdefault(group(prefix), {})
        into[key] = into.get(key, Decimal(0)) + total
    _take_in_marked(snap, plan, as_of, root_path, cadres, sums, group)
    return sums


def _take_in_marked(snap: VerdictSnapshot, plan: Plan, as_of: date, root_path: str, cadres: QuerySet[Cadre],
                    sums: dict[str, dict[str, Decimal]], group: Callable[[str], str]) -> None:
    """Into ``sums`` (keyed by ``group(org path)``): the cadres a write has marked since the units' counts were
    written, taken out as they were counted and put back as they are now (``cadres``: who is in the report now)."""
    marked = list(VerdictDirty.objects.values_list("cadre_id", flat=True))
    if not marked:
        return
    for path, facts in (StoredFact.objects.filter(snapshot=snap, cadre_id__in=marked, org__path__startswith=root_path)
                        .values_list("org__path", "facts")):
        add_facts(sums.setdefault(group(path), {}), _facts_of(facts), -1)
    now = _live(cadres.filter(pk__in=marked), len(marked))
    verdicts = evaluate_cadre_verdicts(plan, as_of, now, with_evidence=False)
    paths = {pk: p.path for pk, p in now.people().items()}
    for pk, (_, found) in cadre_facts(plan, as_of, now, verdicts).items():
        add_facts(sums.setdefault(group(paths[pk]), {}), found)


def _live(cadres: QuerySet[Cadre], size: int) -> CadreSet:
    """Marked cadres to evaluate live: read into memory when few (``size``, at most), else by queries."""
    return InMemory.load(cadres.values_list("pk", flat=True)) if size <= IN_MEMORY else cadre_set(cadres)


# ---- an org report (the org compliance API, ``ganxun compliance --subject orgs``) ---------------------------

def stored_org_report(user, plan: Plan, as_of: date, *, org_code: str | None = None, subtree: bool = True,
                      include_not_applicable: bool = False) -> tuple[list[Verdict], list] | None:
    """``compliance.org_report`` from the units' counts: every org's unit indicators from the facts of its subtree,
    the figures from the root's. None when the store has no current snapshot of this plan version at this date."""
    snap = current_snapshot(plan, as_of)
    if snap is None:
        return None
    root, nodes = org_nodes(user, org_code)
    cadres = compliance_scope(user).filter(org__path__startswith=root.path)
    own: dict[str, dict[str, Decimal]] = {}
    for path, key, value in (StoredOrgFact.objects.filter(snapshot=snap, org__path__startswith=root.path)
                             .values_list("org__path", "key", "value")):
        own.setdefault(path, {})[key] = value
    _take_in_marked(snap, plan, as_of, root.path, cadres, own, lambda path: path)
    # each org's counts are those of the cadres sitting in it; a report's are those of its whole subtree
    known = {n.path for n in nodes}
    subtrees: dict[str, dict[str, Decimal]] = {}
    for path, facts in own.items():
        for end in range(root.steplen, len(path) + 1, root.steplen):
            if path[:end] in known:
                add_facts(subtrees.setdefault(path[:end], {}), facts)
    results: list[Verdict] = []
    for ind in plan.of_subject("org"):
        span = span_for(plan, ind, as_of)
        if span is None:
            continue
        whole, part = member_keys(ind.code)
        for org in (nodes if subtree else [root]):
            facts = subtrees.get(org.path, {})
            verdict = ind.evaluate(span, Share(int(facts.get(part, 0)), int(facts.get(whole, 0))), subject=org.code,
                                   subject_name=org.name)
            if verdict.verdict != NOT_APPLICABLE or include_not_applicable:
                results.append(verdict)
    figures = figures_of(plan, as_of, numbers_of(plan, subtrees.get(root.path, {})), year_judged(plan, cadres, as_of))
    return sort_org_verdicts(plan, nodes, results), figures
