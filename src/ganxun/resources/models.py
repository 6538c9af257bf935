from django.db import models

from ganxun.core.choices import ClassKind, ContentCategory, TeacherKind, TeachingMethod
from ganxun.orgs.models import Level


class InstitutionKind(models.TextChoices):
    """培训机构类型; the labels are the values the institutions spreadsheet uses."""

    PARTY_SCHOOL = "party_school", "党校"
    CADRE_COLLEGE = "cadre_college", "干部学院"
    SOCIALIST_COLLEGE = "socialist_college", "社会主义学院"
    UNIVERSITY_BASE = "university_base", "高校基地"
    PARTY_SPIRIT_BASE = "party_spirit_base", "党性教育基地"
    SECTOR_INSTITUTION = "sector_institution", "部门培训机构"
    PRIVATE_PROVIDER = "private_provider", "社会培训机构"
    ONLINE_ACADEMY = "online_academy", "网络学院"


TAG_SEPARATOR = "、"
FLAGSHIP_TAG = "三学院三基地"


def split_list(text: str) -> list[str]:
    """A list typed in one cell or field: separated by 、 , ， ； ; or spaces; trimmed, duplicates dropped."""
    import re

    seen: list[str] = []
    for part in re.split(r"[、,，;；\s]+", text or ""):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


class Institution(models.Model):
    """A place where training happens (培训机构 / 阵地). ``code`` is the stable key other systems use.

    ``recognised`` (认可) makes its full-time classes count toward the leaders' 3-months-or-550-hours
    rule; ``is_flagship`` tags Henan's 三学院三基地 (the tag 三学院三基地 in ``tags`` is this flag, and is
    not stored twice). ``tags`` are free words joined by 、 (机构标签 in the dictionary suggests them).
    """

    code = models.CharField("机构编码", max_length=32, unique=True)
    name = models.CharField("机构名称", max_length=100)
    kind = models.CharField("机构类型", max_length=32, choices=InstitutionKind.choices)
    level = models.CharField("级别", max_length=16, choices=Level.choices)
    recognised = models.BooleanField("认可", default=False,
                                     help_text="干部教育培训管理部门认可的培训机构")
    owner_org = models.ForeignKey("orgs.Org", verbose_name="所属单位", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="institutions")
    is_flagship = models.BooleanField("三学院三基地", default=False)
    capacity = models.PositiveIntegerField("容纳人数", null=True, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    tags = models.CharField("标签", max_length=200, blank=True)
    description = models.TextField("简介", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "培训机构"
        verbose_name_plural = "培训机构"
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "level"])]

    def __str__(self):
        return self.name

    @property
    def tag_list(self) -> list[str]:
        """Every tag, 三学院三基地 first when the flag is set."""
        return ([FLAGSHIP_TAG] if self.is_flagship else []) + [t for t in self.tags.split(TAG_SEPARATOR) if t]


# --- 数据字典 ----------------------------------------------------------------------------------------

# Built-in domains: the vocabularies the rules engine relies on. Shown on the dictionary page, locked.
BUILTIN_DOMAINS = {
    "content_category": ("内容类别", ContentCategory),
    "teaching_method": ("教学方法", TeachingMethod),
    "teacher_kind": ("教师类型", TeacherKind),
    "class_kind": ("班次类型", ClassKind),
    "institution_kind": ("机构类型", InstitutionKind),
}
# Domains an administrator maintains (seeded by migration 0003).
USER_DOMAINS = {
    "teacher_title": "职称",
    "material_category": "教材类别",
    "case_category": "案例类别",
    "site_kind": "现场教学点类型",
    "institution_tag": "机构标签",
}
DOMAIN_LABELS = {**{k: v[0] for k, v in BUILTIN_DOMAINS.items()}, **USER_DOMAINS}


class DictionaryEntry(models.Model):
    """One word of a small vocabulary (数据字典): a domain, a stable code, its label and order.

    ``builtin`` rows mirror ``core.choices`` and the institution kinds; they are locked (系统内置，规则依据).
    A deactivated entry stays on the rows that use it but is no longer offered in pickers.
    """

    domain = models.CharField("字典类型", max_length=32)
    code = models.CharField("字典编码", max_length=32)
    label = models.CharField("字典标签", max_length=50)
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    builtin = models.BooleanField("系统内置", default=False)

    class Meta:
        verbose_name = "数据字典"
        verbose_name_plural = "数据字典"
        ordering = ["domain", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "code"], name="dictionary_domain_code_unique"),
            models.UniqueConstraint(fields=["domain", "label"], name="dictionary_domain_label_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def domain_label(self) -> str:
        return DOMAIN_LABELS.get(self.domain, self.domain)


# --- the libraries: teachers, courses, materials, cases, field sites ---------------------------------

class LibraryItem(models.Model):
    """What every library entry shares: a code (the key), a name, and whose library it is in.

    An entry belongs to one training institution's library (``institution``) or, for an organisation
    department's own library, to an org (``owner_org``): exactly one of the two.
    """

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    institution = models.ForeignKey(Institution, verbose_name="所属机构", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="%(class)ss")
    owner_org = models.ForeignKey("orgs.Org", verbose_name="所属单位", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="%(class)ss")
    description = models.TextField("简介", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def holder_label(self) -> str:
        if self.institution_id:
            return self.institution.name
        return self.owner_org.name if self.owner_org_id else "—"


class TeacherStatus(models.TextChoices):
    PENDING = "pending", "待入库"
    ACTIVE = "active", "在库"
    EXITED = "exited", "已出库"


CADRE_LINKED_KINDS = frozenset({TeacherKind.LEADER, TeacherKind.RETIRED})


class Teacher(LibraryItem):
    """师资库: a teacher in a library, admitted (入库) and, one day, exited (出库) — both with a date and a
    reason. A leader-teacher (领导干部, 退休干部) may be linked to their cadre record."""

    kind = models.CharField("教师类型", max_length=16, choices=TeacherKind.choices)
    title = models.ForeignKey(DictionaryEntry, verbose_name="职称", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    subjects = models.CharField("擅长专题", max_length=300, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    post = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部档案", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="teacher_profiles")
    status = models.CharField("状态", max_length=16, choices=TeacherStatus.choices, default=TeacherStatus.PENDING)
    admitted_on = models.DateField("入库日期", null=True, blank=True)
    admission_reason = models.CharField("入库说明", max_length=200, blank=True)
    exited_on = models.DateField("出库日期", null=True, blank=True)
    exit_reason = models.CharField("出库原因", max_length=200, blank=True)

    class Meta(LibraryItem.Meta):
        verbose_name = "教师"
        verbose_name_plural = "师资库"
        indexes = [models.Index(fields=["kind", "status"])]


class Course(LibraryItem):
    """课程库: a course; its content (name, category, method, hours, outline) is versioned (``CourseVersion``)."""

    category = models.CharField("内容类别", max_length=16, choices=ContentCategory.choices)
    method = models.CharField("教学方法", max_length=16, choices=TeachingMethod.choices)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    outline = models.TextField("教学大纲", blank=True)
    featured = models.BooleanField("精品课程", default=False)
    teachers = models.ManyToManyField(Teacher, verbose_name="授课教师", blank=True, related_name="courses")
    version = models.PositiveIntegerField("版本", default=1)

    class Meta(LibraryItem.Meta):
        verbose_name = "课程"
        verbose_name_plural = "课程库"
        indexes = [models.Index(fields=["category", "method"])]


class CourseVersion(models.Model):
    """One published content of a course, numbered from 1; never changed once written."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    name = models.CharField("课程名称", max_length=100)
    category = models.CharField("内容类别", max_length=16, choices=ContentCategory.choices)
    method = models.CharField("教学方法", max_length=16, choices=TeachingMethod.choices)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    outline = models.TextField("教学大纲", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField("修改人", max_length=150, blank=True)
    reason = models.CharField("修改原因", max_length=200, blank=True)

    class Meta:
        ordering = ["course", "-number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="course_version_unique")]


class Material(LibraryItem):
    """教材."""

    category = models.ForeignKey(DictionaryEntry, verbose_name="类别", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    publisher = models.CharField("出版单位", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("出版年份", null=True, blank=True)

    class Meta(LibraryItem.Meta):
        verbose_name = "教材"
        verbose_name_plural = "教材"


class Case(LibraryItem):
    """案例."""

    category = models.ForeignKey(DictionaryEntry, verbose_name="类别", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)

    class Meta(LibraryItem.Meta):
        verbose_name = "案例"
        verbose_name_plural = "案例"


class FieldSite(LibraryItem):
    """现场教学点."""

    category = models.ForeignKey(DictionaryEntry, verbose_name="类型", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    address = models.CharField("地址", max_length=200, blank=True)
    capacity = models.PositiveIntegerField("容纳人数", null=True, blank=True)
    is_party_spirit_base = models.BooleanField("党性教育基地", default=False)

    class Meta(LibraryItem.Meta):
        verbose_name = "现场教学点"
        verbose_name_plural = "现场教学点"
