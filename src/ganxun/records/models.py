"""The learning ledger (学时台账): append-only entries and the per-cadre, per-year totals."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from ganxun.core.choices import ContentCategory


class RecordSource(models.TextChoices):
    """培训形式."""

    FULL_TIME = "full_time", "脱产培训"
    ONLINE = "online", "网络培训"
    LECTURE = "lecture", "专题讲座"
    STUDY_GROUP = "study_group", "理论学习中心组"
    SELF_STUDY = "self_study", "在职自学"
    OTHER = "other", "其他"


class EntryKind(models.TextChoices):
    ENTRY = "entry", "登记"
    REVERSAL = "reversal", "冲销"


class RecordStatus(models.TextChoices):
    APPROVED = "approved", "有效"
    PENDING = "pending", "待审核"
    REJECTED = "rejected", "未通过"


class RecordOrigin(models.TextChoices):
    MANUAL = "manual", "单位登记"
    IMPORT = "import", "批量导入"
    SELF_REPORTED = "self_reported", "本人申报"
    CLASS = "class", "班次结业"
    XAPI = "xapi", "网络学院推送"
    DEMO = "demo", "演示数据"


class LearningRecord(models.Model):
    """One ledger entry. Never edited in place: a correction reverses it and appends a new entry.

    ``credit_hours``/``credit_days`` are what the entry counts (0 for 结业 否 or a self-study entry
    awaiting approval; negative on a reversal). They are fixed when the entry is written, so a later
    change of conversion rules never rewrites history. The institution's kind and recognition are
    copied for the same reason.
    """

    # No index of its own: ``record_cadre_end`` (cadre, end_date) serves every lookup by cadre.
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, related_name="records", verbose_name="干部",
                              db_index=False)
    external_id = models.CharField("外部编号", max_length=64, null=True, blank=True, unique=True)
    title = models.CharField("培训名称", max_length=200)
    source = models.CharField("培训形式", max_length=16, choices=RecordSource.choices)
    content_category = models.CharField("内容类别", max_length=16, choices=ContentCategory.choices, blank=True)
    institution = models.ForeignKey("resources.Institution", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="records", verbose_name="培训机构", db_index=False)
    institution_name = models.CharField("培训机构名称", max_length=200, blank=True)
    institution_kind = models.CharField("机构类型", max_length=32, blank=True)
    institution_recognised = models.BooleanField("认可机构", default=False)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", db_index=True)
    days = models.PositiveIntegerField("天数", default=0)
    hours = models.DecimalField("学时", max_digits=7, decimal_places=1, default=Decimal("0.0"))
    is_system_training = models.BooleanField("系统培训", default=False)
    completed = models.BooleanField("结业", default=True)
    status = models.CharField("状态", max_length=16, choices=RecordStatus.choices, default=RecordStatus.APPROVED)
    kind = models.CharField("类别", max_length=16, choices=EntryKind.choices, default=EntryKind.ENTRY)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversal", verbose_name="冲销的记录")
    credit_hours = models.DecimalField("计入学时", max_digits=7, decimal_places=1, default=Decimal("0.0"))
    credit_days = models.IntegerField("计入天数", default=0)
    origin = models.CharField("来源", max_length=16, choices=RecordOrigin.choices, default=RecordOrigin.MANUAL)
    reason = models.CharField("说明", max_length=500, blank=True)
    # Users are disabled, never deleted: the two user links need no index (each costs every insert).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="登记人", db_index=False)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="审核人", db_index=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    # A claim's review chain (申报 → 单位审核 → 上级审核): the level holding it now, which ends the review or
    # passes it up. Empty for entries that were never claims. No index: only pending claims read it.
    review_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="当前审核单位", db_index=False)

    class Meta:
        verbose_name = "学习记录"
        verbose_name_plural = "学习记录"
        ordering = ["-end_date", "-id"]
        # Every index costs every insert (an import writes 100,000 rows): the institution's index leaves
        # out the entries without one. On PostgreSQL, migration 0002 also makes the uniqueness of
        # ``reverses`` a partial index and drops Django's pattern index of ``external_id``.
        indexes = [models.Index(fields=["cadre", "end_date"], name="record_cadre_end"),
                   models.Index(fields=["institution"], name="record_institution",
                                condition=models.Q(institution__isnull=False)),
                   # the 自学审核 queue: a few hundred waiting among millions
                   models.Index(fields=["recorded_at"], name="record_pending",
                                condition=models.Q(status="pending"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="record_dates_in_order"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="record_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.title}（{self.start_date}—{self.end_date}）"

    @property
    def reference(self) -> str:
        """The id other systems see in evidence lists: the 外部编号, else ``R<id>``."""
        return self.external_id or f"R{self.pk}"

    @property
    def counts(self) -> bool:
        return self.kind == EntryKind.ENTRY and (self.credit_hours > 0 or self.credit_days > 0)


class CadreYearTotal(models.Model):
    """Per cadre, per year (of the end date) and per kind of training: the sums the rules read.

    Kept up to date in the same transaction as every ledger write (``records.totals``), so pages and
    the compliance engine never have to scan the ledger. The dimensions are exactly what plan files
    can filter on.
    """

    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="year_totals")
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=16, choices=RecordSource.choices)
    content_category = models.CharField(max_length=16, blank=True)
    institution_kind = models.CharField(max_length=32, blank=True)
    institution_recognised = models.BooleanField(default=False)
    is_system_training = models.BooleanField(default=False)
    hours = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal("0.0"))
    days = models.IntegerField(default=0)
    records = models.IntegerField(default=0)

    class Meta:
        verbose_name = "年度学时汇总"
        verbose_name_plural = "年度学时汇总"
        ordering = ["cadre_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "source", "content_category", "institution_kind",
                        "institution_recognised", "is_system_training"],
                name="year_total_unique_bucket"),
        ]
        indexes = [models.Index(fields=["year", "cadre"], name="year_total_year_cadre")]
