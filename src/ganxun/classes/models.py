"""Training classes (班次): a class, its timetable (课表, one row per slot) and its trainees (学员).

A class belongs to its organiser (主办单位, an org) and is run at a host institution (承办机构). Its
scheduled hours are the sum of its slots' hours; the class indicators (rules.md) judge that timetable.
Completing a trainee (结业) appends one ledger entry (``records.LearningRecord``, origin ``class``) that the
enrolment keeps, so 取消结业 reverses exactly that entry.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from ganxun.core.choices import ClassKind, ContentCategory, TeacherKind, TeachingMethod


class TrainingClass(models.Model):
    code = models.CharField("班次编码", max_length=32, unique=True)
    name = models.CharField("班次名称", max_length=200)
    kind = models.CharField("班次类型", max_length=16, choices=ClassKind.choices)
    organiser = models.ForeignKey("orgs.Org", verbose_name="主办单位", on_delete=models.PROTECT,
                                  related_name="organised_classes")
    institution = models.ForeignKey("resources.Institution", verbose_name="承办机构", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="classes")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    full_time = models.BooleanField("脱产", default=True)
    is_system_training = models.BooleanField("系统培训", default=False,
                                             help_text="系统理论教育和严格党性教育")
    content_category = models.CharField("内容类别", max_length=16, choices=ContentCategory.choices, blank=True)
    quota = models.PositiveIntegerField("名额", null=True, blank=True, help_text="留空表示不限")
    audience = models.CharField("培训对象", max_length=300, blank=True)
    description = models.TextField("说明", blank=True)
    completion_threshold = models.DecimalField("结业到课率", max_digits=4, decimal_places=3, default=Decimal("0.900"),
                                               help_text="到课学时占计划学时的比例，达到才可结业")
    theory_test = models.BooleanField("理论考试", default=False, help_text="结业须理论考试成绩及格")
    pass_score = models.DecimalField("及格分", max_digits=4, decimal_places=1, default=Decimal("60.0"))
    closed_at = models.DateTimeField("结班时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "培训班次"
        verbose_name_plural = "培训班次"
        ordering = ["-start_date", "code"]
        indexes = [models.Index(fields=["start_date"], name="class_start"),
                   models.Index(fields=["institution", "start_date"], name="class_institution_start")]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="class_end_after_start")]

    def __str__(self):
        return self.name

    @property
    def days(self) -> int:
        """Calendar days from the first day to the last, both included."""
        return (self.end_date - self.start_date).days + 1

    @property
    def credit_days(self) -> int:
        """The days a completion counts: a full-time class's days; 0 for in-service and online classes."""
        return self.days if self.full_time and self.kind != ClassKind.ONLINE else 0

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


# 节次: the named half-days sort before numbered periods of the same day.
SLOT_ORDER = {"上午": 1, "下午": 2, "晚上": 3}


class ClassSession(models.Model):
    """One slot of the timetable (课表); key (班次, 日期, 节次)."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions",
                                       verbose_name="班次")
    date = models.DateField("日期")
    slot = models.CharField("节次", max_length=8)
    slot_order = models.PositiveSmallIntegerField(default=0)
    course_name = models.CharField("课程名称", max_length=200)
    teacher_name = models.CharField("教师", max_length=100, blank=True)
    teacher_kind = models.CharField("教师类型", max_length=16, choices=TeacherKind.choices, blank=True)
    content_category = models.CharField("内容类别", max_length=16, choices=ContentCategory.choices)
    method = models.CharField("教学方法", max_length=16, choices=TeachingMethod.choices,
                              default=TeachingMethod.LECTURE)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    is_party_spirit_analysis = models.BooleanField("党性分析", default=False)
    starts_at = models.TimeField("开始时间", null=True, blank=True)
    ends_at = models.TimeField("结束时间", null=True, blank=True)
    signin_token = models.CharField("签到码", max_length=32, null=True, blank=True, unique=True)
    # The library entries the slot's course and teacher name, when they are in one (课程库, 师资库).
    course = models.ForeignKey("resources.Course", verbose_name="课程库课程", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="sessions")
    teacher = models.ForeignKey("resources.Teacher", verbose_name="师资库教师", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="sessions")

    class Meta:
        verbose_name = "课程安排"
        verbose_name_plural = "课程安排"
        ordering = ["date", "slot_order", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "date", "slot"], name="session_class_date_slot"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="session_hours_positive"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.slot} {self.course_name}"

    @property
    def ref(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.slot}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "在读"
    WAITLISTED = "waitlisted", "候补"
    WITHDRAWN = "withdrawn", "退学"
    CANCELLED = "cancelled", "已取消报名"


class Enrolment(models.Model):
    """A trainee of a class; key (班次, 人员). ``record`` is the ledger entry its completion wrote."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments",
                                       verbose_name="班次")
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, related_name="enrolments",
                              verbose_name="学员")
    status = models.CharField("状态", max_length=16, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.ENROLLED)
    completed = models.BooleanField("结业", default=False)
    completed_at = models.DateTimeField("结业时间", null=True, blank=True)
    record = models.OneToOneField("records.LearningRecord", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="enrolment", verbose_name="学时记录")
    reason = models.CharField("说明", max_length=300, blank=True)
    theory_score = models.DecimalField("理论考试成绩", max_digits=4, decimal_places=1, null=True, blank=True)
    party_analysis_submitted = models.BooleanField("已提交党性分析", default=False)
    enrolled_at = models.DateTimeField("报名时间", auto_now_add=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "学员报名"
        verbose_name_plural = "学员报名"
        ordering = ["training_class", "enrolled_at", "id"]
        constraints = [models.UniqueConstraint(fields=["training_class", "cadre"], name="enrolment_class_cadre")]
        indexes = [models.Index(fields=["cadre"], name="enrolment_cadre")]

    def __str__(self):
        return f"{self.training_class_id}:{self.cadre_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出勤"
    LATE = "late", "迟到"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺勤"


ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


class AttendanceMethod(models.TextChoices):
    MANUAL = "manual", "登记"
    IMPORT = "import", "导入"
    QR = "qr", "扫码签到"
    LEAVE = "leave", "请假审批"


class Attendance(models.Model):
    """A trainee at one slot (考勤). No row: not marked yet. Present and late count the slot's hours (到课学时)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField("考勤", max_length=8, choices=AttendanceStatus.choices)
    method = models.CharField("方式", max_length=8, choices=AttendanceMethod.choices, default=AttendanceMethod.MANUAL)
    marked_at = models.DateTimeField("登记时间", auto_now=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = "考勤"
        verbose_name_plural = "考勤"
        constraints = [models.UniqueConstraint(fields=["enrolment", "session"], name="attendance_enrolment_session")]
        indexes = [models.Index(fields=["session"], name="attendance_session")]


class LeaveStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class LeaveRequest(models.Model):
    """A trainee's request to miss some slots (请假), decided by the class's staff."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="leave_requests")
    sessions = models.ManyToManyField(ClassSession, related_name="leave_requests", verbose_name="请假的课")
    reason = models.CharField("请假事由", max_length=300)
    status = models.CharField("状态", max_length=16, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "请假"
        verbose_name_plural = "请假"
        ordering = ["-requested_at", "-id"]


class Observation(models.Model):
    """A performance note (跟班考察) on a trainee by the staff who follow the class for the trainee's department."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="observations")
    text = models.TextField("考察情况")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_name = models.CharField("记录人", max_length=150)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "跟班考察"
        verbose_name_plural = "跟班考察"
        ordering = ["-created_at", "-id"]


class DocumentKind(models.TextChoices):
    """The documents a class must file before it can close (结班), with when each is due."""

    PLAN = "plan", "培训方案"
    AGENDA = "agenda", "开班议程"
    SIGNIN = "signin", "签到表"
    TIMETABLE = "timetable", "最终课表"


class ClassDocument(models.Model):
    """A document filed for a class; the newest of each kind counts. Files live under ``VAR_DIR/files``."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("材料", max_length=16, choices=DocumentKind.choices)
    filename = models.CharField("文件名", max_length=200)
    path = models.CharField(max_length=300)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    late_note = models.CharField("逾期说明", max_length=300, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "班次材料"
        verbose_name_plural = "班次材料"
        ordering = ["kind", "-uploaded_at", "-id"]


class Certificate(models.Model):
    """A 结业证书: its number (证书编号), and a random code that ``/verify/<code>`` confirms. Revoked, not deleted,
    when the completion is revoked (取消结业, 取消结班): a printed certificate then verifies as revoked."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField("证书编号", max_length=40, unique=True)
    code = models.CharField("验证码", max_length=16, unique=True)
    name_masked = models.CharField("姓名（脱敏）", max_length=50)
    class_name = models.CharField("班次名称", max_length=200)
    institution_name = models.CharField("培训机构", max_length=200)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    issued_at = models.DateTimeField("颁发时间")
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "结业证书"
        verbose_name_plural = "结业证书"
        ordering = ["number"]

    @property
    def code_display(self) -> str:
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))
