"""Posts and grades (职务职级) and the tier each maps to (rules.md, "Ranks")."""

from django.db import models


class Tier(models.TextChoices):
    MINISTERIAL = "ministerial", "省部级"
    BUREAU = "bureau", "厅局级"
    DIVISION = "division", "县处级"
    SECTION = "section", "乡科级"
    STAFF = "staff", "科员及以下"


TIER_ORDER = {Tier.MINISTERIAL: 5, Tier.BUREAU: 4, Tier.DIVISION: 3, Tier.SECTION: 2, Tier.STAFF: 1}


class Rank(models.TextChoices):
    """领导职务层次 and 职级, as the cadres spreadsheet spells them."""

    MINISTERIAL_CHIEF = "ministerial_chief", "正部级"
    MINISTERIAL_DEPUTY = "ministerial_deputy", "副部级"
    BUREAU_CHIEF = "bureau_chief", "正厅级"
    BUREAU_DEPUTY = "bureau_deputy", "副厅级"
    DIVISION_CHIEF = "division_chief", "正处级"
    DIVISION_DEPUTY = "division_deputy", "副处级"
    SECTION_CHIEF = "section_chief", "正科级"
    SECTION_DEPUTY = "section_deputy", "副科级"
    CLERK = "clerk", "科员"
    JUNIOR_CLERK = "junior_clerk", "办事员"
    INSPECTOR_1 = "inspector_1", "一级巡视员"
    INSPECTOR_2 = "inspector_2", "二级巡视员"
    RESEARCHER_1 = "researcher_1", "一级调研员"
    RESEARCHER_2 = "researcher_2", "二级调研员"
    RESEARCHER_3 = "researcher_3", "三级调研员"
    RESEARCHER_4 = "researcher_4", "四级调研员"
    PRINCIPAL_CLERK_1 = "principal_clerk_1", "一级主任科员"
    PRINCIPAL_CLERK_2 = "principal_clerk_2", "二级主任科员"
    PRINCIPAL_CLERK_3 = "principal_clerk_3", "三级主任科员"
    PRINCIPAL_CLERK_4 = "principal_clerk_4", "四级主任科员"
    CLERK_1 = "clerk_1", "一级科员"
    CLERK_2 = "clerk_2", "二级科员"


RANK_TIER = {
    Rank.MINISTERIAL_CHIEF: Tier.MINISTERIAL, Rank.MINISTERIAL_DEPUTY: Tier.MINISTERIAL,
    Rank.BUREAU_CHIEF: Tier.BUREAU, Rank.BUREAU_DEPUTY: Tier.BUREAU,
    Rank.INSPECTOR_1: Tier.BUREAU, Rank.INSPECTOR_2: Tier.BUREAU,
    Rank.DIVISION_CHIEF: Tier.DIVISION, Rank.DIVISION_DEPUTY: Tier.DIVISION,
    Rank.RESEARCHER_1: Tier.DIVISION, Rank.RESEARCHER_2: Tier.DIVISION,
    Rank.RESEARCHER_3: Tier.DIVISION, Rank.RESEARCHER_4: Tier.DIVISION,
    Rank.SECTION_CHIEF: Tier.SECTION, Rank.SECTION_DEPUTY: Tier.SECTION,
    Rank.PRINCIPAL_CLERK_1: Tier.SECTION, Rank.PRINCIPAL_CLERK_2: Tier.SECTION,
    Rank.PRINCIPAL_CLERK_3: Tier.SECTION, Rank.PRINCIPAL_CLERK_4: Tier.SECTION,
    Rank.CLERK: Tier.STAFF, Rank.JUNIOR_CLERK: Tier.STAFF, Rank.CLERK_1: Tier.STAFF, Rank.CLERK_2: Tier.STAFF,
}
# 正职 / 副职 among the leadership ranks; 职级 (grades) carry neither.
CHIEF_RANKS = {Rank.MINISTERIAL_CHIEF, Rank.BUREAU_CHIEF, Rank.DIVISION_CHIEF, Rank.SECTION_CHIEF}
DEPUTY_RANKS = {Rank.MINISTERIAL_DEPUTY, Rank.BUREAU_DEPUTY, Rank.DIVISION_DEPUTY, Rank.SECTION_DEPUTY}
RANK_BY_LABEL = {r.label: r.value for r in Rank}


def tier_of(rank: str) -> str:
    return RANK_TIER[Rank(rank)].value
