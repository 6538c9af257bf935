from django.db import models

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


class Institution(models.Model):
    """A place where training happens (培训机构 / 阵地). ``code`` is the stable key other systems use.

    ``recognised`` (认可) makes its full-time classes count toward the leaders' 3-months-or-550-hours
    rule; ``is_flagship`` tags Henan's 三学院三基地.
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "培训机构"
        verbose_name_plural = "培训机构"
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "level"])]

    def __str__(self):
        return self.name
