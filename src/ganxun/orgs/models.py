from django.db import models
from treebeard.mp_tree import MP_Node


class OrgType(models.TextChoices):
    REGION = "region", "地区"
    ORG_DEPARTMENT = "org_department", "组织部"
    AGENCY = "agency", "机关"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    UNIVERSITY = "university", "高校"
    TOWNSHIP = "township", "乡镇街道"
    COMMUNITY = "community", "村社区"


class OrgKind(models.TextChoices):
    """The three kinds the glossary names; derived from ``OrgType``."""

    REGION = "region", "地区"
    ORG_DEPARTMENT = "org_department", "组织部"
    UNIT = "unit", "单位"


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡"


LEVEL_ORDER = {Level.PROVINCE: 1, Level.CITY: 2, Level.COUNTY: 3, Level.TOWNSHIP: 4}


def kind_of(org_type: str) -> str:
    if org_type in (OrgType.REGION, OrgType.TOWNSHIP):
        return OrgKind.REGION
    if org_type == OrgType.ORG_DEPARTMENT:
        return OrgKind.ORG_DEPARTMENT
    return OrgKind.UNIT


class Org(MP_Node):
    """A node of the organisation tree: a region, an organisation department or a unit.

    The materialised ``path`` makes "everything under this node" one indexed prefix scan, which is
    what data scope (分级管理) is built on.
    """

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    org_type = models.CharField("类型", max_length=32, choices=OrgType.choices)
    level = models.CharField("级别", max_length=16, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        indexes = [models.Index(fields=["updated_at"], name="org_updated_at")]   # the tree's last write

    def __str__(self):
        return self.name

    @property
    def kind(self) -> str:
        return kind_of(self.org_type)

    @property
    def is_region(self) -> bool:
        return self.kind == OrgKind.REGION

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first, without touching the database."""
        step = self.steplen
        return [self.path[:i] for i in range(step, len(self.path), step)]
