"""Which plans there are, which version of each is current, and which plan a page opens with.

Two sources, one id space: the plan files shipped with the system (``plans/data/*.yaml``, version 1, read
only) and the plans departments keep in the database (``PlanDocument``, published as numbered
``PlanVersion``s). Every surface (pages, API, CLI, reports, archive) asks here, never the files directly.

The current plan period: a page without ``?plan=`` opens with the plan whose period holds the evaluation
date, from the user's own region up the tree (a county's own plan before the city's, the city's before the
province's); failing that, any published plan holding the date; failing that, the plan that ended last.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.db.models import Count, Max

from ganxun.plans.models import PlanDocument, PlanVersion
from ganxun.plans.spec import PlanFileError, Plan, file_plan_ids, file_plan_raw, parse_plan


def _raw(plan_id: str, version: int | None = None) -> tuple[dict, int, str]:
    """``(mapping, version, owner code)`` of a published plan (the latest version unless ``version``)."""
    if plan_id in file_plan_ids():
        if version not in (None, 1):
            raise PlanFileError(f"规划 {plan_id} 只有第 1 版")
        return file_plan_raw(plan_id), 1, ""
    versions = PlanVersion.objects.filter(document__code=plan_id).select_related("document__owner_org")
    found = versions.filter(number=version).first() if version else versions.order_by("-number").first()
    if found is None:
        known = "、".join(plan_ids()) or "无"
        what = f"规划 {plan_id!r} 的第 {version} 版" if version else f"规划 {plan_id!r}"
        raise PlanFileError(f"没有{what}（已发布的规划：{known}）")
    return found.content, found.number, found.document.owner_org.code


def _resolve(plan_id: str, version: int | None) -> dict:
    return _raw(plan_id, version)[0]


@lru_cache(maxsize=32)
def _file_plan(plan_id: str) -> Plan:
    return parse_plan(file_plan_raw(plan_id), f"{plan_id}.yaml", _resolve, shipped=True)


# Parsed published versions, per process. A version is fixed for ever, but what it adopts resolves to the
# adopted plan's latest version, so an entry holds only while no plan has been published since: the key
# carries the count and the latest time of all publications (one aggregate query instead of a parse, which
# costs a page 10–20 ms per plan).
_PARSED: dict[tuple, Plan] = {}
_PARSED_MAX = 64


def _publications() -> tuple:
    agg = PlanVersion.objects.aggregate(n=Count("pk"), last=Max("published_at"))
    return agg["n"], agg["last"]


def load_plan(plan_id: str, version: int | None = None, *, publications: tuple | None = None) -> Plan:
    """The published plan with that id (its latest version, or ``version``); ``PlanFileError`` when none.
    ``publications``: ``_publications()`` already read (``all_plans``)."""
    if plan_id in file_plan_ids() and version in (None, 1):
        return _file_plan(plan_id)
    key = (plan_id, version, publications or _publications())
    plan = _PARSED.get(key)
    if plan is None:
        raw, number, owner = _raw(plan_id, version)
        plan = parse_plan(raw, f"{plan_id}（第 {number} 版）", _resolve, version=number, owner=owner)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = plan
    return plan


def draft_of(document: PlanDocument) -> Plan:
    """A department's draft as a plan (``PlanFileError`` while it does not validate)."""
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return parse_plan(document.draft, f"{document.code}（草稿）", _resolve, version=number,
                      owner=document.owner_org.code)


# The departments' published plan codes, per process, under the publications they were read at (as ``_PARSED``):
# a plan published for the first time, or deleted with its versions, changes the count.
_PUBLISHED: dict[tuple, list[str]] = {}


def plan_ids(publications: tuple | None = None) -> list[str]:
    """Every published plan: the shipped files, then the departments' plans."""
    publications = publications or _publications()
    published = _PUBLISHED.get(publications)
    if published is None:
        published = list(PlanDocument.objects.filter(versions__isnull=False).distinct().order_by("code")
                         .values_list("code", flat=True))
        _PUBLISHED.clear()
        _PUBLISHED[publications] = published
    return file_plan_ids() + [code for code in published if code not in file_plan_ids()]


def all_plans() -> list[Plan]:
    publications = _publications()
    return [load_plan(plan_id, publications=publications) for plan_id in plan_ids(publications)]


BROADEST_FIRST = {"national": 0, "province": 1, "city": 2, "county": 3}


def current_plan(as_of: date, org=None, *, plans: list[Plan] | None = None) -> Plan | None:
    """The plan a page opens with for ``org`` (the user's region) on ``as_of`` (see the module's docstring).

    A department's plan holds for its own region and below; a shipped file holds for everyone (the broadest
    first: the province's plan before a city's reference plan). ``plans``: ``all_plans()`` already at hand (a list
    page asking for many orgs reads the published plans once).
    """
    chain: dict[str, int] = {}
    if org is not None:
        from ganxun.orgs.models import Org

        chain = dict(Org.objects.filter(path__in=[*org.ancestor_paths(), org.path]).values_list("code", "depth"))
    plans = [p for p in (all_plans() if plans is None else plans) if not p.owner or p.owner in chain]
    if not plans:
        return None
    owned = [p for p in plans if p.owner and p.covers(as_of)]
    if owned:
        return max(owned, key=lambda p: chain[p.owner])
    shipped = [p for p in plans if p.covers(as_of)]
    if shipped:
        return min(shipped, key=lambda p: BROADEST_FIRST.get(p.level, 9))
    return max(plans, key=lambda p: (p.end, bool(p.owner)))


def current_plan_for(user, as_of: date) -> Plan | None:
    from ganxun.orgs.selectors import root_org_of

    return current_plan(as_of, root_org_of(user))
