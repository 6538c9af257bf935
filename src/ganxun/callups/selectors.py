"""Who sees which plans, call-ups, nominations and leave; the inbox; the state of each make-up.

A department sees what it issued; a unit (or a lower department) the issued call-ups that give it places or
name its cadres; a cadre their own call-ups; the host institution the call-ups for its classes.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from ganxun.callups.models import (AnnualPlan, CallUp, CallUpLeave, CallUpQuota, CallUpStatus, Makeup, Nomination)
from ganxun.cadres.models import Cadre
from ganxun.classes.models import Enrolment
from ganxun.core.errors import NotFound
from ganxun.core.roles import OPERATOR_ROLE, Role, role_of
from ganxun.orgs.selectors import org_in_scope, scope_of

RUNNERS = frozenset({Role.ORG_ADMIN, Role.SUPERUSER, OPERATOR_ROLE})
NOMINATORS = frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.SUPERUSER, OPERATOR_ROLE})


def may_run_callups(user) -> bool:
    """Organisation-department staff plan the year and issue call-ups."""
    return role_of(user) in RUNNERS


def may_audit(user, callup: CallUp) -> bool:
    scope = scope_of(user)
    return may_run_callups(user) and (scope.everything or org_in_scope(scope, callup.issuer))


def may_nominate_for(user, quota: CallUpQuota) -> bool:
    return role_of(user) in NOMINATORS and org_in_scope(scope_of(user), quota.unit)


def _any_path(paths, field: str) -> Q:
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def callups_visible_to(user) -> QuerySet[CallUp]:
    scope = scope_of(user)
    qs = CallUp.objects.select_related("training_class", "training_class__institution", "issuer")
    if scope.everything:
        return qs.order_by("-created_at", "-id")
    issued = ~Q(status=CallUpStatus.DRAFT)
    if scope.paths:
        quota = CallUpQuota.objects.filter(_any_path(scope.paths, "unit__path"), callup=OuterRef("pk"))
        named = Nomination.objects.filter(_any_path(scope.paths, "cadre__org__path"), callup=OuterRef("pk"))
        q = _any_path(scope.paths, "issuer__path") | (issued & (Exists(quota) | Exists(named)))
    elif scope.person_id is not None:
        q = issued & Exists(Nomination.objects.filter(callup=OuterRef("pk"), cadre_id=scope.person_id))
    elif scope.institution_codes:
        q = issued & Q(training_class__institution__code__in=scope.institution_codes)
    else:
        return qs.none()
    return qs.filter(q).order_by("-created_at", "-id")


def issued_by_scope(user) -> QuerySet[CallUp]:
    """The call-ups the user's own departments issued (本部门发出)."""
    scope = scope_of(user)
    if scope.everything:
        return callups_visible_to(user)
    if not scope.paths:
        return CallUp.objects.none()
    return callups_visible_to(user).filter(_any_path(scope.paths, "issuer__path"))


def with_counts(qs: QuerySet[CallUp]) -> QuerySet[CallUp]:
    """Each call-up with its places given, the nominations holding a place and those approved."""
    places = (CallUpQuota.objects.filter(callup=OuterRef("pk")).order_by().values("callup")
              .annotate(n=Sum("places")).values("n"))

    def counted(*statuses):
        return (Nomination.objects.filter(callup=OuterRef("pk"), status__in=statuses).order_by().values("callup")
                .annotate(n=Count("id")).values("n"))
    from ganxun.callups.models import ACTIVE_STATUSES, NominationStatus

    return qs.annotate(places=Subquery(places), active=Subquery(counted(*ACTIVE_STATUSES)),
                       approved=Subquery(counted(NominationStatus.APPROVED)))


def access_callup(user, code: str) -> CallUp:
    callup = callups_visible_to(user).filter(code=code).first()
    if callup is None:
        raise NotFound("调训通知不存在或不在您的管理范围内")
    return callup


def quota_for(callup: CallUp, cadre: Cadre) -> CallUpQuota | None:
    """The quota a cadre is nominated under: the one of the nearest unit above them that has places."""
    best = None
    for quota in callup.quotas.select_related("unit"):
        if cadre.org.path.startswith(quota.unit.path) and (best is None or len(quota.unit.path) > len(best.unit.path)):
            best = quota
    return best


def nominations_visible_to(user) -> QuerySet[Nomination]:
    scope = scope_of(user)
    qs = Nomination.objects.select_related("callup", "callup__training_class", "callup__issuer", "cadre",
                                           "cadre__org", "quota", "quota__unit")
    if scope.everything:
        return qs
    if scope.paths:
        return qs.filter(_any_path(scope.paths, "cadre__org__path") | _any_path(scope.paths, "callup__issuer__path"))
    if scope.person_id is not None:
        return qs.filter(cadre_id=scope.person_id).exclude(callup__status=CallUpStatus.DRAFT)
    return qs.none()


def leaves_visible_to(user) -> QuerySet[CallUpLeave]:
    return CallUpLeave.objects.filter(nomination__in=nominations_visible_to(user)).select_related(
        "nomination__callup__training_class", "nomination__callup__issuer", "nomination__cadre")


def inbox_for(user) -> QuerySet[CallUp]:
    """The issued call-ups that ask something of this user's units: places to fill or persons to confirm."""
    scope = scope_of(user)
    issued = callups_visible_to(user).filter(status=CallUpStatus.ISSUED)
    if not scope.paths or scope.everything:
        return issued
    quota = CallUpQuota.objects.filter(_any_path(scope.paths, "unit__path"), callup=OuterRef("pk"))
    named = Nomination.objects.filter(_any_path(scope.paths, "cadre__org__path"), callup=OuterRef("pk"))
    return issued.filter(Exists(quota) | Exists(named))


def plans_visible_to(user) -> QuerySet[AnnualPlan]:
    scope = scope_of(user)
    qs = AnnualPlan.objects.select_related("org")
    if scope.everything:
        return qs
    if scope.paths:
        return qs.filter(_any_path(scope.paths, "org__path"))
    return qs.none()


def access_plan(user, plan_id: int) -> AnnualPlan:
    plan = plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("年度培训计划不存在或不在您的管理范围内")
    return plan


def makeups_with_state(qs: QuerySet[Makeup] | None = None) -> QuerySet[Makeup]:
    """Each make-up with ``met``: the cadre has since completed a class of the owed kind that started after the
    missed one; and ``scheduled``: a nomination for it holds a place now."""
    qs = Makeup.objects.all() if qs is None else qs
    met = Enrolment.objects.filter(cadre=OuterRef("cadre"), completed=True,
                                   training_class__kind=OuterRef("class_kind"),
                                   training_class__start_date__gt=OuterRef("missed_class__start_date"))
    from ganxun.callups.models import ACTIVE_STATUSES

    scheduled = Nomination.objects.filter(makeup=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    return qs.annotate(met=Exists(met), scheduled=Exists(scheduled)).select_related(
        "cadre", "cadre__org", "missed_class")


def makeups_visible_to(user) -> QuerySet[Makeup]:
    scope = scope_of(user)
    qs = Makeup.objects.all()
    if scope.paths and not scope.everything:
        qs = qs.filter(_any_path(scope.paths, "cadre__org__path"))
    elif scope.person_id is not None:
        qs = qs.filter(cadre_id=scope.person_id)
    elif not scope.everything:
        qs = qs.none()
    return makeups_with_state(qs)


def plan_against_actual(plan: AnnualPlan) -> tuple[list[dict], list[dict]]:
    """The plan's targets and classes beside what happened: for each planned class its call-ups and trainees,
    for each target the trainees of its classes (enrolled, completed) against the planned number."""
    from ganxun.callups.models import ACTIVE_STATUSES, PlannedClass
    from ganxun.classes.models import EnrolmentStatus

    planned = list(PlannedClass.objects.filter(plan=plan).select_related("training_class__institution", "target")
                   .order_by("training_class__start_date", "training_class__code"))
    ids = [p.training_class_id for p in planned]
    enrolled = dict(Enrolment.objects.filter(training_class_id__in=ids, status=EnrolmentStatus.ENROLLED)
                    .values("training_class").annotate(n=Count("id")).values_list("training_class", "n").order_by())
    completed = dict(Enrolment.objects.filter(training_class_id__in=ids, completed=True)
                     .values("training_class").annotate(n=Count("id")).values_list("training_class", "n").order_by())
    called = dict(Nomination.objects.filter(callup__training_class_id__in=ids, status__in=ACTIVE_STATUSES)
                  .values("callup__training_class").annotate(n=Count("id"))
                  .values_list("callup__training_class", "n").order_by())
    classes = [{"p": p, "tc": p.training_class, "called": called.get(p.training_class_id, 0),
                "enrolled": enrolled.get(p.training_class_id, 0),   # completed trainees stay 在读
                "completed": completed.get(p.training_class_id, 0)} for p in planned]
    targets = []
    for t in plan.targets.all():
        mine = [c for c in classes if c["p"].target_id == t.pk]
        done = sum(c["completed"] for c in mine)
        going = sum(c["enrolled"] for c in mine)
        targets.append({"t": t, "classes": len(mine), "planned_places": sum(c["p"].planned or 0 for c in mine),
                        "enrolled": going, "completed": done,
                        "share": done / t.planned if t.planned else None})
    return targets, classes


def submissions_visible_to(user):
    """报批: a unit sees what it sent; a department what was sent to it or by the units under it."""
    from ganxun.callups.models import PlanSubmission

    scope = scope_of(user)
    qs = PlanSubmission.objects.select_related("unit", "approver")
    if scope.everything:
        return qs
    if scope.paths:
        return qs.filter(_any_path(scope.paths, "unit__path") | _any_path(scope.paths, "approver__path"))
    return qs.none()


def plan_quota_rows(plan: AnnualPlan) -> list[dict]:
    """Each subordinate unit's places in the plan beside who from under it was called up into the plan's classes
    (for the target's classes, when the places are for one target) and who completed."""
    from ganxun.callups.models import ACTIVE_STATUSES, PlannedClass

    planned = list(PlannedClass.objects.filter(plan=plan).values_list("training_class_id", "target_id"))
    out = []
    for q in plan.quotas.select_related("unit", "target"):
        classes = [c for c, t in planned if q.target_id is None or t == q.target_id]
        called = Nomination.objects.filter(callup__training_class_id__in=classes, status__in=ACTIVE_STATUSES,
                                           cadre__org__path__startswith=q.unit.path)
        done = Enrolment.objects.filter(training_class_id__in=classes, completed=True,
                                        cadre__org__path__startswith=q.unit.path)
        out.append({"q": q, "called": called.values("cadre").distinct().count(),
                    "completed": done.values("cadre").distinct().count()})
    return out


def plan_summary(plan: AnnualPlan) -> dict:
    """A plan with its targets, classes and places, each beside the actual (the API's and the CLI's JSON)."""
    targets, classes = plan_against_actual(plan)
    return {"id": plan.pk, "org_code": plan.org.code, "year": plan.year, "title": plan.title, "status": plan.status,
            "targets": [{"group": t["t"].group, "text": t["t"].text, "planned": t["t"].planned,
                         "classes": t["classes"], "enrolled": t["enrolled"], "completed": t["completed"]}
                        for t in targets],
            "classes": [{"class_code": c["tc"].code, "planned": c["p"].planned, "called": c["called"],
                         "enrolled": c["enrolled"], "completed": c["completed"]} for c in classes],
            "quotas": [{"unit_code": r["q"].unit.code, "group": r["q"].target.group if r["q"].target_id else None,
                        "places": r["q"].places, "called": r["called"], "completed": r["completed"]}
                       for r in plan_quota_rows(plan)]}
