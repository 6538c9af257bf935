"""Rendering verdicts for people: Chinese labels, the xlsx rows and a terminal table."""

from ganxun.core.text import render_table
from ganxun.plans.engine import VERDICT_LABELS, Verdict

UNIT_LABELS = {"days": "天", "hours": "学时", "count": "次", "share": "", "years": "年", "of": "人"}
SUBJECT_LABELS = {"cadre": "干部", "org": "单位/地区", "class": "班次"}
XLSX_HEADERS = ["对象类型", "对象编码", "对象名称", "指标代码", "指标名称", "结论", "要求", "实际", "差距",
                "窗口开始", "窗口结束", "依据条款", "证据（记录编号）", "仅供参考", "调整建议"]
# What a share's whole counts: an org's people, a class's courses.
OF_UNITS = {"class": "门"}


def amount(values: dict, of_unit: str = "人") -> str:
    """``{"days": 40, "hours": 312.5}`` → ``40 天 / 312.5 学时``; a share of hours → ``51.0/69.0 学时``."""
    parts = []
    for key, value in values.items():
        if key == "share":
            parts.append(f"{float(value):.1%}")
        elif key == "of":
            continue
        elif key == "hours":
            whole = f"/{float(values['of']):.1f}" if "of" in values else ""
            parts.append(f"{float(value):.1f}{whole} 学时")
        else:
            parts.append(f"{value:g} {UNIT_LABELS.get(key, key)}" if isinstance(value, float) else
                         f"{value} {UNIT_LABELS.get(key, key)}")
    if "of" in values and "count" in values:
        parts = [p for p in parts if not p.endswith(" 次")] + [f"{values['count']}/{values['of']} {of_unit}"]
    return " / ".join(parts) or "—"


def xlsx_row(v: Verdict) -> list:
    return [SUBJECT_LABELS.get(v.subject_type, v.subject_type), v.subject, v.subject_name, v.indicator, v.name,
            VERDICT_LABELS[v.verdict], amount(v.required), amount(v.actual, OF_UNITS.get(v.subject_type, "人")),
            amount(v.gap), v.window.start, v.window.end, v.source, "、".join(v.evidence), "是" if v.advisory else "",
            v.advice]


def table(verdicts: list[Verdict]) -> str:
    rows = [[v.subject, v.subject_name, v.indicator, VERDICT_LABELS[v.verdict], amount(v.required),
             amount(v.actual, OF_UNITS.get(v.subject_type, "人")), amount(v.gap), f"{v.window.start}~{v.window.end}"]
            for v in verdicts]
    return render_table(["对象", "名称", "指标", "结论", "要求", "实际", "差距", "窗口"], rows)
