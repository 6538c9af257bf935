"""Checks of one cadre's values that every entry path shares (form, import, API)."""

from datetime import date

from ganxun.cadres.models import POLITICAL_STATUSES, CadreCategory, Gender, LocalTeam
from ganxun.cadres.ranks import Rank
from ganxun.core.idnumbers import InvalidIdNumber, birth_date, gender_of, normalise_id_number

LABELS = {
    "person_code": "人员编码", "id_number": "身份证号", "name": "姓名", "gender": "性别",
    "birth_date": "出生日期", "ethnicity": "民族", "political_status": "政治面貌", "org": "单位编码",
    "post_title": "职务", "rank": "职级", "is_leader": "领导职务", "category": "干部类别",
    "is_team_member": "班子成员", "local_team": "地方党政班子", "is_principal": "一把手",
    "is_young_talent": "优秀年轻干部", "is_branch_secretary": "党支部书记",
    "rank_since": "任现职级时间", "hired_on": "录用时间",
}
NAME_MAX = 50


def check_cadre_values(values: dict) -> tuple[dict, list[tuple[str, str]]]:
    """Return the cleaned values and a list of ``(field, Chinese message)``.

    ``values`` uses model field names; ``id_number`` may be raw. Consistency of 身份证号 with
    出生日期 and 性别 is checked here, so a form and an import say the same thing.
    """
    errors: list[tuple[str, str]] = []
    clean = dict(values)
    name = (values.get("name") or "").strip()
    if not name:
        errors.append(("name", "不能为空"))
    elif len(name) > NAME_MAX:
        errors.append(("name", f"不能超过 {NAME_MAX} 个字"))
    elif any(ch in name for ch in "<>\"'&;=") :
        errors.append(("name", "不能包含 < > \" ' & ; = 等符号"))
    clean["name"] = name
    try:
        clean["id_number"] = normalise_id_number(values.get("id_number"))
    except InvalidIdNumber as exc:
        errors.append(("id_number", str(exc)))
        clean["id_number"] = None
    if clean.get("id_number"):
        born = birth_date(clean["id_number"])
        if values.get("birth_date") and values["birth_date"] != born:
            errors.append(("birth_date", f"与身份证号中的出生日期 {born:%Y-%m-%d} 不一致"))
        clean["birth_date"] = values.get("birth_date") or born
        implied = gender_of(clean["id_number"])
        if values.get("gender") and values["gender"] != implied:
            errors.append(("gender", f"与身份证号不一致（身份证号显示为{Gender(implied).label}）"))
        clean["gender"] = values.get("gender") or implied
    if values.get("gender") and values["gender"] not in Gender.values:
        errors.append(("gender", "应为 男 或 女"))
    if values.get("rank") not in Rank.values:
        errors.append(("rank", "不能为空，且应为职级表中的一项（如 正处级、二级调研员、一级科员）"))
    if values.get("category") not in CadreCategory.values:
        errors.append(("category", "应为 " + "、".join(CadreCategory.labels) + " 之一"))
    if values.get("local_team", "") not in LocalTeam.values:
        errors.append(("local_team", "应为 市、县 或留空"))
    status = (values.get("political_status") or "").strip() or "中共党员"
    if status not in POLITICAL_STATUSES:
        errors.append(("political_status", "应为 " + "、".join(POLITICAL_STATUSES) + " 之一"))
    clean["political_status"] = status
    today = date.today()
    for field in ("rank_since", "hired_on"):
        value = values.get(field)
        if value and value > today:
            errors.append((field, "不能晚于今天"))
        if value and clean.get("birth_date") and value < clean["birth_date"]:
            errors.append((field, "不能早于出生日期"))
    return clean, errors
