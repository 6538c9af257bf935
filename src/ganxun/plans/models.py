"""Plans an organisation department keeps in the system (规划管理), beside the plan files shipped with it.

A plan is still a plan file's mapping (the YAML format of ``plans/data/*.yaml``): the department edits a
draft of it in the pages and publishes it; each publication is an immutable, numbered version, and every
verdict names the version it was judged by. The shipped files are version 1 of their plans and are never
edited (a department adopts one instead).
"""

from django.conf import settings
from django.db import models


class PlanDocument(models.Model):
    """A department's plan: its draft and its published versions. ``code`` is the plan id verdicts name."""

    code = models.CharField("规划编号", max_length=64, unique=True)
    owner_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="plans",
                                  verbose_name="制定地区", help_text="规划适用的地区（制定它的组织部门所在地区）")
    title = models.CharField("规划名称", max_length=200)
    draft = models.JSONField("草稿", default=dict, help_text="规划文件的内容（与 plans/data/*.yaml 同一格式）")
    draft_changed = models.BooleanField("草稿有未发布的修改", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "规划"
        verbose_name_plural = "规划"
        ordering = ["code"]

    def __str__(self):
        return self.title


class PlanVersion(models.Model):
    """One publication of a plan: what it said, fixed for ever (verdicts name ``number``)."""

    document = models.ForeignKey(PlanDocument, on_delete=models.PROTECT, related_name="versions",
                                 verbose_name="规划")
    number = models.PositiveIntegerField("版本")
    content = models.JSONField("内容")
    note = models.CharField("发布说明", max_length=500, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="发布人")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "规划版本"
        verbose_name_plural = "规划版本"
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="plan_version_unique")]

    def __str__(self):
        return f"{self.document.code} 第 {self.number} 版"


class SnapshotState(models.TextChoices):
    BUILDING = "building", "计算中"
    CURRENT = "current", "现行"
    FAILED = "failed", "未完成"


class VerdictSnapshot(models.Model):
    """Every cadre's verdicts by one plan version at one evaluation date, as a rebuild wrote them.

    A rebuild writes a new snapshot beside the current one and makes it current in one transaction at the end;
    a rebuild that dies midway leaves its snapshot ``building`` (or ``failed``) and the old one serving.
    """

    plan_id = models.CharField("规划编号", max_length=64)
    plan_version = models.PositiveIntegerField("规划版本")
    as_of = models.DateField("评估日期")
    state = models.CharField("状态", max_length=16, choices=SnapshotState.choices, default=SnapshotState.BUILDING)
    cadres = models.PositiveIntegerField("干部数", default=0)
    rows = models.PositiveIntegerField("结论数", default=0)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # raised in every transaction that rewrites the snapshot's rows after it became current (``refresh_marked``):
    # with the snapshot's id it names what a reader of its unit counts saw (a dashboard kept in the cache)
    revision = models.PositiveIntegerField("修订次数", default=0)

    class Meta:
        verbose_name = "达标结论快照"
        verbose_name_plural = "达标结论快照"
        constraints = [models.UniqueConstraint(fields=["plan_id", "plan_version", "as_of"],
                                               condition=models.Q(state="current"), name="one_current_snapshot")]
        indexes = [models.Index(fields=["plan_id", "as_of", "state"])]

    def __str__(self):
        return f"{self.plan_id} 第 {self.plan_version} 版 {self.as_of}"


class StoredVerdict(models.Model):
    """One cadre indicator's verdict in a snapshot, with what it rests on (the evidence: ledger external ids)."""

    snapshot = models.ForeignKey(VerdictSnapshot, on_delete=models.CASCADE, related_name="verdicts",
                                 db_index=False)   # every index below begins with it
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField("指标", max_length=64)
    verdict = models.CharField("结论", max_length=16)
    progress = models.DecimalField("完成比例", max_digits=9, decimal_places=6, default=0)
    window_start = models.DateField("窗口开始")
    window_end = models.DateField("窗口结束")
    required = models.JSONField("要求", default=dict)
    actual = models.JSONField("实际", default=dict)
    gap = models.JSONField("差距", default=dict)
    evidence = models.JSONField("证据", default=list)

    class Meta:
        verbose_name = "达标结论"
        verbose_name_plural = "达标结论"
        indexes = [models.Index(fields=["snapshot", "indicator", "verdict"]),
                   models.Index(fields=["snapshot", "cadre"])]


class StoredFact(models.Model):
    """The numbers a report adds up, for one cadre in a snapshot (``plans.facts``: its verdicts, membership of the
    unit indicators' populations, hours in the year …) as ``{key: number}``, under the org the cadre sat in when it
    was evaluated."""

    snapshot = models.ForeignKey(VerdictSnapshot, on_delete=models.CASCADE, related_name="facts",
                                 db_index=False)   # every index below begins with it
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    facts = models.JSONField("统计项", default=dict)

    class Meta:
        verbose_name = "干部统计项"
        verbose_name_plural = "干部统计项"
        constraints = [models.UniqueConstraint(fields=["snapshot", "cadre"], name="one_cadre_fact")]
        indexes = [models.Index(fields=["snapshot", "org"])]


class StoredOrgFact(models.Model):
    """A unit's count: the sum of one ``StoredFact`` key over the cadres sitting directly in that org. A report on
    a subtree adds up the rows of its orgs (one row per org and key, never one per cadre)."""

    snapshot = models.ForeignKey(VerdictSnapshot, on_delete=models.CASCADE, related_name="org_facts",
                                 db_index=False)   # every index below begins with it
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("项目", max_length=96)
    value = models.DecimalField("数值", max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = "单位统计项"
        verbose_name_plural = "单位统计项"
        constraints = [models.UniqueConstraint(fields=["snapshot", "org", "key"], name="one_org_fact")]


class VerdictDirty(models.Model):
    """A cadre whose stored verdicts a write has made stale: marked in the write's own transaction, cleared when
    the store has re-evaluated them. Until then every reader evaluates that cadre live."""

    cadre = models.OneToOneField("cadres.Cadre", on_delete=models.CASCADE, related_name="+", primary_key=True)
    marked_at = models.DateTimeField("标记时间", auto_now=True)
    # the earliest day the writes touched (their entries' dates): a snapshot of an earlier date has not moved; empty
    # when every date may have (a registry change)
    since = models.DateField("最早受影响日期", null=True, blank=True)

    class Meta:
        verbose_name = "待更新的达标结论"
        verbose_name_plural = "待更新的达标结论"
