"""Reads for the electronic archive (电子档案) of one cadre: the page, the PDF and the spreadsheet share them.

Everything is fetched through the scoped selectors of the cadres, records and plans apps, so a cadre
outside the user's scope is "not found" here exactly as everywhere else. The archive is evaluated at
``as_of``: verdicts come from the compliance engine, and the ledger entries listed are those that end
on or before ``as_of`` (the engine counts a record on its end date, so the table and the verdicts agree).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from ganxun.archive.models import ArchiveIssue
from ganxun.cadres.models import Cadre
from ganxun.cadres.selectors import INTERNAL_FIELDS, access_cadre
from ganxun.core.errors import NotFound
from ganxun.core.roles import is_cadre
from ganxun.plans.compliance import cadre_verdicts, compliance_scope
from ganxun.plans.engine import AT_RISK, MET, ON_TRACK, UNMET, VERDICT_LABELS, Verdict
from ganxun.plans.output import amount
from ganxun.plans.catalog import current_plan, load_plan
from ganxun.plans.spec import Indicator, Plan
from ganxun.records.models import CadreYearTotal, EntryKind, LearningRecord, RecordSource
from ganxun.records.selectors import records_of_cadre

VERDICT_ORDER = (UNMET, AT_RISK, ON_TRACK, MET)
CORRECTION_PREFIX = "更正："
SELF_SERVICE = "干部本人（自助打印）"
SYSTEM_ADMIN = "系统管理员"

# Flags shown beside a cadre's name, in the order the cadre detail page uses.
FLAGS = (
    ("is_leader", "领导职务"),
    ("is_team_member", "班子成员"),
    ("is_principal", "一把手"),
    ("is_young_talent", "优秀年轻干部"),
    ("is_branch_secretary", "党支部书记"),
    ("is_selected_graduate", "选调生"),
)
# The department's internal designations: never shown to the cadre themself (their own archive, its PDF and
# spreadsheet). An indicator that applies by one of them (``applies_to``) is left out for the cadre as well,
# since its name says the same thing (优秀年轻干部4年轮训).
INTERNAL_FLAGS = INTERNAL_FIELDS
INTERNAL_APPLIES = frozenset({"young_talent"})


def default_plan_id(org=None, as_of: date | None = None) -> str:
    """The plan an archive opens with: the current plan of the cadre's region (``plans.catalog``)."""
    from django.utils import timezone

    plan = current_plan(as_of or timezone.localdate(), org)
    return plan.id if plan else ""


def mask_name(name: str) -> str:
    """``张建国`` → ``张*国``, ``王磊`` → ``王*``, ``欧阳修文`` → ``欧**文``: enough to recognise, not to identify."""
    chars = list(name or "")
    if len(chars) <= 1:
        return "*" if chars else ""
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def cadre_flags(cadre: Cadre, *, internal: bool = True) -> list[str]:
    """The cadre's flags in words; ``internal=False`` (the cadre's own view) leaves out ``INTERNAL_FLAGS``."""
    flags = [label for attr, label in FLAGS if getattr(cadre, attr) and (internal or attr not in INTERNAL_FLAGS)]
    if cadre.local_team:
        flags.insert(2, f"{cadre.get_local_team_display()}党政班子")
    return flags


def is_internal_indicator(indicator: Indicator) -> bool:
    """An indicator whose subjects are picked by an internal designation (see ``INTERNAL_APPLIES``)."""
    return any(getattr(indicator.who, key) for key in INTERNAL_APPLIES)


def issuer_of(user) -> tuple:
    """Who issues an archive the user prints: (org or None, the name printed as 出具单位)."""
    if is_cadre(user):
        return None, SELF_SERVICE
    if getattr(user, "scope_org_id", None):
        return user.scope_org, user.scope_org.name
    return None, SYSTEM_ADMIN


@dataclass
class IndicatorCard:
    """One applicable indicator for the cadre, with its verdict and the records behind it."""

    verdict: Verdict
    indicator: Indicator
    evidence: list[tuple[str, int | None]] = field(default_factory=list)  # (reference, record pk)

    @property
    def percent(self) -> int:
        return max(0, min(100, round(self.verdict.progress * 100)))

    @property
    def required(self) -> str:
        return amount(self.verdict.required)

    @property
    def actual(self) -> str:
        return amount(self.verdict.actual)

    @property
    def gap(self) -> str:
        return amount(self.verdict.gap)


@dataclass
class Correction:
    """A reversal in the ledger: the entry it cancelled and, for a correction, the entry that replaced it."""

    reversal: LearningRecord
    original: LearningRecord
    replacement: LearningRecord | None

    @property
    def action(self) -> str:
        return "更正" if self.replacement is not None or self.reversal.reason.startswith(CORRECTION_PREFIX) else "冲销"

    @property
    def reason(self) -> str:
        return self.reversal.reason.removeprefix(CORRECTION_PREFIX)

    @property
    def actor(self) -> str:
        user = self.reversal.recorded_by
        return (user.display_name or user.username) if user else "系统"


@dataclass
class YearHours:
    year: int
    by_source: dict[str, Decimal]
    partial: bool = False  # the year of ``as_of``, counted up to ``as_of`` only

    @property
    def total(self) -> Decimal:
        return sum(self.by_source.values(), Decimal("0"))


@dataclass
class Archive:
    cadre: Cadre
    plan: Plan
    as_of: date
    verdicts: list[Verdict]
    cards: list[IndicatorCard]
    records: list[LearningRecord]  # ending on or before as_of, newest first
    later_records: int  # entries ending after as_of, not listed
    years: list[YearHours]
    corrections: list[Correction]
    for_cadre: bool = False  # read by the cadre themself: internal designations are left out

    @property
    def flags(self) -> list[str]:
        return cadre_flags(self.cadre, internal=not self.for_cadre)

    @property
    def sources(self) -> list[tuple[str, str]]:
        """培训形式 that have hours in some year, in the vocabulary's order."""
        used = {s for y in self.years for s, h in y.by_source.items() if h}
        return [(value, label) for value, label in RecordSource.choices if value in used]

    @property
    def total_hours(self) -> Decimal:
        return sum((y.total for y in self.years), Decimal("0"))

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        """(verdict, label, count) for the verdicts present, worst first."""
        counts = defaultdict(int)
        for v in self.verdicts:
            counts[v.verdict] += 1
        return [(k, VERDICT_LABELS[k], counts[k]) for k in VERDICT_ORDER if counts[k]]

    def year_chart(self) -> dict:
        """The bar chart's data: one stacked series per 培训形式, one bar per year."""
        return {
            "years": [f"{y.year}" + ("（至评估日）" if y.partial else "") for y in self.years],
            "series": [{"name": label, "key": value,
                        "data": [float(y.by_source.get(value, 0)) for y in self.years]}
                       for value, label in self.sources],
        }

    def year_table(self) -> list[dict]:
        return [{"year": y.year, "partial": y.partial, "total": y.total,
                 "cells": [y.by_source.get(value, Decimal("0")) for value, _ in self.sources]} for y in self.years]

    def digest_payload(self) -> dict:
        """What a PDF of this archive shows, in a canonical form (the verification digest is over it)."""
        return {
            "cadre": self.cadre.person_code,
            "plan": self.plan.id,
            "as_of": self.as_of.isoformat(),
            "verdicts": [v.as_dict() for v in self.verdicts],
            "records": [{"ref": r.reference, "kind": r.kind, "end_date": r.end_date.isoformat(),
                         "credit_hours": str(r.credit_hours), "credit_days": r.credit_days,
                         "reversed": bool(getattr(r, "is_reversed", False))} for r in self.records],
        }

    def digest(self) -> str:
        canonical = json.dumps(self.digest_payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                               default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _year_hours(cadre: Cadre, records: list[LearningRecord], as_of: date) -> list[YearHours]:
    """Credited hours per year and 培训形式: whole years from the totals table, the year of ``as_of`` from
    the ledger up to ``as_of`` (the same split the engine's fetch step makes)."""
    per_year: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0")))
    rows = (CadreYearTotal.objects.filter(cadre=cadre, year__lt=as_of.year).values("year", "source")
            .annotate(h=Sum("hours")).order_by("year", "source"))
    for row in rows:
        per_year[row["year"]][row["source"]] += Decimal(row["h"] or 0)
    for r in records:
        if r.end_date.year == as_of.year:
            per_year[as_of.year][r.source] += r.credit_hours
    years = sorted(y for y, by in per_year.items() if any(by.values()))
    if not years:
        return []
    return [YearHours(year, dict(per_year.get(year, {})), partial=year == as_of.year and as_of != date(year, 12, 31))
            for year in range(years[0], years[-1] + 1)]


def _corrections(records: list[LearningRecord]) -> list[Correction]:
    by_pk = {r.pk: r for r in records}
    replacements = {}
    for r in records:
        if r.kind == EntryKind.ENTRY and r.reason.startswith("更正 "):
            ref = r.reason[3:].split("：", 1)[0]
            replacements[ref] = r
    found = []
    for r in records:
        if r.kind == EntryKind.REVERSAL and r.reverses_id:
            original = by_pk.get(r.reverses_id) or r.reverses
            found.append(Correction(reversal=r, original=original, replacement=replacements.get(original.reference)))
    found.sort(key=lambda c: (c.reversal.recorded_at, c.reversal.pk), reverse=True)
    return found


def archive_of(user, person_code: str, *, plan_id: str, as_of: date) -> Archive:
    """One cadre's archive under ``plan_id`` at ``as_of``; ``NotFound`` outside the user's scope."""
    cadre = access_cadre(user, person_code)
    plan = load_plan(plan_id)
    for_cadre = is_cadre(user)
    verdicts = cadre_verdicts(plan, as_of, compliance_scope(user, person_code=person_code))
    if for_cadre:
        verdicts = [v for v in verdicts if not is_internal_indicator(plan.indicator(v.indicator))]
    ledger = list(records_of_cadre(user, person_code).select_related("recorded_by"))
    records = [r for r in ledger if r.end_date <= as_of]
    by_ref = {r.reference: r.pk for r in records}
    cards = [IndicatorCard(verdict=v, indicator=plan.indicator(v.indicator),
                           evidence=[(ref, by_ref.get(ref)) for ref in v.evidence]) for v in verdicts]
    return Archive(cadre=cadre, plan=plan, as_of=as_of, verdicts=verdicts, cards=cards, records=records,
                   later_records=len(ledger) - len(records), years=_year_hours(cadre, records, as_of),
                   corrections=_corrections(records), for_cadre=for_cadre)


def filter_records(records: list[LearningRecord], *, year: int | None = None, source: str = "") -> list[LearningRecord]:
    """The records table's filters: year of the end date and 培训形式."""
    return [r for r in records if (year is None or r.end_date.year == year) and (not source or r.source == source)]


def issue_by_code(code: str) -> ArchiveIssue:
    """An issued archive by its verification code; public, so it reveals only what the code holder may know."""
    normalised = (code or "").replace("-", "").replace(" ", "").upper()
    issue = (ArchiveIssue.objects.filter(code=normalised).select_related("issuing_org").first()
             if len(normalised) == 16 else None)
    if issue is None:
        raise NotFound("未找到该验证码")
    return issue


def issues_of_cadre(user, person_code: str):
    """The archives issued for one cadre, newest first (inside the user's scope)."""
    cadre = access_cadre(user, person_code)
    return ArchiveIssue.objects.filter(cadre=cadre).select_related("created_by")
