"""Reads of the classes (班次) users see; the data scope is applied here.

Who sees which class:

- a superuser (and the operator at the command line) every class;
- organisation-department staff, a unit's personnel office and leaders the classes organised by an org in
  their scope, run by an institution owned in their scope, or attended by a cadre of their scope (a unit
  sees the classes its cadres are in: their trainees' standing, 到课率 and assessments);
- a training institution's staff the classes run at their institution;
- a cadre the classes they are enrolled in.

Who may change a class: organisation-department staff whose scope holds the organiser, and the staff of the
host institution. One object is fetched with ``access_class``: ``NotFound`` when missing or outside, alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from ganxun.classes.models import Certificate, ClassSession, Enrolment, TrainingClass
from ganxun.core.errors import NotFound
from ganxun.core.roles import OPERATOR_ROLE, Role, role_of
from ganxun.orgs.selectors import institution_in_scope, institution_q, org_in_scope, path_q, scope_of

NOT_FOUND = "班次不存在或不在您的查看范围内"
CLASS_WRITERS = frozenset({Role.ORG_ADMIN, Role.INSTITUTION, Role.SUPERUSER, OPERATOR_ROLE})


def visible_q(user) -> Q:
    """The classes ``user`` sees, as one filter on ``TrainingClass``."""
    scope = scope_of(user)
    if scope.everything:
        return Q()
    if scope.person_id is not None:
        return Q(Exists(Enrolment.objects.filter(training_class=OuterRef("pk"), cadre_id=scope.person_id)))
    if scope.institution_codes:
        return institution_q(scope, "institution__code")
    if not scope.paths:
        return Q(pk__in=[])
    trainees = Enrolment.objects.filter(path_q(scope, "cadre__org__path"), training_class=OuterRef("pk"))
    return path_q(scope, "organiser__path") | path_q(scope, "institution__owner_org__path") | Q(Exists(trainees))


def classes_visible_to(user) -> QuerySet[TrainingClass]:
    return (TrainingClass.objects.filter(visible_q(user)).select_related("organiser", "institution")
            .order_by("-start_date", "code"))


def classes_by_id(ids: list[int]) -> dict[int, TrainingClass]:
    """Classes by id, as a list page shows them, for ids a scoped query (``classes_visible_to``) has chosen."""
    return TrainingClass.objects.select_related("organiser", "institution").in_bulk(ids)


def access_class(user, code: str) -> TrainingClass:
    training_class = classes_visible_to(user).filter(code=code).first()
    if training_class is None:
        raise NotFound(NOT_FOUND)
    return training_class


def all_classes_unscoped() -> QuerySet[TrainingClass]:
    """Every class, for imports' lookups and operator commands only. Never for a user's page."""
    return TrainingClass.objects.all()


def can_write_classes(user) -> bool:
    """Whether the role may run classes at all (its scope then says which)."""
    return role_of(user) in CLASS_WRITERS


def may_write_class(user, training_class: TrainingClass) -> bool:
    """Organisation-department staff whose scope holds the organiser; the host institution's staff."""
    if not can_write_classes(user):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.institution_codes:
        return training_class.institution is not None and institution_in_scope(scope, training_class.institution.code)
    return role_of(user) == Role.ORG_ADMIN and org_in_scope(scope, training_class.organiser)


def may_read_documents(user, training_class: TrainingClass) -> bool:
    """The closing documents (the sign-in sheet lists every trainee): the class's staff, and the organiser's
    department and those above it; not a unit that only sends trainees."""
    if may_write_class(user, training_class):
        return True
    scope = scope_of(user)
    return scope.everything or (bool(scope.paths) and role_of(user) in (Role.ORG_ADMIN, Role.LEADER)
                                and org_in_scope(scope, training_class.organiser))


def sessions_of(training_class: TrainingClass) -> QuerySet[ClassSession]:
    return training_class.sessions.order_by("date", "slot_order", "slot")


def enrolments_visible(user, training_class: TrainingClass) -> QuerySet[Enrolment]:
    """The trainees of a class ``user`` sees: all of them for whoever runs or organises it, a unit's own cadres
    for a unit that only sends trainees, one's own enrolment for a cadre."""
    qs = training_class.enrolments.select_related("cadre", "cadre__org").order_by("enrolled_at", "id")
    scope = scope_of(user)
    if scope.everything or may_write_class(user, training_class):
        return qs
    if scope.person_id is not None:
        return qs.filter(cadre_id=scope.person_id)
    if scope.institution_codes:
        return qs if training_class.institution and institution_in_scope(
            scope, training_class.institution.code) else qs.none()
    if org_in_scope(scope, training_class.organiser) or (
            training_class.institution and training_class.institution.owner_org
            and org_in_scope(scope, training_class.institution.owner_org)):
        return qs
    return qs.filter(path_q(scope, "cadre__org__path"))


# ---- 结业证书 --------------------------------------------------------------------------------------------------

CERTIFICATE_NOT_FOUND = "结业证书不存在或不在您的查看范围内"


def certificate_visible(user, class_code: str, number: str) -> Certificate:
    """One certificate of a class, for whoever sees its holder in the class (``enrolments_visible``: the class's
    staff, the holder's unit, the holder's own login). Revoked ones too: the caller says they are void."""
    tc = access_class(user, class_code)
    certificate = (Certificate.objects.filter(enrolment__in=enrolments_visible(user, tc).values("pk"), number=number)
                   .select_related("enrolment__cadre", "enrolment__training_class").first())
    if certificate is None:
        raise NotFound(CERTIFICATE_NOT_FOUND)
    return certificate


def valid_certificates_of_class(user, class_code: str) -> tuple[TrainingClass, list[Certificate]]:
    """Every valid (not revoked) certificate of a class, by number, for the class's staff only (``may_write_class``);
    anyone else gets the class's 404."""
    tc = access_class(user, class_code)
    if not may_write_class(user, tc):
        raise NotFound(NOT_FOUND)
    return tc, list(Certificate.objects.filter(enrolment__training_class=tc, revoked_at__isnull=True)
                    .select_related("enrolment__cadre").order_by("number"))


def certificate_by_code(code: str) -> Certificate | None:
    """A certificate by its verification code, already normalised (upper case, no dashes). Public: the page shows
    only what is printed on the certificate, the name masked."""
    if len(code) != 16:
        return None
    return Certificate.objects.filter(code=code).first()


# ---- the pages' reads ----------------------------------------------------------------------------------------



@dataclass(frozen=True)
class ClassFilter:
    q: str = ""
    year: str = ""
    kind: str = ""
    institution: str = ""
    state: str = ""     # upcoming 未开班, running 进行中, ended 待结班, closed 已结班


STATE_LABELS = {"upcoming": "未开班", "running": "进行中", "ended": "已结束待结班", "closed": "已结班"}


def state_of(tc: TrainingClass, today: date) -> str:
    if tc.closed_at is not None:
        return "closed"
    if today < tc.start_date:
        return "upcoming"
    return "running" if today <= tc.end_date else "ended"


def classes_filtered(user, flt: ClassFilter, today: date) -> QuerySet[TrainingClass]:
    qs = classes_visible_to(user)
    if flt.q:
        qs = qs.filter(Q(name__contains=flt.q) | Q(code=flt.q))
    if flt.year.isdigit():
        qs = qs.filter(start_date__year=int(flt.year))
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.institution:
        qs = qs.filter(institution__code=flt.institution)
    if flt.state == "closed":
        qs = qs.filter(closed_at__isnull=False)
    elif flt.state == "upcoming":
        qs = qs.filter(closed_at__isnull=True, start_date__gt=today)
    elif flt.state == "running":
        qs = qs.filter(closed_at__isnull=True, start_date__lte=today, end_date__gte=today)
    elif flt.state == "ended":
        qs = qs.filter(closed_at__isnull=True, end_date__lt=today)
    return qs


def class_figures(ids: list[int]) -> dict[int, dict]:
    """Per class: scheduled hours and slots, trainees in their states, completions (for a page of classes)."""
    out: dict[int, dict] = {i: {"hours": 0, "slots": 0, "enrolled": 0, "waitlisted": 0, "completed": 0} for i in ids}
    for row in (ClassSession.objects.filter(training_class_id__in=ids).values("training_class_id")
                .annotate(hours=Sum("hours"), slots=Count("id"))):
        out[row["training_class_id"]].update(hours=row["hours"], slots=row["slots"])
    for row in (Enrolment.objects.filter(training_class_id__in=ids).values("training_class_id", "status", "completed")
                .annotate(n=Count("id"))):
        figures = out[row["training_class_id"]]
        if row["status"] in ("enrolled", "waitlisted"):
            figures[row["status"]] += row["n"]
        if row["completed"]:
            figures["completed"] += row["n"]
    return out


def class_history(user, code: str):
    from ganxun.audit.models import AuditEvent

    tc = access_class(user, code)
    return AuditEvent.objects.filter(subject_type="class", subject_code=tc.code).order_by("-created_at", "-id")


def candidates(user, training_class: TrainingClass, query: str, limit: int = 30):
    """Cadres of the user's scope matching ``query`` (name or 人员编码), with whether each is in the class already."""
    from ganxun.cadres.selectors import cadres_visible_to

    query = query.strip()
    if not query:
        return []
    qs = cadres_visible_to(user).filter(Q(name__contains=query) | Q(person_code=query))[:limit]
    taken = set(training_class.enrolments.filter(status__in=("enrolled", "waitlisted")).values_list("cadre_id",
                                                                                                     flat=True))
    return [(c, c.pk in taken) for c in qs]


# ---- attendance: 到课率 and what can still be reached ----------------------------------------------------------

@dataclass
class TraineeProgress:
    """One trainee's attendance in a class so far (hours), against the class's threshold and the 1/7 leave rule."""

    enrolment_id: int
    total: Decimal                 # the class's scheduled hours
    held: Decimal = Decimal("0")   # hours of the slots already held (up to today)
    attended: Decimal = Decimal("0")
    leave: Decimal = Decimal("0")
    absent: Decimal = Decimal("0")
    unmarked: Decimal = Decimal("0")   # held slots nobody marked
    threshold: Decimal = Decimal("0.9")

    @property
    def rate(self) -> Decimal:
        """到课率 so far: attended hours of the held ones."""
        return self.attended / self.held if self.held else Decimal("0")

    @property
    def final_rate(self) -> Decimal:
        return self.attended / self.total if self.total else Decimal("0")

    @property
    def reachable(self) -> Decimal:
        """The best final rate still possible: every hour not already lost (absent, on leave) attended."""
        return (self.total - self.absent - self.leave) / self.total if self.total else Decimal("0")

    @property
    def cannot_reach(self) -> bool:
        return self.total > 0 and self.reachable < self.threshold

    @property
    def leave_limit(self) -> Decimal:
        """条例 第15条: leave beyond 1/7 of the class's hours withdraws the trainee."""
        return self.total / 7

    @property
    def over_leave(self) -> bool:
        return self.leave > self.leave_limit


def progress_of(training_class: TrainingClass, today: date, enrolment_ids=None) -> dict[int, TraineeProgress]:
    """到课率 of each trainee of the class (in 在读 or 退学 status), from one read of the sessions and one of the marks."""
    from ganxun.classes.models import ATTENDED, Attendance, AttendanceStatus

    sessions = dict(training_class.sessions.values_list("pk", "hours"))
    dates = dict(training_class.sessions.values_list("pk", "date"))
    total = sum(sessions.values(), Decimal("0"))
    # held: the slots of earlier days, and today's once someone has marked them (the day's later slots are not
    # held yet, and a rate of 0% in the morning would be wrong)
    marked_today = set(Attendance.objects.filter(session__training_class=training_class, session__date=today)
                       .values_list("session_id", flat=True).distinct())
    held_ids = {pk for pk, day in dates.items() if day < today or (day == today and pk in marked_today)}
    held = sum((sessions[pk] for pk in held_ids), Decimal("0"))
    enrolments = training_class.enrolments.filter(status__in=("enrolled", "withdrawn"))
    if enrolment_ids is not None:
        enrolments = enrolments.filter(pk__in=list(enrolment_ids))
    out = {pk: TraineeProgress(pk, total, held, threshold=training_class.completion_threshold)
           for pk in enrolments.values_list("pk", flat=True)}
    marked: dict[int, set] = {pk: set() for pk in out}
    rows = Attendance.objects.filter(session__training_class=training_class, enrolment_id__in=list(out)).values_list(
        "enrolment_id", "session_id", "status")
    for enrolment_id, session_id, status in rows:
        p = out[enrolment_id]
        hours = sessions[session_id]
        if status in ATTENDED:
            p.attended += hours
        elif status == AttendanceStatus.LEAVE:
            p.leave += hours
        else:
            p.absent += hours
        if session_id in held_ids:
            marked[enrolment_id].add(session_id)
    for pk, p in out.items():
        p.unmarked = sum((sessions[s] for s in held_ids - marked[pk]), Decimal("0"))
    return out


def attendance_grid(training_class: TrainingClass):
    """The trainees (在读, then 退学) × the slots, with each mark: ``(sessions, rows)`` where a row is
    ``(enrolment, [status or "" per slot])``; for the grid page and its export."""
    from ganxun.classes.models import Attendance

    sessions = list(sessions_of(training_class))
    index = {s.pk: i for i, s in enumerate(sessions)}
    enrolments = list(training_class.enrolments.filter(status__in=("enrolled", "withdrawn"))
                      .select_related("cadre", "cadre__org").order_by("status", "enrolled_at", "id"))
    marks = {e.pk: [""] * len(sessions) for e in enrolments}
    for enrolment_id, session_id, status in Attendance.objects.filter(
            session__training_class=training_class).values_list("enrolment_id", "session_id", "status"):
        if enrolment_id in marks:
            marks[enrolment_id][index[session_id]] = status
    return sessions, [(e, marks[e.pk]) for e in enrolments]


# ---- an institution's day (its staff's home page) --------------------------------------------------------

@dataclass
class InstitutionDay:
    today_sessions: list        # (session, enrolled, signed)
    running: list               # (class, enrolled, rate so far, trainees who can no longer reach the threshold)
    to_close: list              # (class, missing document labels)
    upcoming: list              # (class, enrolled)


def institution_day(user, today: date, *, upcoming_days: int = 30) -> InstitutionDay:
    """What a training institution's staff have to do today: the day's slots and their sign-in, the classes
    running (到课率 so far, trainees already out of reach), the ended ones waiting to close, the next ones."""
    from datetime import timedelta

    from ganxun.classes.models import ATTENDED, Attendance, DocumentKind

    classes = classes_visible_to(user).filter(closed_at__isnull=True)
    enrolled = dict(Enrolment.objects.filter(training_class__in=classes, status="enrolled")
                    .values("training_class_id").annotate(n=Count("id")).values_list("training_class_id", "n"))
    sessions = list(ClassSession.objects.filter(training_class__in=classes, date=today)
                    .select_related("training_class").order_by("slot_order", "slot", "training_class__code"))
    signed = dict(Attendance.objects.filter(session__in=sessions, status__in=ATTENDED).values("session_id")
                  .annotate(n=Count("id")).values_list("session_id", "n"))
    today_rows = [(s, enrolled.get(s.training_class_id, 0), signed.get(s.pk, 0)) for s in sessions]
    running = []
    for tc in classes.filter(start_date__lte=today, end_date__gte=today).order_by("start_date", "code"):
        progress = progress_of(tc, today)
        held = [p for p in progress.values() if p.held]
        attended = sum((p.attended for p in held), Decimal("0"))
        possible = sum((p.held for p in held), Decimal("0"))
        running.append((tc, enrolled.get(tc.pk, 0), attended / possible if possible else None,
                        sum(1 for p in progress.values() if p.cannot_reach)))
    to_close = []
    for tc in classes.filter(end_date__lt=today).order_by("end_date", "code")[:50]:
        kinds = set(tc.documents.values_list("kind", flat=True))
        to_close.append((tc, [label for k, label in DocumentKind.choices if k not in kinds]))
    upcoming = [(tc, enrolled.get(tc.pk, 0)) for tc in classes.filter(
        start_date__gt=today, start_date__lte=today + timedelta(days=upcoming_days)).order_by("start_date", "code")]
    return InstitutionDay(today_rows, running, to_close, upcoming)
