"""Issued archives: every PDF of a cadre's archive is registered so anyone holding it can verify it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ArchiveIssue(models.Model):
    """One issued PDF of a cadre's electronic archive (电子档案).

    ``code`` is printed on every page and is the only key of the public verification page, so it is
    random and unguessable (80 bits). ``digest`` is the SHA-256 of the canonical JSON of what the PDF
    showed (the verdicts and the ledger entries), so the content can be matched later. The masked
    name and the issuing org are snapshots: a later rename does not change what was issued.
    """

    code = models.CharField("验证码", max_length=16, unique=True)
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, related_name="archive_issues",
                              verbose_name="干部")
    name_masked = models.CharField("姓名（脱敏）", max_length=50)
    plan_id = models.CharField("规划", max_length=64)
    plan_version = models.PositiveIntegerField("规划版本", default=1)
    plan_title = models.CharField("规划名称", max_length=200)
    as_of = models.DateField("评估日")
    digest = models.CharField("内容摘要（SHA-256）", max_length=64)
    issuing_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="出具单位")
    issuing_org_name = models.CharField("出具单位名称", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="出具人")
    # The time printed on the PDF; set by the service so the page and the row agree to the second.
    created_at = models.DateTimeField("出具时间", default=timezone.now)

    class Meta:
        verbose_name = "电子档案出具记录"
        verbose_name_plural = "电子档案出具记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.code}（{self.plan_id}，{self.as_of}）"

    @property
    def code_display(self) -> str:
        """``ABCD-EFGH-JKLM-NPQR``: easier to read aloud and to type."""
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))
