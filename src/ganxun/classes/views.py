"""The class pages: the list, a class (timetable with its live checks, trainees, history), the forms.

Every view reads through ``selectors`` (the data scope; a class outside it is 404) and writes through one
service. The timetable editor answers htmx requests with the timetable and the checks re-rendered, so a user
sees at once which indicator a change fixed or broke.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganxun.cadres.selectors import all_cadres_unscoped
from ganxun.classes.checks import (check_summary, class_facts, class_verdicts, judge, plan_for_class,
                                   plans_for_classes)
from ganxun.classes.forms import ClassForm, SessionForm
from ganxun.classes.models import EnrolmentStatus, TrainingClass
from ganxun.classes import running_views
from ganxun.classes.selectors import (STATE_LABELS, ClassFilter, access_class, can_write_classes, candidates,
                                      class_figures, class_history, classes_by_id, classes_filtered, enrolments_visible,
                                      may_read_documents, may_write_class, progress_of, sessions_of, state_of)
from ganxun.classes.services import (class_save, enrol, enrolment_set_status, places_taken, revoke_completion,
                                     session_delete, session_save)
from ganxun.core.choices import ClassKind, ContentCategory, TeachingMethod
from ganxun.core.errors import DomainError
from ganxun.core.roles import Role, role_of
from ganxun.orgs.models import Org, OrgType
from ganxun.orgs.selectors import orgs_visible_to
from ganxun.plans import catalog
from ganxun.plans.rules import VERDICT_LABELS
from ganxun.plans.spec import PlanFileError
from ganxun.resources.selectors import institutions_visible_to
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import attach_errors
from ganxun.web.paging import page_by_ids
from ganxun.web.tables import Column

LIST_COLUMNS = [Column(label) for label in ("班次编码", "班次名称", "类型", "承办机构", "起止日期", "学时", "学员",
                                            "课表检查", "状态")]
FORM_FIELDS = {"organiser": "organiser", "institution": "institution"}


def _today() -> date:
    return timezone.localdate()


def _filter_from(request) -> ClassFilter:
    g = request.GET
    return ClassFilter(q=g.get("q", "").strip(), year=g.get("year", ""), kind=g.get("kind", ""),
                       institution=g.get("institution", ""), state=g.get("state", ""))


def _checks_by_class(classes) -> dict[int, dict]:
    """The check summary of each class against its own default plan (grouped, one evaluation per plan)."""
    by_plan: dict[tuple, list] = {}
    plans = plans_for_classes(classes)
    for tc in classes:
        plan = plans[tc.pk]
        by_plan.setdefault((plan.id, plan.version), [plan, []])[1].append(tc)
    out = {}
    for plan, group in by_plan.values():
        verdicts = class_verdicts(plan, _today(), TrainingClass.objects.filter(pk__in=[c.pk for c in group]))
        for tc in group:
            out[tc.pk] = check_summary([v for v in verdicts if v.subject == tc.code]) | {"plan": plan}
    return out


@scoped_view
def class_list(request):
    flt = _filter_from(request)
    today = _today()
    qs = classes_filtered(request.user, flt, today)
    # the scope (classes attended by the scope's cadres) reads the enrolments: once per page, not for the count too
    page = page_by_ids(request, qs, classes_by_id)
    items = page.object_list
    figures = class_figures([c.pk for c in items])
    checks = _checks_by_class(items)
    rows = [{"c": c, "f": figures[c.pk], "check": checks.get(c.pk), "state": state_of(c, today),
             "state_label": STATE_LABELS[state_of(c, today)], "editable": may_write_class(request.user, c)}
            for c in items]
    years = sorted({today.year + 1, *range(today.year - 5, today.year + 1)}, reverse=True)
    return render(request, "classes/list.html", {
        "page": page, "rows": rows, "flt": flt, "columns": LIST_COLUMNS, "kinds": ClassKind.choices,
        "states": list(STATE_LABELS.items()), "years": years, "query": request.GET.urlencode(),
        "institutions": institutions_visible_to(request.user), "can_write": can_write_classes(request.user)
        and role_of(request.user) in (Role.ORG_ADMIN, Role.INSTITUTION, Role.SUPERUSER),
        "filtered": any(vars(flt).values()),
    })


# ---- the class form ------------------------------------------------------------------------------------------

def _organisers(user):
    """Orgs a user may name as organiser: an org department's own scope (departments first); for an institution's
    staff the organisation departments (who commission their classes)."""
    if role_of(user) == Role.INSTITUTION:
        return Org.objects.filter(org_type=OrgType.ORG_DEPARTMENT).order_by("path")
    orgs = orgs_visible_to(user)
    departments = list(orgs.filter(org_type=OrgType.ORG_DEPARTMENT).order_by("path")[:300])
    return departments + list(orgs.exclude(org_type=OrgType.ORG_DEPARTMENT).order_by("path")[:300])


def _institutions_for_form(user):
    return institutions_visible_to(user)


def _values(form, user) -> dict:
    d = form.cleaned_data
    organiser = next((o for o in _organisers(user) if o.code == d["organiser"]), None)
    institution = institutions_visible_to(user).filter(code=d["institution"]).first() if d.get("institution") else None
    return {"code": d.get("code"), "name": d["name"].strip(), "kind": d["kind"], "organiser": organiser,
            "institution": institution, "start_date": d["start_date"], "end_date": d["end_date"],
            "full_time": d["full_time"], "is_system_training": d["is_system_training"],
            "content_category": d["content_category"], "quota": d["quota"], "audience": d["audience"].strip(),
            "description": d["description"].strip(),
            "completion_threshold": (d["completion_threshold"] / 100).quantize(Decimal("0.001"))}


def _form_page(request, form, tc=None):
    return render(request, "classes/form.html", {"form": form, "tc": tc})


@scoped_view
def class_new(request):
    user = request.user
    if not can_write_classes(user) or role_of(user) not in (Role.ORG_ADMIN, Role.INSTITUTION, Role.SUPERUSER):
        raise Http404("无权新建班次")
    initial = {"full_time": True, "completion_threshold": Decimal("90"), "kind": ClassKind.CORE}
    if user.scope_org_id:
        initial["organiser"] = user.scope_org.code
    if user.institution_code:
        initial["institution"] = user.institution_code
    form = ClassForm(request.POST or None, organisers=_organisers(user), institutions=_institutions_for_form(user),
                     initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tc = class_save(acting_user=user, values=_values(form, user))
        except DomainError as exc:
            attach_errors(form, exc, FORM_FIELDS)
        else:
            messages.success(request, f"已新建班次「{tc.name}」，下一步：编排课表")
            return redirect("classes:detail", tc.code)
    return _form_page(request, form)


@scoped_view
def class_edit(request, code):
    tc = access_class(request.user, code)
    if not may_write_class(request.user, tc):
        raise Http404("无权修改该班次")
    initial = {"code": tc.code, "name": tc.name, "kind": tc.kind, "organiser": tc.organiser.code,
               "institution": tc.institution.code if tc.institution_id else "", "start_date": tc.start_date,
               "end_date": tc.end_date, "full_time": tc.full_time, "is_system_training": tc.is_system_training,
               "content_category": tc.content_category, "quota": tc.quota, "audience": tc.audience,
               "description": tc.description, "completion_threshold": tc.completion_threshold * 100}
    organisers = list(_organisers(request.user))
    if tc.organiser not in organisers:
        organisers.insert(0, tc.organiser)
    form = ClassForm(request.POST or None, organisers=organisers, institutions=_institutions_for_form(request.user),
                     initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        values = _values(form, request.user)
        values.pop("code")
        if values["organiser"] is None and form.cleaned_data["organiser"] == tc.organiser.code:
            values["organiser"] = tc.organiser
        try:
            class_save(acting_user=request.user, values=values, code=code)
        except DomainError as exc:
            attach_errors(form, exc, FORM_FIELDS)
        else:
            messages.success(request, "已保存")
            return redirect("classes:detail", code)
    return _form_page(request, form, tc)


# ---- a class -------------------------------------------------------------------------------------------------

def _plan_choice(request, tc):
    """The plan the checks use: ``?plan=`` (any published plan), else the organiser's plan on the first day."""
    try:
        return plan_for_class(tc, request.GET.get("plan") or request.POST.get("plan") or None)
    except PlanFileError:
        return plan_for_class(tc)


def _timetable_context(request, tc, form=None, editing=None) -> dict:
    plan = _plan_choice(request, tc)
    verdicts = judge(plan, class_facts(tc), _today(), include_not_applicable=True)
    sessions = list(sessions_of(tc))
    total = sum((s.hours for s in sessions), Decimal("0"))
    courses = sorted({s.course_name for s in sessions})
    teachers = sorted({s.teacher_name for s in sessions if s.teacher_name})
    days = {}
    for s in sessions:
        days.setdefault(s.date, []).append(s)
    next_day = sessions[-1].date if sessions else tc.start_date
    library_courses, library_teachers = [], []
    if tc.institution_id:
        from ganxun.resources.models import Course, Teacher, TeacherStatus

        library_courses = list(Course.objects.filter(institution_id=tc.institution_id).order_by("name")[:500])
        library_teachers = list(Teacher.objects.filter(institution_id=tc.institution_id).exclude(
            status=TeacherStatus.EXITED).order_by("name")[:500])
    return {
        "library_courses": library_courses, "library_teachers": library_teachers,
        "tc": tc, "plan": plan, "plans": catalog.all_plans(), "verdicts": verdicts, "summary": check_summary(verdicts),
        "verdict_labels": VERDICT_LABELS, "sessions": sessions, "days": sorted(days.items()), "total_hours": total,
        "courses": courses, "teachers": teachers, "editable": may_write_class(request.user, tc) and not tc.is_closed,
        "form": form or SessionForm(initial={"date": next_day, "method": TeachingMethod.LECTURE, "hours": 3}),
        "editing": editing, "slots": ("上午", "下午", "晚上"),
    }


@scoped_view
def class_detail(request, code):
    tc = access_class(request.user, code)
    tab = request.GET.get("tab", "timetable")
    context = {"tc": tc, "tab": tab, "may_documents": may_read_documents(request.user, tc), "state": STATE_LABELS[state_of(tc, _today())],
               "can_edit": may_write_class(request.user, tc), "figures": class_figures([tc.pk])[tc.pk],
               "kind_label": ClassKind(tc.kind).label,
               "category_label": ContentCategory(tc.content_category).label if tc.content_category else "—"}
    if tab == "trainees":
        enrolments = list(enrolments_visible(request.user, tc))
        progress = progress_of(tc, _today())
        context.update(enrolments=[{"e": e, "masked": e.cadre.id_number_masked, "p": progress.get(e.pk)}
                                   for e in enrolments],
                       taken=places_taken(tc), statuses=EnrolmentStatus, query=request.GET.get("q", ""),
                       found=candidates(request.user, tc, request.GET.get("q", ""))
                       if role_of(request.user) != Role.INSTITUTION else [],
                       by_code=role_of(request.user) == Role.INSTITUTION)
    elif tab == "history":
        context["history"] = list(class_history(request.user, code)[:100])
    elif tab == "attendance":
        context.update(running_views.attendance_context(request, tc))
    elif tab == "leave":
        context.update(running_views.leave_context(request, tc))
    elif tab == "assessment":
        context.update(running_views.assessment_context(request, tc))
    elif tab == "closing" and may_read_documents(request.user, tc):
        context.update(running_views.closing_context(request, tc))
    else:
        tab = context["tab"] = "timetable"
        context.update(_timetable_context(request, tc))
    return render(request, "classes/detail.html", context)


def _timetable_response(request, tc, form=None, editing=None):
    context = _timetable_context(request, tc, form, editing)
    if request.htmx:
        return render(request, "classes/_timetable.html", {**context, "oob": True})
    return redirect(reverse("classes:detail", args=[tc.code]) + f"?plan={context['plan'].id}")


@scoped_view
def class_checks(request, code):
    """The checks panel alone (the plan picker asks for it)."""
    tc = access_class(request.user, code)
    return render(request, "classes/_timetable.html", _timetable_context(request, tc))


def _session_values(form) -> dict:
    d = form.cleaned_data
    return {"date": d["date"], "slot": d["slot"], "course_name": d["course_name"].strip(),
            "teacher_name": d["teacher_name"].strip(), "teacher_kind": d["teacher_kind"],
            "content_category": d["content_category"], "method": d["method"], "hours": d["hours"],
            "is_party_spirit_analysis": d["is_party_spirit_analysis"]}


@scoped_view
@require_POST
def session_add(request, code):
    tc = access_class(request.user, code)
    form = SessionForm(request.POST)
    session_id = request.POST.get("session_id")
    if form.is_valid():
        try:
            session_save(acting_user=request.user, class_code=code, values=_session_values(form),
                         session_id=int(session_id) if session_id and session_id.isdigit() else None)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            tc = access_class(request.user, code)
            if not request.htmx:
                messages.success(request, "已保存课表")
            nxt = SessionForm(initial={"date": form.cleaned_data["date"], "slot": "", "hours": form.cleaned_data["hours"],
                                       "method": TeachingMethod.LECTURE,
                                       "content_category": form.cleaned_data["content_category"]})
            return _timetable_response(request, tc, nxt)
    return _timetable_response(request, tc, form, editing=int(session_id) if session_id and session_id.isdigit()
                               else None) if request.htmx else _invalid_page(request, tc, form)


def _invalid_page(request, tc, form):
    context = {"tc": tc, "tab": "timetable", "state": STATE_LABELS[state_of(tc, _today())],
               "can_edit": may_write_class(request.user, tc), "figures": class_figures([tc.pk])[tc.pk],
               "kind_label": ClassKind(tc.kind).label,
               "category_label": ContentCategory(tc.content_category).label if tc.content_category else "—"}
    context.update(_timetable_context(request, tc, form))
    return render(request, "classes/detail.html", context, status=400)


@scoped_view
def session_edit(request, code, session_id):
    tc = access_class(request.user, code)
    session = tc.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404("课表中没有这节课")
    form = SessionForm(initial={f: getattr(session, f) for f in ("date", "slot", "course_name", "teacher_name",
                                                                  "teacher_kind", "content_category", "method",
                                                                  "hours", "is_party_spirit_analysis")})
    context = _timetable_context(request, tc, form, editing=session.pk)
    return render(request, "classes/_timetable.html" if request.htmx else "classes/detail.html",
                  {**context, "tab": "timetable", "state": STATE_LABELS[state_of(tc, _today())],
                   "can_edit": may_write_class(request.user, tc), "figures": class_figures([tc.pk])[tc.pk],
                   "kind_label": ClassKind(tc.kind).label})


@scoped_view
@require_POST
def session_remove(request, code, session_id):
    tc = access_class(request.user, code)
    try:
        session_delete(acting_user=request.user, class_code=code, session_id=session_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _timetable_response(request, tc)


# ---- trainees ------------------------------------------------------------------------------------------------

@scoped_view
@require_POST
def enrol_view(request, code):
    tc = access_class(request.user, code)
    back = reverse("classes:detail", args=[code]) + "?tab=trainees"
    if role_of(request.user) == Role.INSTITUTION:
        # an institution has no registry: it names a trainee by 人员编码 and 姓名, which must agree
        person_code, name = request.POST.get("person_code", "").strip(), request.POST.get("name", "").strip()
        cadre = all_cadres_unscoped().filter(person_code=person_code).first() if person_code else None
        if cadre is None or cadre.name != name:
            messages.error(request, "人员编码与姓名不匹配，请核对（须与干部名册一致）")
            return redirect(back)
        cadres = [cadre]
    else:
        from ganxun.cadres.selectors import cadres_visible_to

        codes = request.POST.getlist("person")
        cadres = list(cadres_visible_to(request.user).filter(person_code__in=codes))
        if not cadres:
            messages.error(request, "请先勾选要报名的干部")
            return redirect(back + f"&q={request.POST.get('q', '')}")
    try:
        result = enrol(acting_user=request.user, class_code=tc.code, cadres=cadres)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        parts = []
        if result.enrolled:
            parts.append(f"报名 {len(result.enrolled)} 人")
        if result.waitlisted:
            parts.append(f"名额已满，{len(result.waitlisted)} 人列入候补")
        if result.already:
            parts.append(f"{len(result.already)} 人已在名单中")
        messages.success(request, "；".join(parts))
    return redirect(back)


@scoped_view
@require_POST
def enrolment_action(request, code):
    tc = access_class(request.user, code)
    ids = [int(i) for i in request.POST.getlist("enrolment") if i.isdigit()]
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    back = reverse("classes:detail", args=[code]) + "?tab=trainees"
    if not ids:
        messages.error(request, "请先勾选学员")
        return redirect(back)
    try:
        if action == "revoke":
            n = revoke_completion(acting_user=request.user, class_code=tc.code, enrolment_ids=ids, reason=reason)
            messages.success(request, f"已取消 {n} 人的结业，学时记录已冲销")
        else:
            status = {"withdraw": EnrolmentStatus.WITHDRAWN, "cancel": EnrolmentStatus.CANCELLED,
                      "admit": EnrolmentStatus.ENROLLED}.get(action)
            if status is None:
                raise DomainError("未知的操作", code="invalid")
            n = enrolment_set_status(acting_user=request.user, class_code=tc.code, enrolment_ids=ids, status=status,
                                     reason=reason)
            messages.success(request, f"已将 {n} 人设为「{EnrolmentStatus(status).label}」")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)


# ---- exports -------------------------------------------------------------------------------------------------

def _xlsx(content: bytes, filename: str) -> HttpResponse:
    from ganxun.core.xlsx import xlsx_response

    return xlsx_response(content, filename)


@scoped_view
def class_export(request):
    from ganxun.classes.exporters import export_classes

    flt = _filter_from(request)
    content, _ = export_classes(acting_user=request.user, classes=classes_filtered(request.user, flt, _today()))
    return _xlsx(content, f"培训班次_{_today():%Y%m%d}.xlsx")


@scoped_view
def roster_export(request, code):
    from ganxun.classes.exporters import export_enrolments

    tc = access_class(request.user, code)
    content, _ = export_enrolments(acting_user=request.user, classes=[tc])
    return _xlsx(content, f"{tc.name}_学员名单.xlsx")


@scoped_view
def attendance_export(request, code):
    from ganxun.classes.exporters import export_attendance_grid

    tc = access_class(request.user, code)
    content, _ = export_attendance_grid(acting_user=request.user, training_class=tc, today=_today())
    return _xlsx(content, f"{tc.name}_考勤.xlsx")


@scoped_view
def timetable_pdf(request, code):
    """The printable timetable (课表), A4, by day."""
    from django.template.loader import render_to_string

    from ganxun.web.pdf import html_to_pdf

    tc = access_class(request.user, code)
    sessions = list(sessions_of(tc))
    days: dict = {}
    for s in sessions:
        days.setdefault(s.date, []).append(s)
    html = render_to_string("classes/timetable_pdf.html", {
        "tc": tc, "sessions": sessions, "days": sorted(days.items()), "printed": timezone.localtime(),
        "total_hours": sum((s.hours for s in sessions), Decimal("0"))})
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    from urllib.parse import quote

    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(tc.name + '_课表.pdf')}"
    return response


@scoped_view
def timetable_export(request, code):
    from ganxun.classes.exporters import export_sessions

    tc = access_class(request.user, code)
    content, _ = export_sessions(acting_user=request.user, classes=[tc])
    return _xlsx(content, f"{tc.name}_课表.xlsx")




# ---- an institution's year ---------------------------------------------------------------------------------

@scoped_view
def institution_year(request):
    """机构年度: an institution's core classes of a year against the plan's class indicators, pooled; its teachers'
    workload and leader-taught hours; the resource rules (五(二)) where the plan has them."""
    from ganxun.classes.year import year_view

    user = request.user
    institutions = list(institutions_visible_to(user).filter(kind__in=("party_school", "cadre_college",
                                                                       "socialist_college"))[:300]) or list(
        institutions_visible_to(user)[:300])
    if not institutions:
        raise Http404("没有可查看的培训机构")
    code = request.GET.get("institution") or (user.institution_code or institutions[0].code)
    today = _today()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= today.year + 1 else today.year
    institution = next((i for i in institutions if i.code == code), None) or institutions_visible_to(user).filter(
        code=code).first()
    if institution is None:
        raise Http404("培训机构不存在或不在您的查看范围内")
    plan_id = request.GET.get("plan", "")
    try:
        plan = catalog.load_plan(plan_id) if plan_id else (
            catalog.current_plan(date(year, 12, 31), institution.owner_org) or catalog.load_plan("henan-2019-2022"))
    except PlanFileError:
        plan = catalog.load_plan("henan-2019-2022")
    view = year_view(user, institution.code, year, plan, today=today)
    return render(request, "classes/year.html", {
        "view": view, "institutions": institutions, "years": list(range(today.year + 1, today.year - 8, -1)),
        "plans": catalog.all_plans(), "verdict_labels": VERDICT_LABELS,
        "indicator_codes": [p.code for p in view.pooled]})
