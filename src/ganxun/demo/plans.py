"""The demo's current plan period: an example plan for 2023–2027, clearly labelled as such.

The shipped plans end on 2022-12-31, so without it every dashboard of the demo would judge an expired plan.
The seeds give no numbers for 2023–2027 (the reports on that plan write "XX" where they would stand), so
the example adopts the province's 2019–2022 plan as it is and only moves its windows: it says so in its
title, its source line and a badge on every page that shows it. It is made through the plans services,
as a department would make it in the pages.
"""

from datetime import date

from ganxun.core.roles import UNSCOPED_OPERATOR

EXAMPLE_CODE = "shili-2023-2027"
EXAMPLE_TITLE = "示例：2023—2027年干部教育培训规划（演示）"
ADOPTED = "henan-2019-2022"
# The adopted clauses name the old period ("至2022年", "自2018年起至2022年"): the example says 规划期内 instead.
TEXTS = {
    "leader_hours_5y": "（演示示例，沿用2019—2022年规划的要求）规划期内市厅级、县处级党政领导干部参加党校（行政学院）、"
                       "干部学院以及干部教育培训管理部门认可的其他培训机构累计3个月或者550学时以上的培训。",
    "team_system_days": "（演示示例，沿用2019—2022年规划的要求）规划期内累计不少于2个月。",
}


def build_example_plan(province_code: str) -> str:
    """Create and publish the example plan for the province ``province_code``; returns its id."""
    from ganxun.plans.catalog import load_plan
    from ganxun.plans.services import plan_create, plan_indicator_save, plan_publish

    plan_create(acting_user=UNSCOPED_OPERATOR, owner_code=province_code, code=EXAMPLE_CODE, title=EXAMPLE_TITLE,
                issuer="演示数据（非正式文件）", start=date(2023, 1, 1), end=date(2027, 12, 31), adopts=ADOPTED,
                source_title="演示示例：沿用《河南省2019—2022年干部教育培训规划》的指标，统计窗口移至2023—2027年",
                example=True)
    province = load_plan(ADOPTED)
    for code, text in TEXTS.items():
        spec = province.indicator(code).as_spec()
        spec["text"] = text
        plan_indicator_save(acting_user=UNSCOPED_OPERATOR, code=EXAMPLE_CODE, spec=spec,
                            reason="示例规划：条文改为规划期内")
    plan_publish(acting_user=UNSCOPED_OPERATOR, code=EXAMPLE_CODE, note="演示数据：示例规划，非正式文件")
    return EXAMPLE_CODE
