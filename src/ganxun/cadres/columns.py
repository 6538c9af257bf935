"""The cadres spreadsheet columns (interfaces.md), shared by import, export and the template."""

from ganxun.cadres.models import Cadre, CadreCategory, Gender, LocalTeam
from ganxun.cadres.ranks import Rank

COLUMNS = ["人员编码", "身份证号", "姓名", "性别", "出生日期", "民族", "政治面貌", "单位编码", "职务", "职级", "领导职务",
           "干部类别", "班子成员", "地方党政班子", "一把手", "优秀年轻干部", "党支部书记", "任现职级时间", "录用时间"]


def export_row(c: Cadre) -> list:
    """One cadre as the spreadsheet shows it; 身份证号 masked."""
    return [c.person_code, c.id_number_masked, c.name, Gender(c.gender).label, c.birth_date, c.ethnicity,
            c.political_status, c.org.code, c.post_title, Rank(c.rank).label, c.is_leader,
            CadreCategory(c.category).label, c.is_team_member, LocalTeam(c.local_team).label if c.local_team else "",
            c.is_principal, c.is_young_talent, c.is_branch_secretary, c.rank_since, c.hired_on]
