from datetime import date
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from ganxun.core.apierrors import READ, WRITE, answers
from ganxun.api.pagination import Pages
from ganxun.api.types import BoundedDate, Count, Year
from ganxun.resources.selectors import InstitutionFilter, access_institution, institutions_filtered

router = Router(tags=["培训机构"])


class InstitutionOut(Schema):
    code: str = Field(description="机构编码")
    name: str = Field(description="机构名称")
    kind: str = Field(description="类型：party_school 党校、cadre_college 干部学院 …")
    kind_label: str = Field(description="类型（中文）")
    level: str = Field(description="级别：province、city、county、township")
    recognised: bool = Field(description="认可的培训机构")
    is_flagship: bool = Field(description="三学院三基地")
    owner_org_code: str | None = Field(None, description="所属单位编码")
    owner_org_name: str | None = Field(None, description="所属单位名称")
    capacity: int | None = Field(None, description="容纳人数")
    contact_person: str = Field("", description="联系人")
    contact_phone: str = Field("", description="联系电话")
    address: str = Field("", description="地址")
    tags: list[str] = Field([], description="标签（含 三学院三基地）")
    description: str = Field("", description="简介")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_owner_org_code(obj):
        return obj.owner_org.code if obj.owner_org_id else None

    @staticmethod
    def resolve_owner_org_name(obj):
        return obj.owner_org.name if obj.owner_org_id else None

    @staticmethod
    def resolve_tags(obj):
        return obj.tag_list


class InstitutionFilterIn(Schema):
    q: str = Field("", description="机构名称（包含）或机构编码")
    kind: str = Field("", description="类型，如 party_school")
    level: str = Field("", description="级别，如 city")
    recognised: str = Field("", description="认可：yes 或 no")
    flagship: str = Field("", description="三学院三基地：yes 或 no")
    tag: str = Field("", description="标签，如 省级党性教育基地")


class InstitutionIn(Schema):
    code: str = Field("", description="机构编码（新增时必填；修改时忽略）")
    name: str = Field(description="机构名称")
    kind: str = Field(description="类型，如 party_school")
    level: str = Field(description="级别，如 city")
    owner_org_code: str = Field("", description="所属单位编码")
    recognised: bool = False
    is_flagship: bool = False
    capacity: Count | None = None
    contact_person: str = ""
    contact_phone: str = ""
    address: str = ""
    tags: list[str] = Field([], description="标签")
    description: str = ""
    reason: str = Field("", description="修改原因")

    def details(self) -> dict:
        return {k: getattr(self, k) for k in ("capacity", "contact_person", "contact_phone", "address", "tags",
                                              "description")}


@router.get("", response=answers(list[InstitutionOut], *READ), summary="培训机构列表（本辖区的，以及上级的可用机构）")
@paginate(Pages)
def list_institutions(request, filters: Query[InstitutionFilterIn]):
    flt = InstitutionFilter(q=filters.q, kind=filters.kind, level=filters.level, recognised=filters.recognised,
                            flagship=filters.flagship, tag=filters.tag)
    return institutions_filtered(request.auth, flt)


@router.get("{code}", response=answers(InstitutionOut, 404), summary="培训机构详情")
def get_institution(request, code: str):
    return access_institution(request.auth, code)


@router.post("", response=answers(InstitutionOut, *WRITE, status=201), summary="新增培训机构（组织部门管理员，管理范围内）")
def create_institution(request, body: InstitutionIn):
    from ganxun.resources.services import institution_create

    return Status(201, institution_create(acting_user=request.auth, code=body.code, name=body.name, kind=body.kind,
                                   level=body.level, owner_org_code=body.owner_org_code, recognised=body.recognised,
                                   is_flagship=body.is_flagship, details=body.details()))


@router.put("{code}", response=answers(InstitutionOut, *WRITE), summary="修改培训机构")
def update_institution(request, code: str, body: InstitutionIn):
    from ganxun.resources.services import institution_update

    return institution_update(acting_user=request.auth, code=code, name=body.name, kind=body.kind, level=body.level,
                              owner_org_code=body.owner_org_code, recognised=body.recognised,
                              is_flagship=body.is_flagship, reason=body.reason, details=body.details())


# --- the libraries: where an entry sits ----------------------------------------------------------------

def _holder(obj) -> dict:
    return {"institution_code": obj.institution.code if obj.institution_id else None,
            "owner_org_code": obj.owner_org.code if obj.owner_org_id else None}


class HolderOut(Schema):
    institution_code: str | None = Field(None, description="所属机构编码")
    owner_org_code: str | None = Field(None, description="所属单位编码（单位自己的资源库）")

    @staticmethod
    def resolve_institution_code(obj):
        return _holder(obj)["institution_code"]

    @staticmethod
    def resolve_owner_org_code(obj):
        return _holder(obj)["owner_org_code"]


# --- 师资库 -------------------------------------------------------------------------------------------

teachers = Router(tags=["师资库"])


class TeacherOut(HolderOut):
    code: str = Field(description="教师编码")
    name: str = Field(description="姓名")
    kind: str = Field(description="教师类型：full_time 专职、part_time 兼职、leader 领导干部、retired 退休干部、expert 专家")
    kind_label: str
    title: str = Field("", description="职称")
    subjects: str = Field("", description="擅长专题")
    work_unit: str = ""
    post: str = ""
    status: str = Field(description="状态：pending 待入库、active 在库、exited 已出库")
    status_label: str
    admitted_on: date | None = None
    exited_on: date | None = None
    exit_reason: str = ""
    person_code: str | None = Field(None, description="关联的干部档案（人员编码）")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_title(obj):
        return obj.title.label if obj.title_id else ""

    @staticmethod
    def resolve_person_code(obj):
        return obj.cadre.person_code if obj.cadre_id else None


class TeacherFilterIn(Schema):
    q: str = Field("", description="姓名、擅长专题（包含）或教师编码")
    kind: str = ""
    status: str = ""
    institution: str = Field("", description="所属机构编码")
    org: str = Field("", description="所属单位编码")


class TeacherIn(Schema):
    code: str = Field("", description="教师编码（新增时必填；修改时忽略）")
    name: str
    kind: str = Field(description="教师类型，如 part_time")
    institution_code: str = ""
    owner_org_code: str = ""
    title: str = Field("", description="职称（字典编码或名称）")
    subjects: str = ""
    work_unit: str = ""
    post: str = ""
    phone: str = ""
    person_code: str = Field("", description="人员编码（领导干部、退休干部教师）")
    description: str = ""
    reason: str = ""


class StatusIn(Schema):
    on: BoundedDate | None = Field(None, description="日期（默认今天）")
    reason: str = Field("", description="原因（出库时必填）")


@teachers.get("", response=answers(list[TeacherOut], *READ), summary="师资库：教师列表")
@paginate(Pages)
def list_teachers(request, filters: Query[TeacherFilterIn]):
    from ganxun.resources.selectors import TeacherFilter, teachers_filtered

    return teachers_filtered(request.auth, TeacherFilter(**filters.dict()))


@teachers.get("{code}", response=answers(TeacherOut, 404), summary="教师详情")
def get_teacher(request, code: str):
    from ganxun.resources.selectors import access_teacher

    return access_teacher(request.auth, code)


@teachers.post("", response=answers(TeacherOut, *WRITE, status=201), summary="新增教师（待入库）")
def create_teacher(request, body: TeacherIn):
    from ganxun.resources.teacher_services import teacher_create

    return Status(201, teacher_create(acting_user=request.auth, values=body.dict(exclude={"reason"})))


@teachers.put("{code}", response=answers(TeacherOut, *WRITE), summary="修改教师")
def update_teacher(request, code: str, body: TeacherIn):
    from ganxun.resources.teacher_services import teacher_update

    return teacher_update(acting_user=request.auth, code=code, values=body.dict(exclude={"reason", "code"}),
                          reason=body.reason)


@teachers.post("{code}/admit", response=answers(TeacherOut, *WRITE), summary="教师入库")
def admit_teacher(request, code: str, body: StatusIn):
    from ganxun.resources.teacher_services import teacher_admit

    return teacher_admit(acting_user=request.auth, code=code, on=body.on, reason=body.reason)


@teachers.post("{code}/exit", response=answers(TeacherOut, *WRITE), summary="教师出库")
def exit_teacher(request, code: str, body: StatusIn):
    from ganxun.resources.teacher_services import teacher_exit

    return teacher_exit(acting_user=request.auth, code=code, on=body.on, reason=body.reason)


# --- 课程库 -------------------------------------------------------------------------------------------

courses = Router(tags=["课程库"])


class CourseOut(HolderOut):
    code: str = Field(description="课程编码")
    name: str
    category: str = Field(description="内容类别：theory、party_spirit、professional、knowledge")
    method: str = Field(description="教学方法，如 lecture 讲授式、seminar 研讨式")
    hours: Decimal = Field(description="学时")
    featured: bool = Field(description="精品课程")
    version: int = Field(description="现行版本号")
    teacher_codes: list[str] = Field([], description="授课教师编码")
    outline: str = ""
    description: str = ""

    @staticmethod
    def resolve_teacher_codes(obj):
        return sorted(t.code for t in obj.teachers.all())


class CourseFilterIn(Schema):
    q: str = ""
    category: str = ""
    method: str = ""
    featured: str = Field("", description="yes 或 no")
    institution: str = ""
    org: str = ""
    teacher: str = Field("", description="教师编码")


class CourseIn(Schema):
    code: str = ""
    name: str
    category: str
    method: str
    hours: str = Field(description="学时，最多一位小数")
    teachers: list[str] = Field([], description="授课教师编码")
    featured: bool = False
    institution_code: str = ""
    owner_org_code: str = ""
    outline: str = ""
    description: str = ""
    reason: str = ""


@courses.get("", response=answers(list[CourseOut], *READ), summary="课程库：课程列表")
@paginate(Pages)
def list_courses(request, filters: Query[CourseFilterIn]):
    from ganxun.resources.selectors import CourseFilter, courses_filtered

    return courses_filtered(request.auth, CourseFilter(**filters.dict())).prefetch_related("teachers")


@courses.get("{code}", response=answers(CourseOut, 404), summary="课程详情")
def get_course(request, code: str):
    from ganxun.resources.selectors import access_course

    return access_course(request.auth, code)


@courses.post("", response=answers(CourseOut, *WRITE, status=201), summary="新增课程（第 1 版）")
def create_course(request, body: CourseIn):
    from ganxun.resources.course_services import course_create

    return Status(201, course_create(acting_user=request.auth, values=body.dict(exclude={"reason"})))


@courses.put("{code}", response=answers(CourseOut, *WRITE), summary="修改课程（内容变化时生成新版本）")
def update_course(request, code: str, body: CourseIn):
    from ganxun.resources.course_services import course_update

    return course_update(acting_user=request.auth, code=code, values=body.dict(exclude={"reason", "code"}),
                         reason=body.reason)


# --- 教材, 案例, 现场教学点 ----------------------------------------------------------------------------------

class ItemOut(HolderOut):
    code: str
    name: str
    category: str = Field("", description="类别（字典名称）")
    description: str = ""
    publisher: str | None = None
    source: str | None = None
    year: int | None = None
    address: str | None = None
    capacity: int | None = None
    is_party_spirit_base: bool | None = None

    @staticmethod
    def resolve_category(obj):
        return obj.category.label if obj.category_id else ""


class ItemIn(Schema):
    code: str = ""
    name: str
    category: str = Field("", description="类别（字典编码或名称）")
    institution_code: str = ""
    owner_org_code: str = ""
    description: str = ""
    publisher: str = ""
    source: str = ""
    year: Year | None = None
    address: str = ""
    capacity: Count | None = None
    is_party_spirit_base: bool = False
    reason: str = ""


class ItemFilterIn(Schema):
    q: str = ""
    category: str = Field("", description="类别（字典编码）")
    institution: str = ""
    org: str = ""


def _item_router(kind) -> Router:
    r = Router(tags=[kind.label])
    fields = {f.name for f in kind.extras}

    def values(body: ItemIn) -> dict:
        data = body.dict(exclude={"reason"})
        return {k: v for k, v in data.items() if k in fields or k in (
            "code", "name", "category", "institution_code", "owner_org_code", "description")}

    @r.get("", response=answers(list[ItemOut], *READ), summary=f"{kind.label}列表", operation_id=f"list_{kind.key}")
    @paginate(Pages)
    def list_items(request, filters: Query[ItemFilterIn]):
        from ganxun.resources.selectors import ItemFilter, items_filtered

        return items_filtered(request.auth, kind, ItemFilter(**filters.dict()))

    @r.get("{code}", response=answers(ItemOut, 404), summary=f"{kind.label}详情", operation_id=f"get_{kind.key}")
    def get_item(request, code: str):
        from ganxun.resources.selectors import access_item

        return access_item(request.auth, kind, code)

    @r.post("", response=answers(ItemOut, *WRITE, status=201), summary=f"新增{kind.label}", operation_id=f"create_{kind.key}")
    def create_item(request, body: ItemIn):
        from ganxun.resources.item_services import item_create

        return Status(201, item_create(acting_user=request.auth, kind=kind, values=values(body)))

    @r.put("{code}", response=answers(ItemOut, *WRITE), summary=f"修改{kind.label}", operation_id=f"update_{kind.key}")
    def update_item(request, code: str, body: ItemIn):
        from ganxun.resources.item_services import item_update

        return item_update(acting_user=request.auth, kind=kind, code=code, values=values(body), reason=body.reason)

    return r


# --- 数据字典 -------------------------------------------------------------------------------------------

dictionary = Router(tags=["数据字典"])


class EntryOut(Schema):
    domain: str
    domain_label: str
    code: str
    label: str
    order: int
    active: bool
    builtin: bool = Field(description="系统内置（规则依据，不能修改）")


class EntryIn(Schema):
    label: str
    code: str = Field("", description="字典编码（不填则自动编号）")
    order: Count | None = None


class EntryPatch(Schema):
    label: str | None = None
    order: Count | None = None
    active: bool | None = None


@dictionary.get("", response=answers(list[EntryOut], *READ), summary="数据字典（全部字典类型，或 ?domain= 一类）")
def list_entries(request, domain: str = "", active: bool = False):
    from ganxun.resources.selectors import dictionary_entries

    return list(dictionary_entries(domain, active_only=active))


@dictionary.post("{domain}/", response=answers(EntryOut, *WRITE, status=201), summary="新增字典项（组织部门管理员）")
def add_entry(request, domain: str, body: EntryIn):
    from ganxun.resources.dictionary_services import dictionary_entry_add

    return Status(201, dictionary_entry_add(acting_user=request.auth, domain=domain, label=body.label, code=body.code,
                                     order=body.order))


@dictionary.patch("{domain}/{code}", response=answers(EntryOut, *WRITE), summary="修改、停用或启用字典项")
def update_entry(request, domain: str, code: str, body: EntryPatch):
    from ganxun.resources.dictionary_services import dictionary_entry_update

    return dictionary_entry_update(acting_user=request.auth, domain=domain, code=code, label=body.label,
                                   order=body.order, active=body.active)


def _routers():
    from ganxun.resources.kinds import ITEM_KINDS

    return tuple((f"/{k.key}/", _item_router(k)) for k in ITEM_KINDS.values())


ROUTERS = (("/institutions/", router), ("/teachers/", teachers), ("/courses/", courses), *_routers(),
           ("/dictionary/", dictionary))
