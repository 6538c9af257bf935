"""Classes in the API: the classes, their timetables and trainees (read), enrolment and timetable writes for
systems with a token and the right, and ``GET /api/v1/classes/{class_code}/compliance`` (interfaces.md).

Every endpoint applies the caller's data scope; a class outside it answers 404 like one that does not exist.
"""


from datetime import date
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from ganxun.core.apierrors import READ, WRITE, answers
from ganxun.api.pagination import Pages
from ganxun.api.types import BoundedDate, Count, Year
from ganxun.cadres.selectors import access_cadre, all_cadres_unscoped
from ganxun.classes.checks import judge, class_facts, plan_for_class
from ganxun.classes.models import EnrolmentStatus
from ganxun.classes.selectors import access_class, classes_visible_to, enrolments_visible, sessions_of
from ganxun.classes.services import class_save, enrol, session_save
from ganxun.core.choices import ClassKind, ContentCategory, TeacherKind, TeachingMethod
from ganxun.core.errors import DomainError, NotFound
from ganxun.core.roles import Role, role_of
from ganxun.plans.spec import PlanFileError

router = Router(tags=["培训班次"])


class ClassOut(Schema):
    code: str = Field(description="班次编码")
    name: str = Field(description="班次名称")
    kind: str = Field(description="班次类型：core 主体班、thematic 专题班 …")
    kind_label: str
    organiser_code: str = Field(description="主办单位编码")
    institution_code: str | None = Field(None, description="承办机构编码")
    start_date: date
    end_date: date
    days: int
    full_time: bool = Field(description="脱产")
    is_system_training: bool = Field(description="系统理论教育和严格党性教育")
    content_category: str
    quota: int | None = Field(None, description="名额；空为不限")
    closed: bool = Field(description="已结班")

    @staticmethod
    def resolve_kind_label(obj):
        return ClassKind(obj.kind).label

    @staticmethod
    def resolve_organiser_code(obj):
        return obj.organiser.code

    @staticmethod
    def resolve_institution_code(obj):
        return obj.institution.code if obj.institution_id else None

    @staticmethod
    def resolve_closed(obj):
        return obj.is_closed


class ClassIn(Schema):
    name: str
    kind: str = Field(description="、".join(f"{k} {v}" for k, v in ClassKind.choices))
    organiser_code: str = Field(description="主办单位编码")
    institution_code: str | None = Field(None, description="承办机构编码")
    start_date: BoundedDate
    end_date: BoundedDate
    full_time: bool = True
    is_system_training: bool = False
    content_category: str = ""
    quota: Count | None = None
    audience: str = ""


class ClassCreateIn(ClassIn):
    code: str = Field(description="班次编码")


class SessionOut(Schema):
    id: int
    date: date
    slot: str = Field(description="节次")
    course_name: str
    teacher_name: str
    teacher_kind: str
    content_category: str
    method: str
    hours: Decimal
    is_party_spirit_analysis: bool


class SessionIn(Schema):
    date: BoundedDate
    slot: str = Field(description="节次：上午、下午、晚上或 1、2、3 …")
    course_name: str
    teacher_name: str = ""
    teacher_kind: str = Field("", description="、".join(f"{k} {v}" for k, v in TeacherKind.choices))
    content_category: str = Field(description="、".join(f"{k} {v}" for k, v in ContentCategory.choices))
    method: str = Field("lecture", description="、".join(f"{k} {v}" for k, v in TeachingMethod.choices))
    hours: Decimal
    is_party_spirit_analysis: bool = False


class EnrolmentOut(Schema):
    person_code: str
    name: str
    id_number: str = Field(description="身份证号（脱敏）")
    org_code: str
    status: str = Field(description="enrolled 在读、waitlisted 候补、withdrawn 退学、cancelled 已取消报名")
    completed: bool


class EnrolIn(Schema):
    person_codes: list[str] = Field(..., min_length=1, max_length=500, description="人员编码")


class EnrolOut(Schema):
    enrolled: list[str]
    waitlisted: list[str]
    already: list[str]


class ClassFilterIn(Schema):
    q: str = Field("", description="班次名称（包含）或班次编码")
    year: Year | None = Field(None, description="开班年度")
    kind: str = Field("", description="班次类型，如 core")
    institution: str = Field("", description="承办机构编码")


class ClassComplianceQuery(Schema):
    plan: str = Field("", description="规划编号；不填则按主办单位开班时适用的规划")
    as_of: BoundedDate = Field(default_factory=date.today, description="评估日期，默认今天（1950-01-01 至 2100-12-31）")


class ClassVerdictOut(Schema):
    subject_type: str
    subject: str
    indicator: str
    verdict: str
    required: dict
    actual: dict
    window: list[str]
    gap: dict
    evidence: list[str]
    advice: str = Field("", description="未达标时：课表怎样调整才能达标")


class ClassComplianceOut(Schema):
    plan: str
    plan_version: int
    as_of: date
    results: list[ClassVerdictOut]


@router.get("", response=answers(list[ClassOut], *READ), summary="培训班次列表")
@paginate(Pages)
def list_classes(request, filters: Query[ClassFilterIn]):
    qs = classes_visible_to(request.auth)
    if filters.q:
        qs = qs.filter(name__contains=filters.q) | qs.filter(code=filters.q)
    if filters.year:
        qs = qs.filter(start_date__year=filters.year)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.institution:
        qs = qs.filter(institution__code=filters.institution)
    return qs


def _class_values(user, payload: ClassIn) -> dict:
    from ganxun.orgs.models import Org
    from ganxun.orgs.selectors import orgs_visible_to
    from ganxun.resources.selectors import institutions_visible_to

    orgs = Org.objects.all() if role_of(user) == Role.INSTITUTION else orgs_visible_to(user)
    organiser = orgs.filter(code=payload.organiser_code).first()
    if organiser is None:
        raise DomainError(f"主办单位编码 {payload.organiser_code} 不存在或不在您的管理范围内", code="invalid",
                          extra={"fields": {"organiser_code": "不存在"}})
    institution = None
    if payload.institution_code:
        institution = institutions_visible_to(user).filter(code=payload.institution_code).first()
        if institution is None:
            raise DomainError(f"承办机构编码 {payload.institution_code} 不存在或不在您的查看范围内", code="invalid",
                              extra={"fields": {"institution_code": "不存在"}})
    return {"name": payload.name, "kind": payload.kind, "organiser": organiser, "institution": institution,
            "start_date": payload.start_date, "end_date": payload.end_date, "full_time": payload.full_time,
            "is_system_training": payload.is_system_training, "content_category": payload.content_category,
            "quota": payload.quota, "audience": payload.audience}


@router.post("", response=answers(ClassOut, *WRITE, status=201), summary="新建班次（主办单位所在组织部门或承办机构）")
def create_class(request, payload: ClassCreateIn):
    tc = class_save(acting_user=request.auth, values={"code": payload.code, **_class_values(request.auth, payload)})
    return Status(201, access_class(request.auth, tc.code))


@router.put("{class_code}", response=answers(ClassOut, *WRITE), summary="修改班次")
def update_class(request, class_code: str, payload: ClassIn):
    access_class(request.auth, class_code)
    class_save(acting_user=request.auth, values=_class_values(request.auth, payload), code=class_code)
    return access_class(request.auth, class_code)


@router.get("{class_code}", response=answers(ClassOut, 404), summary="班次详情")
def get_class(request, class_code: str):
    return access_class(request.auth, class_code)


@router.get("{class_code}/sessions", response=answers(list[SessionOut], 404), summary="班次课表")
def list_sessions(request, class_code: str):
    return list(sessions_of(access_class(request.auth, class_code)))


@router.post("{class_code}/sessions", response=answers(SessionOut, *WRITE, status=201), summary="在课表中新增一节课")
def add_session(request, class_code: str, payload: SessionIn):
    session = session_save(acting_user=request.auth, class_code=class_code,
                           values={**payload.dict(), "hours": Decimal(payload.hours)})
    return Status(201, session)


@router.get("{class_code}/enrolments", response=answers(list[EnrolmentOut], 404), summary="班次学员（身份证号脱敏）")
def list_enrolments(request, class_code: str):
    tc = access_class(request.auth, class_code)
    return [{"person_code": e.cadre.person_code, "name": e.cadre.name, "id_number": e.cadre.id_number_masked,
             "org_code": e.cadre.org.code, "status": e.status, "completed": e.completed}
            for e in enrolments_visible(request.auth, tc)]


@router.post("{class_code}/enrolments", response=answers(EnrolOut, *WRITE), summary="报名：名额内为在读，超出名额进入候补")
def add_enrolments(request, class_code: str, payload: EnrolIn):
    user = request.auth
    access_class(user, class_code)
    cadres = []
    for code in dict.fromkeys(payload.person_codes):
        if role_of(user) == Role.INSTITUTION:
            cadre = all_cadres_unscoped().filter(person_code=code).first()
            if cadre is None:
                raise NotFound(f"人员编码 {code} 不存在")
        else:
            cadre = access_cadre(user, code)
        cadres.append(cadre)
    result = enrol(acting_user=user, class_code=class_code, cadres=cadres, reason="接口报名")
    return {"enrolled": [c.person_code for c in result.enrolled], "waitlisted": [c.person_code for c in result.waitlisted],
            "already": [c.person_code for c in result.already]}


@router.get("{class_code}/compliance", response=answers(ClassComplianceOut, 400, *READ),
             summary="班次课表的规划指标达标情况")
def class_compliance(request, class_code: str, query: Query[ClassComplianceQuery]):
    tc = access_class(request.auth, class_code)
    try:
        plan = plan_for_class(tc, query.plan or None)
    except PlanFileError as exc:
        raise DomainError(str(exc), code="unknown_plan") from None
    return {"plan": plan.id, "plan_version": plan.version, "as_of": query.as_of,
            "results": [v.as_dict() for v in judge(plan, class_facts(tc), query.as_of)]}


ROUTERS = (("/classes/", router),)
__all__ = ["ROUTERS", "EnrolmentStatus"]
