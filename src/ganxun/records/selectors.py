"""Reads of the ledger that users see.

An entry is visible when its cadre is (the org-tree axis of the scope, or a cadre's own login), or, for a
training institution's staff, when it is training their institution gave (the institution axis): they see
those entries and nothing else of the ledger, and none of the registry (a cadre's pages stay "not found").
"""

from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from ganxun.cadres.selectors import access_cadre, cadres_visible_to
from ganxun.core.errors import NotFound
from ganxun.orgs.selectors import institution_q, scope_of
from ganxun.records.models import EntryKind, LearningRecord, RecordSource, RecordStatus


def records_visible_to(user) -> QuerySet[LearningRecord]:
    scope = scope_of(user)
    qs = LearningRecord.objects.select_related("cadre", "institution")
    if scope.everything:
        return qs
    axes = []
    if scope.paths or scope.person_id is not None:
        axes.append(Q(cadre__in=cadres_visible_to(user).order_by().values("pk")))
    if scope.institution_codes:
        axes.append(institution_q(scope, "institution__code"))
    if not axes:
        return qs.none()
    visible = axes[0]
    for q in axes[1:]:
        visible |= q
    return qs.filter(visible)


def access_record(user, record_id) -> LearningRecord:
    try:
        record_id = int(str(record_id).lstrip("R"))
    except ValueError:
        raise NotFound("学习记录不存在或不在您的管理范围内") from None
    record = records_visible_to(user).filter(pk=record_id).first()
    if record is None:
        raise NotFound("学习记录不存在或不在您的管理范围内")
    return record


def with_reversal_flag(qs: QuerySet[LearningRecord]) -> QuerySet[LearningRecord]:
    """Each entry flagged ``is_reversed``. For one cadre's entries; for a page of a long list use
    ``flag_reversed`` (on millions of rows PostgreSQL turns this into a hash of the whole ledger)."""
    return qs.annotate(is_reversed=Exists(LearningRecord.objects.filter(reverses=OuterRef("pk"))))


def not_reversed(qs: QuerySet[LearningRecord]) -> QuerySet[LearningRecord]:
    """Entries no reversal cancels (an anti-join in WHERE; nothing added to the selected columns)."""
    return qs.exclude(Exists(LearningRecord.objects.filter(reverses=OuterRef("pk"))))


def flag_reversed(records) -> list[LearningRecord]:
    """Set ``is_reversed`` on a page of entries with one query by their ids."""
    records = list(records)
    reversed_ids = set(LearningRecord.objects.filter(reverses_id__in=[r.pk for r in records])
                       .values_list("reverses_id", flat=True)) if records else set()
    for r in records:
        r.is_reversed = r.pk in reversed_ids
    return records


@dataclass
class RecordFilter:
    """What the 学习记录 page and its export accept as filters."""

    q: str = ""            # the cadre's name (part of it) or 人员编码
    org_code: str = ""     # the cadre's unit, with its subtree
    source: str = ""
    category: str = ""
    year: str = ""         # of the end date: records count on their end date
    status: str = ""       # approved / pending / rejected
    show_reversed: bool = False  # also the reversed entries and their reversal twins

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


def _year_q(year: str) -> Q | None:
    """Entries ending in ``year`` (four digits; anything else filters nothing): records count on their end date."""
    if year.isdigit() and len(year) == 4:
        return Q(end_date__gte=date(int(year), 1, 1), end_date__lte=date(int(year), 12, 31))
    return None


def records_filtered(user, flt: RecordFilter) -> QuerySet[LearningRecord]:
    """The visible entries narrowed by ``flt``, newest first. An org filter outside the scope is 'not found'.

    Rows carry no ``is_reversed``: flag the page shown with ``flag_reversed``.
    """
    qs = records_visible_to(user)
    if flt.org_code:
        from ganxun.orgs.selectors import access_org

        org = access_org(user, flt.org_code)
        qs = qs.filter(cadre__org__path__startswith=org.path)
    needle = flt.q.strip()
    if needle:
        qs = qs.filter(Q(cadre__name__contains=needle) | Q(cadre__person_code=needle) | Q(external_id=needle))
    if flt.source:
        qs = qs.filter(source=flt.source)
    if flt.category:
        qs = qs.filter(content_category=flt.category)
    if (year := _year_q(flt.year)) is not None:
        qs = qs.filter(year)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if not flt.show_reversed:
        qs = not_reversed(qs.filter(kind=EntryKind.ENTRY))
    return qs.select_related("cadre__org", "institution", "reverses").order_by("-end_date", "-id")


def record_counts(qs: QuerySet[LearningRecord]) -> dict:
    """Headline figures of a filtered list, in one query.

    The credits are summed as they stand: a reversal twin always passes the same filters as the entry
    it cancels (same cadre, dates, form and status), so the two net to zero when both are listed.
    """
    return qs.order_by().aggregate(
        total=Count("id"),
        pending=Count("id", filter=Q(status=RecordStatus.PENDING)),
        cadres=Count("cadre", distinct=True),
        hours=Sum("credit_hours"),
        days=Sum("credit_days"),
    )


def records_of_cadre(user, person_code: str) -> QuerySet[LearningRecord]:
    """One cadre's ledger, newest first, each entry flagged when it has been reversed."""
    cadre = access_cadre(user, person_code)
    return with_reversal_flag(LearningRecord.objects.filter(cadre=cadre).select_related("institution", "reverses")
                              .order_by("-end_date", "-id"))


def counted_entries(qs: QuerySet[LearningRecord]) -> QuerySet[LearningRecord]:
    """Entries that count now: approved, completed, not reversed."""
    return (qs.filter(kind=EntryKind.ENTRY, status=RecordStatus.APPROVED, completed=True)
            .exclude(Exists(LearningRecord.objects.filter(reverses=OuterRef("pk")))))


def pending_self_study_visible_to(user) -> QuerySet[LearningRecord]:
    """The claims waiting for this user's level: in their scope, and not passed up beyond it (a cadre: their own)."""
    from ganxun.orgs.selectors import path_q, scope_of

    scope = scope_of(user)
    qs = records_visible_to(user).filter(status=RecordStatus.PENDING)
    if scope.paths and not scope.everything:     # a cadre sees their own claims wherever they wait
        qs = qs.filter(Q(review_org__isnull=True) | path_q(scope, "review_org__path"))
    return qs.select_related("review_org").order_by("recorded_at")


# --- 学员学时: the entries of the training an institution gave ------------------------------------

# Totals (distinct trainees above all) are summed only over this many entries or fewer: a party school
# has tens of thousands a year, a province's online academy millions, and its unnarrowed page must not scan
# them all on every view (the 学习记录 list does the same).
TRAINEE_TOTALS_CAP = 100_000

@dataclass
class TraineeFilter:
    """What 学员学时 (one institution's trainees and their hours) and its export accept as filters."""

    year: str = ""     # of the end date, as everywhere in the ledger
    name: str = ""     # the trainee's name (part of it)
    title: str = ""    # 培训名称 (part of it)
    source: str = ""   # 培训形式

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


def trainee_entries(user, code: str, flt: TraineeFilter, *, every_year: bool = False):
    """``(institution, entries)``: the standing entries at institution ``code`` that ``user`` sees, narrowed by
    ``flt`` (its year left out with ``every_year``), newest first.

    The institution is fetched through its own scope (``access_institution``: missing or outside is
    ``NotFound``); the entries through ``records_visible_to``: an institution's staff see every entry at
    their institution, an administrator only those of the cadres in their scope. Standing: reversed entries
    and reversal twins are left out, so each training a cadre took there is one row, counted once.
    """
    from ganxun.resources.selectors import access_institution

    institution = access_institution(user, code)
    qs = not_reversed(records_visible_to(user).filter(institution=institution, kind=EntryKind.ENTRY))
    if not every_year and (year := _year_q(flt.year)) is not None:
        qs = qs.filter(year)
    if name := flt.name.strip():
        qs = qs.filter(cadre__name__contains=name)
    if title := flt.title.strip():
        qs = qs.filter(title__contains=title)
    if flt.source:
        qs = qs.filter(source=flt.source)
    return institution, qs.select_related("cadre__org").order_by("-end_date", "-id")


def trainee_counts(qs: QuerySet[LearningRecord]) -> dict:
    """Entries, trainees (distinct cadres), hours and credited hours of a list, in one query."""
    counts = qs.order_by().aggregate(entries=Count("id"), trainees=Count("cadre", distinct=True),
                                     hours=Sum("hours"), credit_hours=Sum("credit_hours"))
    return {k: v or 0 for k, v in counts.items()}


def trainee_years(qs: QuerySet[LearningRecord]) -> list[dict]:
    """``trainee_counts`` per year of the end date, latest year first (one grouped query)."""
    from django.db.models.functions import ExtractYear

    rows = (qs.order_by().annotate(year=ExtractYear("end_date")).values("year")
            .annotate(entries=Count("id"), trainees=Count("cadre", distinct=True), hours=Sum("hours"),
                      credit_hours=Sum("credit_hours"))
            .order_by("-year"))
    return [{k: v or 0 for k, v in row.items()} for row in rows]


def trainings_of(qs: QuerySet[LearningRecord], *, since: date, limit: int = 10) -> list[dict]:
    """The trainings among ``qs`` (one 培训名称 on the same dates) that ended on or after ``since``, latest
    first, each with its trainees and credited hours: until the classes module exists, what a class is."""
    rows = list(qs.filter(end_date__gte=since).order_by()
                .values("title", "start_date", "end_date", "source")
                .annotate(trainees=Count("cadre", distinct=True), credit_hours=Sum("credit_hours"))
                .order_by("-end_date", "title")[:limit])
    for row in rows:
        row["source_label"] = RecordSource(row["source"]).label
    return rows


def all_records_unscoped() -> QuerySet[LearningRecord]:
    """Every ledger entry, for imports (which scope by the cadre) and operator commands. Never for a page."""
    return LearningRecord.objects.all()


def institutions_named(texts) -> tuple[dict, dict]:
    """Institutions whose 机构编码 or exact 机构名称 is among ``texts``: ``(by_code, by_name)``.

    ``by_name`` maps a name to every institution carrying it (names need not be unique). Institutions
    are not personal data: the ledger may name any of them, as ``record_append`` does.
    """
    from django.db.models import Q

    from ganxun.resources.models import Institution

    texts = sorted({t for t in texts if t})
    by_code: dict = {}
    by_name: dict = {}
    for i in range(0, len(texts), 450):
        chunk = texts[i:i + 450]
        for inst in Institution.objects.filter(Q(code__in=chunk) | Q(name__in=chunk)).only(
                "id", "code", "name", "kind", "recognised"):
            by_code[inst.code] = inst
            by_name.setdefault(inst.name, {})[inst.pk] = inst
    return by_code, {name: list(found.values()) for name, found in by_name.items()}
