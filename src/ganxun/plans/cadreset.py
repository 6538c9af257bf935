"""The cadres an evaluation reads, as a query or as rows already in memory: one evaluation, two ways to read.

``evaluate_cadre_verdicts``, the org indicators' members and the verdict store's facts ask a set of cadres for a
few things only: narrow it to those an indicator judges, say who is in it (code, name, unit, 录用时间), and tally
what counts in a window. ``Queried`` answers from the database, one set-based query for each (``fetch.py``): the
way for thousands of cadres. ``InMemory`` reads a handful of cadres and their whole ledger once, in two queries,
and answers everything else from those rows: the way for the few cadres a write has touched, re-evaluated in
every current snapshot after the commit, where each query's cost is mostly Django building it.

The two must agree, row for row: ``counts_match`` is ``fetch.counts_q`` as a predicate, as ``Who.matches`` is
``fetch.applies_q``. A property test compares their tallies over random ledgers, and the verdict store's state
machine compares the store (refreshed in memory) with a fresh evaluation (queried) after every kind of write.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from ganxun.cadres.models import Cadre
from ganxun.plans.engine import Span, Tally, last_hire_judged
from ganxun.plans.fetch import applies_q, hired_q, window_tallies
from ganxun.plans.rules import Who
from ganxun.plans.spec import INSTITUTION_FILTERS, Counts
from ganxun.records.models import EntryKind, LearningRecord, RecordStatus
from ganxun.records.totals import record_step

PERSON_FIELDS = ("person_code", "name", "org_id", "org__path", "hired_on")
WHO_FIELDS = ("tier", "is_leader", "local_team", "is_young_talent", "is_branch_secretary", "is_team_member")


@dataclass(frozen=True)
class Person:
    """What an evaluation shows of a cadre, and what ``Who.matches`` asks of one."""

    pk: int
    code: str
    name: str
    org_id: int
    path: str
    hired_on: date | None
    tier: str = ""
    is_leader: bool = False
    local_team: str = ""
    is_young_talent: bool = False
    is_branch_secretary: bool = False
    is_team_member: bool = False


def judged(plan, cadres: QuerySet[Cadre], who: Who, span: Span | None) -> QuerySet[Cadre]:
    """The cadres of ``cadres`` an indicator judges in ``span``: those it applies to (``who``: its
    ``who`` or ``population``), less those hired too late for the window (入职前的年度, the plan's
    ``hired_cutoff``). One filter, so every rate's denominator drops the same cadres the verdicts do."""
    cadres = cadres.filter(applies_q(who))
    return cadres.filter(hired_q(last_hire_judged(span, plan.hired_cutoff))) if span else cadres


class Queried:
    """A set of cadres as a query: every answer is one set-based query."""

    def __init__(self, cadres: QuerySet[Cadre]):
        self.queryset = cadres.order_by()
        self._people: dict[int, Person] | None = None

    def judged(self, plan, who: Who, span: Span | None) -> Queried:
        return Queried(judged(plan, self.queryset, who, span))

    def ids(self) -> set[int]:
        return set(self.queryset.values_list("pk", flat=True))

    def people(self) -> dict[int, Person]:
        """Read once per set: an evaluation asks the same set several times (the verdicts, the facts, the members)."""
        if self._people is None:
            self._people = {row[0]: Person(*row) for row in self.queryset.values_list("pk", *PERSON_FIELDS)}
        return dict(self._people)

    def tallies(self, counts: Counts, span: Span, *, need_dates: bool = False,
                need_evidence: bool = False) -> dict[int, Tally]:
        return window_tallies(self.queryset, counts, span, need_dates=need_dates, need_evidence=need_evidence)


@dataclass(frozen=True)
class Entry:
    """A ledger row as the tallies read it."""

    pk: int
    external_id: str | None
    end_date: date
    days: int
    credit_hours: Decimal
    credit_days: int
    source: str
    content_category: str
    institution_kind: str
    institution_recognised: bool
    is_system_training: bool
    step: int          # what it adds to a count of records (``records.totals.record_step``, ``fetch.STEP``)
    counted: bool      # an entry that counts now (``records.selectors.counted_entries``)


ENTRY_FIELDS = ("cadre_id", "pk", "external_id", "end_date", "days", "credit_hours", "credit_days", "source",
                "content_category", "institution_kind", "institution_recognised", "is_system_training", "kind",
                "status", "completed", "reverses_id")


def counts_match(counts: Counts, e) -> bool:
    """``fetch.counts_q`` as a predicate on one row (a ledger entry or a year total)."""
    if counts.sources and e.source not in counts.sources:
        return False
    if counts.exclude_sources and e.source in counts.exclude_sources:
        return False
    _, kinds, or_recognised = INSTITUTION_FILTERS[counts.institutions]
    if (kinds or or_recognised) and not (e.institution_kind in kinds or (or_recognised and e.institution_recognised)):
        return False
    if counts.system_training and not e.is_system_training:
        return False
    if counts.content_categories and e.content_category not in counts.content_categories:
        return False
    return True


class InMemory:
    """A few cadres and their whole ledger, read once; narrowing and tallying them reads nothing more."""

    def __init__(self, people: dict[int, Person], ledger: dict[int, list[Entry]],
                 ends: dict[int, list[date]] | None = None):
        self._people = people
        self._ledger = ledger   # by cadre, in (end date, id) order
        self._ends = ends if ends is not None else {pk: [e.end_date for e in rows] for pk, rows in ledger.items()}

    @classmethod
    def load(cls, cadre_ids) -> InMemory:
        """``cadre_ids`` (those of them in the registry) with every ledger row they have: two queries."""
        ids = sorted(set(cadre_ids))
        people = {row[0]: Person(*row) for row in
                  Cadre.objects.filter(pk__in=ids).order_by().values_list("pk", *PERSON_FIELDS, *WHO_FIELDS)}
        rows = list(LearningRecord.objects.filter(cadre_id__in=list(people)).order_by("cadre_id", "end_date", "pk")
                    .values_list(*ENTRY_FIELDS))
        reversed_ = {r[-1] for r in rows if r[-1] is not None}   # a reversal is its entry's cadre's own row
        ledger: dict[int, list[Entry]] = defaultdict(list)
        for (cadre_id, pk, ext, end, days, hours, credit_days, source, category, inst_kind, recognised, system,
             kind, status, completed, _) in rows:
            counted = (kind == EntryKind.ENTRY and status == RecordStatus.APPROVED and completed
                       and pk not in reversed_)
            ledger[cadre_id].append(Entry(pk, ext, end, days, hours, credit_days, source, category, inst_kind,
                                          recognised, system, record_step(kind, hours, credit_days), counted))
        return cls(people, dict(ledger))

    @property
    def queryset(self) -> QuerySet[Cadre]:
        """The same cadres as a query, for a caller that needs one."""
        return Cadre.objects.filter(pk__in=sorted(self._people))

    def judged(self, plan, who: Who, span: Span | None) -> InMemory:
        last = last_hire_judged(span, plan.hired_cutoff) if span else None
        kept = {pk: p for pk, p in self._people.items()
                if who.matches(p) and (last is None or p.hired_on is None or p.hired_on <= last)}
        return InMemory(kept, self._ledger, self._ends)

    def only(self, ids) -> InMemory:
        """These of the cadres (``ids`` outside the set are ignored)."""
        return InMemory({pk: p for pk, p in self._people.items() if pk in ids}, self._ledger, self._ends)

    def ids(self) -> set[int]:
        return set(self._people)

    def people(self) -> dict[int, Person]:
        return dict(self._people)

    def tallies(self, counts: Counts, span: Span, *, need_dates: bool = False,
                need_evidence: bool = False) -> dict[int, Tally]:
        """``fetch.window_tallies`` from the rows: the same sums (a record counts +1, its reversal -1; with a
        least number of days per entry, only the entries that count), dates and evidence."""
        tallies: dict[int, Tally] = {}
        for pk in self._people:
            rows, ends = self._ledger.get(pk, ()), self._ends.get(pk, ())
            inside = rows[bisect_left(ends, span.start):bisect_right(ends, span.upto)] if rows else ()
            tally = None
            counted = []
            for e in inside:
                if not counts_match(counts, e):
                    continue
                if counts.min_days:
                    if not e.counted or e.days < counts.min_days:
                        continue
                    step = 1
                else:
                    step = e.step
                tally = tally or Tally()
                tally.hours += e.credit_hours
                tally.days += e.credit_days
                tally.count += step
                if e.counted:
                    counted.append(e)
            if tally is None:
                continue
            tallies[pk] = tally
            if counted and need_dates:
                tally.dates = tuple(e.end_date for e in counted)
            if counted and need_evidence:
                tally.evidence = tuple(e.external_id or f"R{e.pk}" for e in counted)
        return tallies


CadreSet = Queried | InMemory


def cadre_set(cadres: QuerySet[Cadre] | CadreSet) -> CadreSet:
    """``cadres`` as a set to evaluate: a query is read by queries, an ``InMemory`` from its rows."""
    return cadres if isinstance(cadres, (Queried, InMemory)) else Queried(cadres)
