"""The class checks (班次指标): a class's timetable against the chosen plan's class indicators (rules.md).

``class_facts`` reads one class into the engine's plain ``ClassFacts``; ``class_verdicts`` judges classes
with every class indicator of a plan (one query for the sessions of all of them). The pages' live check, the
API (``/api/v1/classes/{code}/compliance``) and the CLI (``ganxun compliance --subject classes``, registered
below) all come through here, so they agree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import QuerySet

from ganxun.classes.models import ClassSession, TrainingClass
from ganxun.classes.selectors import classes_visible_to
from ganxun.orgs.selectors import access_org
from ganxun.plans.catalog import all_plans, current_plan, load_plan
from ganxun.plans.rules import MET, NOT_APPLICABLE, ClassFacts, SessionFact, Verdict
from ganxun.plans.spec import Plan
from ganxun.plans.subjects import SubjectSource, register_subject

CLASS_FIELDS = ("pk", "code", "name", "kind", "start_date", "end_date", "institution__kind", "institution__level")
SESSION_FIELDS = ("training_class_id", "date", "slot", "course_name", "hours", "content_category", "teacher_kind",
                  "method", "is_party_spirit_analysis")


def _fact(row) -> SessionFact:
    _, day, slot, course, hours, category, teacher, method, analysis = row
    # isoformat, not "%Y-%m-%d": the same text in a seventh of the time (a city's 24,000 slots in every check)
    return SessionFact(course=course, hours=hours, content_category=category, teacher_kind=teacher, method=method,
                       party_spirit_analysis=analysis, ref=f"{day.isoformat()} {slot}")


def facts_of(training_class: TrainingClass, sessions) -> ClassFacts:
    """A class and its slots (``SessionFact``s, in timetable order) as the engine reads them."""
    institution = training_class.institution
    return ClassFacts(code=training_class.code, name=training_class.name, kind=training_class.kind,
                      start=training_class.start_date, end=training_class.end_date,
                      institution_kind=institution.kind if institution else "",
                      institution_level=institution.level if institution else "", sessions=tuple(sessions))


def class_facts(training_class: TrainingClass) -> ClassFacts:
    rows = (ClassSession.objects.filter(training_class=training_class).order_by("date", "slot_order", "slot")
            .values_list(*SESSION_FIELDS))
    return facts_of(training_class, (_fact(r) for r in rows))


def judge(plan: Plan, facts: ClassFacts, as_of: date, *, include_not_applicable: bool = False) -> list[Verdict]:
    """Every class indicator of ``plan`` for one class's facts."""
    results = []
    for ind in plan.of_subject("class"):
        span = ind.window.rule.class_span(facts, as_of)
        if ind.applies_to(facts):
            results.append(ind.evaluate(span, facts, subject=facts.code, subject_name=facts.name))
        elif include_not_applicable:
            results.append(Verdict.not_applicable(ind, span, subject_type="class", subject=facts.code,
                                                  subject_name=facts.name))
    return results


def class_verdicts(plan: Plan, as_of: date, classes: QuerySet[TrainingClass], *,
                   include_not_applicable: bool = False) -> list[Verdict]:
    """The class indicators of ``plan`` for every class of ``classes``, in class-code order."""
    if not plan.of_subject("class"):
        return []
    # the columns the check reads, not the classes as objects: a city's 1,500 classes and their institutions
    # as model instances (every timestamp parsed) were a third of the check
    classes = list(classes.order_by("code").values_list(*CLASS_FIELDS))
    slots: dict[int, list[SessionFact]] = defaultdict(list)
    ids = [c[0] for c in classes]
    for start in range(0, len(ids), 1000):
        rows = (ClassSession.objects.filter(training_class_id__in=ids[start:start + 1000])
                .order_by("training_class_id", "date", "slot_order", "slot").values_list(*SESSION_FIELDS))
        for row in rows:
            slots[row[0]].append(_fact(row))
    results: list[Verdict] = []
    for pk, code, name, kind, first, last, institution_kind, institution_level in classes:
        facts = ClassFacts(code=code, name=name, kind=kind, start=first, end=last,
                           institution_kind=institution_kind or "", institution_level=institution_level or "",
                           sessions=tuple(slots.get(pk, ())))
        results += judge(plan, facts, as_of, include_not_applicable=include_not_applicable)
    return results


def classes_under_plan(user, plan: Plan, *, org_code: str | None = None) -> QuerySet[TrainingClass]:
    """The classes ``user`` sees, narrowed to an org subtree (as organiser or as the host institution's owner).

    Every class in scope is judged, whatever its dates: a class indicator reads the timetable, not a window of
    the plan, and a department checks next term's classes against the plan it chooses."""
    classes = classes_visible_to(user)
    if org_code:
        org = access_org(user, org_code)
        classes = classes.filter(organiser__path__startswith=org.path) | classes.filter(
            institution__owner_org__path__startswith=org.path)
    return classes.distinct()


def compliance_of_classes(user, plan: Plan, as_of: date, *, org_code: str | None = None,
                          include_not_applicable: bool = False) -> list[Verdict]:
    return class_verdicts(plan, as_of, classes_under_plan(user, plan, org_code=org_code),
                          include_not_applicable=include_not_applicable)


def plan_for_class(training_class: TrainingClass, plan_id: str | None = None, *,
                   plans: list[Plan] | None = None) -> Plan:
    """The plan a class is checked against: the one asked for, else the organiser's current plan on its first day
    (``PlanFileError`` for an unknown id; ``plans``: the published plans, when read already)."""
    if plan_id:
        return load_plan(plan_id)
    plan = current_plan(training_class.start_date, training_class.organiser, plans=plans)
    return plan if plan is not None else load_plan("henan-2019-2022")


def plans_for_classes(classes) -> dict[int, Plan]:
    """``plan_for_class`` for each class of a list page: the published plans read once, each (organiser, first day)
    looked up once (a page's classes share a few)."""
    plans, chosen, out = all_plans(), {}, {}
    for tc in classes:
        key = (tc.organiser_id, tc.start_date)
        if key not in chosen:
            chosen[key] = plan_for_class(tc, plans=plans)
        out[tc.pk] = chosen[key]
    return out


def check_summary(verdicts: list[Verdict]) -> dict:
    judged = [v for v in verdicts if v.verdict != NOT_APPLICABLE]
    passed = sum(1 for v in judged if v.verdict == MET)
    return {"judged": len(judged), "met": passed, "unmet": len(judged) - passed, "ok": passed == len(judged)}


register_subject(SubjectSource(key="class", option="classes", label="班次", verdicts=compliance_of_classes))
