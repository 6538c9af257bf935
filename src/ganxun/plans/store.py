"""The verdict store: every cadre's verdicts by each published plan at its reporting dates, kept in tables.

``rebuild`` evaluates a plan at each date (the ends of the plan's years that have passed, its last day once it
has passed, and today) for every cadre, in chunks, each chunk committed on its own, into a new snapshot; the
last step makes the snapshot current and drops the one it replaces, in one transaction. A rebuild that dies
midway leaves its snapshot ``building`` and the old one serving; the next rebuild clears what it left.

``check`` compares the store with a fresh evaluation of a random sample of cadres and of every cadre of a
named unit: any difference (a verdict, its figures, its window or its evidence; a cadre missing or extra) is
reported, and ``ganxun verdicts check`` exits 1 on it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ganxun.cadres.models import Cadre
from ganxun.core.errors import DomainError
from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.plans import catalog
from ganxun.plans.compliance import cadre_verdicts, compliance_scope
from ganxun.plans.models import SnapshotState, StoredVerdict, VerdictSnapshot
from ganxun.plans.rules import Verdict
from ganxun.plans.spec import Plan

CHUNK = 5_000        # cadres evaluated and written per transaction
BATCH = 5_000        # rows per INSERT


def reporting_dates(plan: Plan, today: date) -> list[date]:
    """The dates a plan is reported at: each of its years' last day that has passed, its own last day once
    passed, and today."""
    found = {date(y, 12, 31) for y in range(plan.start.year, plan.end.year + 1) if date(y, 12, 31) < today}
    found = {d for d in found if d <= plan.end} | ({plan.end} if plan.end < today else set())
    return sorted(found | {today})


def _fields(v: Verdict) -> dict:
    """A verdict's columns in the store, its figures in the JSON of the compliance output (``Verdict.as_dict``)."""
    shape = v.as_dict()
    return {"verdict": v.verdict, "progress": round(float(v.progress), 6), "window_start": v.window.start,
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


def rebuild(*, plan_id: str | None = None, today: date | None = None, dates: list[date] | None = None,
            progress: Callable[[str], None] | None = None) -> list[RebuildResult]:
    """Evaluate each published plan (or ``plan_id``) at its reporting dates (or ``dates``) into new snapshots."""
    today = today or timezone.localdate()
    VerdictSnapshot.objects.exclude(state=SnapshotState.CURRENT).delete()   # what a dead rebuild left
    results = []
    for plan in _plans(plan_id):
        for as_of in dates or reporting_dates(plan, today):
            results.append(_rebuild_one(plan, as_of))
            if progress:
                r = results[-1]
                progress(f"{plan.id} 第 {plan.version} 版 {as_of}：{r.cadres} 名干部，{r.rows} 条结论")
    return results


def _rebuild_one(plan: Plan, as_of: date) -> RebuildResult:
    snapshot = VerdictSnapshot.objects.create(plan_id=plan.id, plan_version=plan.version, as_of=as_of)
    try:
        ids = list(compliance_scope(UNSCOPED_OPERATOR).order_by("pk").values_list("pk", flat=True))
        rows = 0
        for chunk in _chunks(ids):
            rows += _write(snapshot, plan, as_of, chunk)
        with transaction.atomic():
            VerdictSnapshot.objects.filter(plan_id=plan.id, plan_version=plan.version, as_of=as_of,
                                           state=SnapshotState.CURRENT).delete()
            VerdictSnapshot.objects.filter(pk=snapshot.pk).update(
                state=SnapshotState.CURRENT, cadres=len(ids), rows=rows, finished_at=timezone.now())
    except BaseException:
        VerdictSnapshot.objects.filter(pk=snapshot.pk).update(state=SnapshotState.FAILED)
        raise
    return RebuildResult(plan.id, plan.version, as_of, len(ids), rows)


def _evaluate(plan: Plan, as_of: date, cadre_ids: list[int]) -> tuple[list[Verdict], dict[str, int]]:
    cadres = Cadre.objects.filter(pk__in=cadre_ids)
    pks = dict(cadres.values_list("person_code", "pk"))
    return cadre_verdicts(plan, as_of, cadres, with_evidence=True), pks


def _write(snapshot: VerdictSnapshot, plan: Plan, as_of: date, cadre_ids: list[int]) -> int:
    verdicts, pks = _evaluate(plan, as_of, cadre_ids)
    objs = [StoredVerdict(snapshot=snapshot, cadre_id=pks[v.subject], indicator=v.indicator, **_fields(v))
            for v in verdicts]
    with transaction.atomic():
        StoredVerdict.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


# ---- reading ----------------------------------------------------------------------------------------------------

def current_snapshot(plan: Plan, as_of: date) -> VerdictSnapshot | None:
    """The current snapshot of this plan version at this date, if the store has one."""
    return VerdictSnapshot.objects.filter(plan_id=plan.id, plan_version=plan.version, as_of=as_of,
                                          state=SnapshotState.CURRENT).first()


def snapshots() -> list[VerdictSnapshot]:
    return list(VerdictSnapshot.objects.order_by("plan_id", "plan_version", "as_of", "state"))


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
    cadre under ``org_code``. Returns (cadres checked, differences)."""
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
    ids = sorted(chosen)
    differences: list[Difference] = []
    for snap in current:
        plan = catalog.load_plan(snap.plan_id, snap.plan_version)
        label = f"{snap.plan_id}@{snap.as_of}"
        for chunk in _chunks(ids):
            fresh_list, pks = _evaluate(plan, snap.as_of, chunk)
            codes = {pk: code for code, pk in pks.items()}
            fresh = {(v.subject, v.indicator): _fields(v) for v in fresh_list}
            stored = {}
            for row in StoredVerdict.objects.filter(snapshot=snap, cadre_id__in=chunk):
                stored[(codes.get(row.cadre_id, str(row.cadre_id)), row.indicator)] = {
                    "verdict": row.verdict, "progress": round(row.progress, 6), "window_start": row.window_start,
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
    return len(ids), differences
