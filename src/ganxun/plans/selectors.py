"""Reads of plans users see: the published ones (every role), a department's own drafts (its administrators),
and the preview of an indicator being edited (how many cadres of the user's scope it applies to, and how they
fare under it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ganxun.core.errors import NotFound
from ganxun.core.roles import Role, role_of
from ganxun.orgs.selectors import root_org_of
from ganxun.plans import catalog
from ganxun.plans.engine import AT_RISK, MET, ON_TRACK, UNMET, span_for
from ganxun.plans.models import PlanDocument, PlanVersion
from ganxun.plans.spec import Indicator, Plan, PlanFileError


def documents_editable_by(user) -> list[PlanDocument]:
    """The department's own plans (drafts and published) an organisation-department administrator edits."""
    root = root_org_of(user) if role_of(user) == Role.ORG_ADMIN else None
    if root is None:
        return []
    return list(PlanDocument.objects.filter(owner_org=root).select_related("owner_org").order_by("-updated_at"))


def can_create_plans(user) -> bool:
    root = root_org_of(user) if role_of(user) == Role.ORG_ADMIN else None
    return root is not None and root.org_type == "region" and root.level in ("province", "city", "county")


def may_edit(user, document: PlanDocument | None) -> bool:
    if document is None or role_of(user) != Role.ORG_ADMIN:
        return False
    root = root_org_of(user)
    return root is not None and root.pk == document.owner_org_id


def document_of(code: str) -> PlanDocument | None:
    return PlanDocument.objects.select_related("owner_org").filter(code=code).first()


@dataclass
class PlanPage:
    """What the plan page shows: the plan (a version, or the draft), and what the user may do with it."""

    plan: Plan | None          # None when the draft does not validate
    document: PlanDocument | None
    versions: list[PlanVersion]
    is_draft: bool
    editable: bool
    draft_error: str = ""


def plan_page(user, code: str, *, version: int | None = None, draft: bool = False) -> PlanPage:
    """A published plan (its latest version, or ``version``), or — for its own department — the draft.
    A plan nobody published is not found for anyone else."""
    doc = document_of(code)
    editable = may_edit(user, doc)
    versions = list(doc.versions.select_related("published_by").order_by("-number")) if doc else []
    if doc is not None and editable and (draft or not versions):
        try:
            plan = catalog.draft_of(doc)
            error = ""
        except PlanFileError as exc:
            plan, error = None, str(exc)
        return PlanPage(plan, doc, versions, True, True, error)
    try:
        plan = catalog.load_plan(code, version)
    except PlanFileError:
        raise NotFound("没有这个规划") from None
    return PlanPage(plan, doc, versions, False, editable)


@dataclass
class Preview:
    """An indicator as edited, tried on the user's scope before it is saved."""

    applies: int
    counts: dict[str, int]
    before: dict[str, int] | None
    as_of: date
    note: str = ""


def indicator_preview(user, plan: Plan, edited: Indicator, *, as_of: date, before: Indicator | None) -> Preview:
    """How many cadres in the user's scope ``edited`` applies to at ``as_of`` and their verdicts under it
    (and under ``before``, the version being changed). One indicator, one evaluation: cheap for a city."""
    from dataclasses import replace

    from ganxun.plans.compliance import cadre_verdicts, compliance_scope, judged

    cadres = compliance_scope(user)
    if edited.subject != "cadre":
        span = span_for(plan, edited, as_of)
        population = judged(plan, cadres, edited.population, span).count() if span else 0
        return Preview(population, {}, None, as_of, note="单位/地区指标：统计对象人数")

    def tally(ind: Indicator) -> tuple[int, dict[str, int]]:
        others = tuple(i for i in plan.indicators if i.code != ind.code)
        trial = replace(plan, indicators=others + (ind,))
        verdicts = cadre_verdicts(trial, as_of, cadres, with_evidence=False, codes=[ind.code])
        found = Counter(v.verdict for v in verdicts)
        return len(verdicts), {k: found.get(k, 0) for k in (MET, ON_TRACK, AT_RISK, UNMET)}

    applies, counts = tally(edited)
    old = tally(before)[1] if before is not None else None
    return Preview(applies, counts, old, as_of)
