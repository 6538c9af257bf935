"""Annual training plans (年度培训计划) and call-ups (调训): who is called into which class, by which unit
nominated, audited by the department, on leave, owed a make-up (补训)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class AnnualPlan(models.Model):
    """An organisation department's plan for a year: its targets and the classes it runs or sends cadres to."""

    org = models.ForeignKey("orgs.Org", verbose_name="组织部门", on_delete=models.PROTECT, related_name="annual_plans")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=200)
    status = models.CharField("状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    note = models.TextField("说明", blank=True)
    classes = models.ManyToManyField("classes.TrainingClass", through="PlannedClass", related_name="annual_plans")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年度培训计划"
        verbose_name_plural = "年度培训计划"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="callups_one_plan_per_org_year")]
        ordering = ["-year", "org__path"]

    def __str__(self):
        return self.title


class AnnualTarget(models.Model):
    """One line of the plan's 主要措施: "每年选调150名左右县处级领导干部到市委党校…" as a number to check."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="targets")
    group = models.CharField("培训对象", max_length=100, help_text="如：县处级领导干部")
    tier = models.CharField("层级", max_length=16, blank=True, help_text="按层级统计实际数时使用")
    class_kind = models.CharField("班次类型", max_length=16, blank=True)
    institution = models.ForeignKey("resources.Institution", verbose_name="培训机构", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    planned = models.PositiveIntegerField("计划人数")
    text = models.CharField("计划表述", max_length=300, help_text="如：每年选调150名左右县处级领导干部到市委党校参加主体班培训")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "年度计划指标"
        ordering = ["order", "id"]


class PlannedClass(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="planned_classes")
    training_class = models.ForeignKey("classes.TrainingClass", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(AnnualTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="classes")
    planned = models.PositiveIntegerField("计划人数", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "training_class"], name="callups_class_once_per_plan")]


class CallUpMode(models.TextChoices):
    NAMED = "named", "点名调训"
    QUOTA = "quota", "按名额调训"


class CallUpStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已下发"
    CLOSED = "closed", "已截止"


class CallUp(models.Model):
    """A call-up notice (调训通知) for one class, to the units named in its quotas or of the persons it names."""

    code = models.CharField("通知编号", max_length=40, unique=True)
    training_class = models.ForeignKey("classes.TrainingClass", verbose_name="班次", on_delete=models.PROTECT,
                                       related_name="callups")
    issuer = models.ForeignKey("orgs.Org", verbose_name="发文单位", on_delete=models.PROTECT, related_name="callups")
    mode = models.CharField("调训方式", max_length=8, choices=CallUpMode.choices, default=CallUpMode.QUOTA)
    title = models.CharField("通知标题", max_length=200)
    body = models.TextField("通知正文", blank=True)
    deadline = models.DateField("报名截止日期")
    report_at = models.CharField("报到时间地点", max_length=200, blank=True)
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    status = models.CharField("状态", max_length=8, choices=CallUpStatus.choices, default=CallUpStatus.DRAFT)
    issued_at = models.DateTimeField("下发时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调训通知"
        verbose_name_plural = "调训通知"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class CallUpQuota(models.Model):
    """The places a unit (or a region, for all the units under it) has in a call-up."""

    callup = models.ForeignKey(CallUp, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.PROTECT, related_name="callup_quotas")
    places = models.PositiveIntegerField("名额")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["callup", "unit"], name="callups_one_quota_per_unit")]
        ordering = ["unit__path"]


class NominationStatus(models.TextChoices):
    NAMED = "named", "待单位确认"        # a named call-up: the department named the person, the unit confirms
    NOMINATED = "nominated", "待审核"
    APPROVED = "approved", "已审核"
    REJECTED = "rejected", "已退回"
    ON_LEAVE = "on_leave", "已请假"
    WITHDRAWN = "withdrawn", "已撤回"


# the nominations that hold a place in their quota
ACTIVE_STATUSES = (NominationStatus.NAMED, NominationStatus.NOMINATED, NominationStatus.APPROVED)


class Nomination(models.Model):
    """A cadre put forward for a call-up: named by the department or nominated by a unit within its quota."""

    callup = models.ForeignKey(CallUp, on_delete=models.CASCADE, related_name="nominations")
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, related_name="nominations")
    quota = models.ForeignKey(CallUpQuota, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations")
    status = models.CharField("状态", max_length=16, choices=NominationStatus.choices,
                              default=NominationStatus.NOMINATED, db_index=True)
    warnings = models.JSONField("提名时的冲突提示", default=list, blank=True)
    makeup = models.ForeignKey("Makeup", verbose_name="补训", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="nominations")
    note = models.CharField("推荐说明", max_length=300, blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    nominated_at = models.DateTimeField("提名时间", auto_now_add=True)
    audited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    audited_at = models.DateTimeField("审核时间", null=True, blank=True)
    audit_note = models.CharField("审核意见", max_length=300, blank=True)
    enrolment = models.OneToOneField("classes.Enrolment", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="nomination")

    class Meta:
        verbose_name = "调训提名"
        constraints = [models.UniqueConstraint(fields=["callup", "cadre"], condition=Q(status__in=ACTIVE_STATUSES),
                                               name="callups_one_active_nomination")]
        ordering = ["callup", "id"]

    @property
    def holds_place(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CallUpLeaveStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class CallUpLeave(models.Model):
    """请假: a called-up cadre asks to be excused from the class; approved, it leaves a make-up owed."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="leaves")
    reason = models.CharField("请假事由", max_length=300)
    status = models.CharField("状态", max_length=16, choices=CallUpLeaveStatus.choices,
                              default=CallUpLeaveStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "调训请假"
        ordering = ["-requested_at", "-id"]


class Makeup(models.Model):
    """补训: training a cadre owes after approved leave; met once a later class of the same kind is completed."""


    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, related_name="makeups")
    leave = models.OneToOneField(CallUpLeave, on_delete=models.PROTECT, related_name="makeup")
    missed_class = models.ForeignKey("classes.TrainingClass", on_delete=models.PROTECT, related_name="+")
    class_kind = models.CharField("应补训的班次类型", max_length=16)
    due_by = models.DateField("补训期限")
    created_at = models.DateTimeField(auto_now_add=True)
    # Met or not is not stored: it is whether the cadre has since completed a class of ``class_kind`` that
    # started after the missed one (``selectors.makeups_with_state``), so it can never go stale.

    class Meta:
        verbose_name = "补训"
        ordering = ["due_by", "id"]


class SubmissionKind(models.TextChoices):
    ANNUAL = "annual", "年度培训计划"
    ADHOC = "adhoc", "临时培训计划"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已退回"


class PlanSubmission(models.Model):
    """报批: a unit's own annual or ad-hoc training plan, sent to the department above for approval. When members
    of a party or government leadership team (党政班子成员) take part, proof of the arrangement is attached."""

    unit = models.ForeignKey("orgs.Org", verbose_name="报批单位", on_delete=models.PROTECT, related_name="plan_submissions")
    approver = models.ForeignKey("orgs.Org", verbose_name="审批单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("计划类型", max_length=8, choices=SubmissionKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=200)
    content = models.TextField("主要内容", help_text="培训主题、对象、方式、时间安排")
    start_date = models.DateField("开始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)
    participants = models.PositiveIntegerField("参训人数")
    team_members = models.PositiveIntegerField("其中党政班子成员", default=0)
    proof_name = models.CharField("证明材料", max_length=200, blank=True)
    proof_path = models.CharField(max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField("报批时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField("审批时间", null=True, blank=True)
    review_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "培训计划报批"
        ordering = ["-submitted_at", "-id"]


class PlanQuota(models.Model):
    """The places a subordinate unit or region has in a year's plan (for one target line, or for the whole plan):
    what the department will call from it over the year."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey("orgs.Org", verbose_name="单位或地区", on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(AnnualTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="quotas")
    places = models.PositiveIntegerField("名额")

    class Meta:
        verbose_name = "年度计划名额"
        constraints = [models.UniqueConstraint(fields=["plan", "unit", "target"], name="callups_plan_quota_once")]
        ordering = ["unit__path"]
