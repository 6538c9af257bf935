"""Importing the cadre registry from a table (interfaces.md, "cadres"; key 人员编码).

Every row is validated with the same checks as the form (``check_cadre_values``), every problem is
collected, and only a clean file is written, by one service (``cadres.services.cadre_upsert_many``): one
transaction, one audit event per changed cadre plus one summary event. Rows that change nothing write
nothing, so re-importing a file (or our own export, whose 身份证号 are masked) is a no-op.

Columns left out of the file keep their stored values; a present but empty cell means "empty"
(no, none, or the default 汉族 / 中共党员). An empty 人员编码 matches the cadre already registered
under that 身份证号, else a new ``GB`` + 8 digits code is made, in row order.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from ganxun.audit.events import diff
from ganxun.cadres.columns import COLUMNS
from ganxun.cadres.models import POLITICAL_STATUSES, Cadre, CadreCategory, Gender, LocalTeam
from ganxun.cadres.ranks import RANK_BY_LABEL, Rank, tier_of
from ganxun.cadres.selectors import all_cadres_unscoped, cadres_by_id_numbers
from ganxun.cadres.services import EDITABLE_FIELDS, cadre_upsert_many, next_person_code, snapshot
from ganxun.cadres.validation import LABELS, check_cadre_values
from ganxun.core import crypto
from ganxun.core.idnumbers import InvalidIdNumber, normalise_id_number
from ganxun.core.parsing import cell_text, is_blank, parse_bool, parse_choice, parse_date, shown
from ganxun.core.tabular import ImportReport, ReportRow, Table, check_rows, conflicts_rejected, reject_errors
from ganxun.orgs.authority import AuthorityIndex
from ganxun.core.lookups import in_chunks
from ganxun.core.dataio import ImportKind, register_import
from ganxun.core.roles import can_write_registry, require_registry_write
from ganxun.orgs.selectors import all_orgs_unscoped, org_in_scope, orgs_visible_to, scope_of

REQUIRED_COLUMNS = ("身份证号", "姓名", "单位编码", "职级", "干部类别")
TEXT_COLUMNS = {"姓名": "name", "民族": "ethnicity", "政治面貌": "political_status", "职务": "post_title"}
BOOL_COLUMNS = {"领导职务": "is_leader", "班子成员": "is_team_member", "一把手": "is_principal",
                "优秀年轻干部": "is_young_talent", "党支部书记": "is_branch_secretary"}
DATE_COLUMNS = {"出生日期": "birth_date", "任现职级时间": "rank_since", "录用时间": "hired_on"}
COLUMN_OF = {**LABELS, "org": "单位编码"}
CHANGE_LABELS = {**LABELS, "org": "单位", "managing_department": "干部管理权限", "is_selected_graduate": "选调生"}
CODE_MAX = 32
BATCH = 1000
MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
RANK_HINT = "应为职级表中的一项：" + "、".join(Rank.labels)
ID_TAKEN = "该身份证号已登记在另一名干部名下"
ORG_NOT_FOUND = "单位编码 {code} 不存在或不在您的管理范围内"
MODEL_FIELDS = (*EDITABLE_FIELDS, "org", "tier", "managing_department")
# Django rebuilds an enum's ``choices`` on every access; a file of 10,000 rows asks 30,000 times.
GENDER_CHOICES, CATEGORY_CHOICES, LOCAL_TEAM_CHOICES = Gender.choices, CadreCategory.choices, LocalTeam.choices


@dataclass
class _Resolved:
    """One valid row, ready to write."""

    number: int
    cadre: Cadre
    action: str
    change: dict = field(default_factory=dict)
    fields: set = field(default_factory=set)


def _normalised_id_or_none(raw) -> str | None:
    try:
        return normalise_id_number(raw)
    except InvalidIdNumber:
        return None


def _text_of_id(raw) -> str:
    return unicodedata.normalize("NFKC", cell_text(raw)).upper().replace(" ", "") if isinstance(raw, str) else ""


class _Context:
    """Everything the rows are checked against, loaded once for the whole file."""

    def __init__(self, acting_user, table: Table):
        self.scope = scope_of(acting_user)
        person_codes = {cell_text(r.get("人员编码")) for r in table.rows} - {""}
        org_codes = {cell_text(r.get("单位编码")) for r in table.rows} - {""}
        ids = {i for r in table.rows if (i := _normalised_id_or_none(r.get("身份证号")))}
        visible_orgs = orgs_visible_to(acting_user)
        self.org_by_code = {}
        for chunk in in_chunks(org_codes):
            self.org_by_code.update({o.code: o for o in visible_orgs.filter(code__in=chunk)})
        cadres = all_cadres_unscoped().select_related("org", "managing_department")
        self.by_person_code: dict[str, Cadre] = {}
        for chunk in in_chunks(person_codes):
            self.by_person_code.update({c.person_code: c for c in cadres.filter(person_code__in=chunk)})
        # Cadres by the keyed hash of their 身份证号 (core.crypto): the file's numbers are hashed, nothing decrypted.
        self.hash_of = {i: crypto.id_hash(i) for i in ids}
        self.by_hash: dict[str, Cadre] = {c.id_hash: c for c in self.by_person_code.values()}
        for chunk in in_chunks([i for i in ids if self.hash_of[i] not in self.by_hash]):
            for c in cadres_by_id_numbers(cadres, chunk).values():
                self.by_hash[c.id_hash] = self.by_person_code.setdefault(c.person_code, c)
        self.authority = AuthorityIndex(all_orgs_unscoped().only("id", "path", "depth", "org_type", "level", "code",
                                                                 "name"))
        self._next_number: int | None = None
        self.reserved_codes = set(person_codes)

    def by_id(self, number: str) -> Cadre | None:
        return self.by_hash.get(self.hash_of.get(number) or crypto.id_hash(number))

    def in_scope(self, cadre: Cadre) -> bool:
        return org_in_scope(self.scope, cadre.org)

    def new_person_code(self) -> str:
        if self._next_number is None:
            self._next_number = int(next_person_code()[2:])
        while True:
            code = f"GB{self._next_number:08d}"
            self._next_number += 1
            if code not in self.reserved_codes and code not in self.by_person_code:
                self.reserved_codes.add(code)
                return code


def import_cadres(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    """Create and update cadres from ``table``; all rows or none. Raises ``ImportRejected``."""
    require_registry_write(acting_user)
    table.require_columns(COLUMNS, REQUIRED_COLUMNS)
    ctx = _Context(acting_user, table)
    seen_codes: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    resolved, errors = check_rows(table, lambda row, errs: _check_row(ctx, table, row, errs, seen_codes, seen_ids))
    reject_errors(errors, table, COLUMNS)

    report = ImportReport(kind="cadres", source=table.source, dry_run=dry_run)
    for r in resolved:
        changes = [] if r.action == "created" else [CHANGE_LABELS.get(f, f) for f in r.change.get("after", {})]
        report.add(ReportRow(r.number, r.action, r.cadre.person_code, r.cadre.name, changes))
    if dry_run:
        return report
    # An unchanged file still leaves its one summary row: every import is audited (security.md).
    with conflicts_rejected(table, "导入期间数据已被他人修改（人员编码或身份证号重复），未导入任何数据，请重新导入"):
        cadre_upsert_many(acting_user=acting_user, report=report,
                          created=[(r.cadre, r.change) for r in resolved if r.action == "created"],
                          updated=[(r.cadre, r.change, r.fields) for r in resolved if r.action == "updated"])
    return report


def _check_row(ctx: _Context, table: Table, row, errs: list, seen_codes: dict, seen_ids: dict) -> _Resolved | None:
    n = row.number
    person_code = cell_text(row.get("人员编码"))
    if len(person_code) > CODE_MAX or any(ch.isspace() for ch in person_code):
        errs.append(("人员编码", f"不能超过 {CODE_MAX} 个字符，且不能包含空格"))
        return None
    raw_id = row.get("身份证号")
    id_text = _text_of_id(raw_id)
    full_id = _normalised_id_or_none(raw_id)

    # Who is this row? By 人员编码, else by the 身份证号 already registered.
    existing = ctx.by_person_code.get(person_code) if person_code else None
    if existing is None and not person_code and full_id and ctx.by_id(full_id) is not None:
        existing = ctx.by_id(full_id)
        person_code = existing.person_code
    if existing is not None and not ctx.in_scope(existing):
        errs.append(("人员编码", f"人员编码 {person_code} 不在您的管理范围内"))
        return None
    if person_code:
        if person_code in seen_codes:
            errs.append(("人员编码", f"人员编码 {person_code} 与第 {seen_codes[person_code]} 行重复"))
            return None
        seen_codes[person_code] = n

    # A masked number (our own export) stands for the stored one, only for that cadre.
    if MASKED_ID.match(id_text):
        if existing is None:
            errs.append(("身份证号", "是脱敏后的号码（中间有 *），新增干部须填写完整的 18 位号码"))
        elif existing.id_number_masked != id_text:
            errs.append(("身份证号", f"与人员编码 {person_code} 已登记的身份证号不符（脱敏号码对不上）"))
        else:
            raw_id = full_id = existing.id_number  # decrypted: the checks compare it with 出生日期 and 性别

    values, own_errors = _values_from_row(ctx, table, row, existing)
    values["id_number"] = raw_id
    errs += own_errors
    clean, problems = check_cadre_values(values)
    flagged = {c for c, _ in errs}
    for f, message in problems:
        column = COLUMN_OF.get(f, f)
        if column == "身份证号" and "身份证号" in flagged:
            continue
        if column not in flagged:
            errs.append((column, message))

    if full_id:
        if full_id in seen_ids:
            errs.append(("身份证号", f"与第 {seen_ids[full_id]} 行的身份证号重复"))
        else:
            seen_ids[full_id] = n
        owner = ctx.by_id(full_id)
        if owner is not None and (existing is None or owner.pk != existing.pk):
            visible = ctx.in_scope(owner)
            errs.append(("身份证号", ID_TAKEN + (f"（人员编码 {owner.person_code}）" if visible else "")))
    if errs:
        return None

    org = values.pop("org")
    if existing is None:
        cadre = Cadre(person_code=person_code or ctx.new_person_code(), org=org,
                      **{f: clean[f] for f in EDITABLE_FIELDS if f in clean})
        action, before = "created", None
    else:
        cadre = existing
        before, old_hash = snapshot(cadre), cadre.id_hash
        cadre.org = org
        for f in EDITABLE_FIELDS:
            if f in clean:
                setattr(cadre, f, clean[f])
        action = "updated"
    cadre.tier = tier_of(cadre.rank)
    if not cadre.managing_overridden:
        cadre.managing_department = ctx.authority.department_for(cadre.org, cadre.tier)
    try:
        cadre.clean_fields(exclude=["org", "managing_department", "tier"])
    except ValidationError as exc:
        for f, messages in exc.message_dict.items():
            errs.append((COLUMN_OF.get(f, f), "；".join(messages)))
        return None
    if before is None:
        return _Resolved(n, cadre, action, {"after": snapshot(cadre)})
    after = snapshot(cadre)
    change = diff(before, after)
    if cadre.id_hash != old_hash and "id_number" not in change["after"]:
        # A corrected middle digit leaves the masked form alike; the change is still real and audited.
        change["before"]["id_number"], change["after"]["id_number"] = before["id_number"], after["id_number"]
    if not change["after"]:
        return _Resolved(n, cadre, "unchanged")
    fields = {f for f in change["after"] if f in MODEL_FIELDS} | {"tier"}
    return _Resolved(n, cadre, action, change, fields)


def _values_from_row(ctx: _Context, table: Table, row, existing: Cadre | None) -> tuple[dict, list]:
    """Model values from the cells present; absent columns keep the stored (or default) values."""
    errs: list[tuple[str, str]] = []
    if existing is not None:
        # not the stored 身份证号: the row's own cell replaces it (and decrypting every row would cost time)
        values = {f: getattr(existing, f) for f in EDITABLE_FIELDS if f != "id_number"}
        values["org"] = existing.org
    else:
        values = {"ethnicity": "汉族", "political_status": "", "post_title": "", "local_team": "",
                  **{f: False for f in BOOL_COLUMNS.values()}, "org": None}
        values.update({"rank_since": None, "hired_on": None, "is_selected_graduate": False})
    present = set(table.headers)
    for column, f in TEXT_COLUMNS.items():
        if column in present:
            values[f] = cell_text(row.get(column))
    if "民族" in present and not values["ethnicity"]:
        values["ethnicity"] = "汉族"
    for column, f in BOOL_COLUMNS.items():
        if column in present:
            try:
                values[f] = parse_bool(row.get(column))
            except ValueError as exc:
                errs.append((column, str(exc)))
    for column, f in DATE_COLUMNS.items():
        if column in present:
            try:
                values[f] = parse_date(row.get(column))
            except ValueError as exc:
                errs.append((column, str(exc)))
    if "性别" in present:
        try:
            values["gender"] = parse_choice(row.get("性别"), GENDER_CHOICES, required=False) or None
        except ValueError:
            errs.append(("性别", f"{shown(row.get('性别'))}无法识别，应为 男 或 女"))
    if existing is None:
        values.setdefault("gender", None)
        values.setdefault("birth_date", None)
    elif "身份证号" in present and not is_blank(row.get("身份证号")):
        # A corrected ID number implies a new birth date and gender unless the row says otherwise.
        if "性别" not in present:
            values["gender"] = None
        if "出生日期" not in present:
            values["birth_date"] = None
    rank_text = cell_text(row.get("职级"))
    if "职级" in present or existing is None:
        if not rank_text:
            errs.append(("职级", "不能为空，" + RANK_HINT))
        elif rank_text in RANK_BY_LABEL:
            values["rank"] = RANK_BY_LABEL[rank_text]
        else:
            errs.append(("职级", f"{shown(rank_text)}不在职级表中，" + RANK_HINT))
    try:
        if "干部类别" in present:
            values["category"] = parse_choice(row.get("干部类别"), CATEGORY_CHOICES)
    except ValueError as exc:
        errs.append(("干部类别", str(exc)))
    if "地方党政班子" in present:
        try:
            values["local_team"] = parse_choice(row.get("地方党政班子"), LOCAL_TEAM_CHOICES, required=False)
        except ValueError:
            errs.append(("地方党政班子", f"{shown(row.get('地方党政班子'))}无法识别，应为 市、县 或留空"))
    org_code = cell_text(row.get("单位编码"))
    if "单位编码" in present:
        if not org_code:
            errs.append(("单位编码", "不能为空"))
        elif org_code in ctx.org_by_code:
            values["org"] = ctx.org_by_code[org_code]
        else:
            errs.append(("单位编码", ORG_NOT_FOUND.format(code=org_code)))
    return values, errs


# --- the registry of import kinds (the 数据导入 page, ``ganxun import cadres``) ---------------------------

def _example_id() -> str:
    from ganxun.core.idnumbers import check_char

    body = "41100219850317001"
    return body + check_char(body)


def template_example(user) -> list:
    """One filled row for the downloadable template: a cadre of the user's own org."""
    home = user.scope_org if getattr(user, "scope_org_id", None) else orgs_visible_to(user).first()
    return ["", _example_id(), "张三", "男", "1985-03-17", "汉族", "中共党员", home.code if home else "单位编码", "科员",
            "一级科员", "否", "机关公务员", "否", "", "否", "否", "否", "2020-01-01", "2008-07-01"]


register_import(ImportKind(
    key="cadres", label="干部名册", columns=tuple(COLUMNS), required=tuple(REQUIRED_COLUMNS), key_column="人员编码",
    run=import_cadres, allowed=can_write_registry, list_url="cadres:list", list_label="查看干部名册",
    example=template_example, order=10,
    help={
        "人员编码": "留空则按身份证号匹配已登记的干部，否则由系统生成（GB + 8 位数字）",
        "身份证号": "18 位，末位可为 X；导出文件中的脱敏号码（如 4110**********123X）只用于更新同一人员编码",
        "姓名": "不超过 50 个字，可含生僻字；不能含 < > \" ' & ; = 等符号", "职务": "如 局长、科员；可留空",
        "性别": "男 或 女；留空则按身份证号", "出生日期": "留空则按身份证号；须与身份证号一致",
        "政治面貌": "、".join(POLITICAL_STATUSES) + "；留空为中共党员", "民族": "如 汉族、回族；留空为汉族",
        "单位编码": "您管理范围内的单位编码（见“组织机构”）",
        "职级": "、".join(Rank.labels), "干部类别": "、".join(CadreCategory.labels),
        "地方党政班子": "市、县 或留空",
        "领导职务": "是/否（也可写 Y/N、1/0）", "班子成员": "是/否", "一把手": "是/否", "优秀年轻干部": "是/否",
        "党支部书记": "是/否", "任现职级时间": "日期，如 2020-01-31、2020/1/31、2020年1月31日",
        "录用时间": "日期",
    }))
