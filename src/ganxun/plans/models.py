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
