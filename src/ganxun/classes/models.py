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
