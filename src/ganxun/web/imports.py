"""The 数据导入 page: choose a kind, download the template, upload, preview every error, confirm.

Between preview and confirm the uploaded bytes wait on disk under ``VAR_DIR/uploads``, named by the
user's id and a random token, next to a small JSON note (kind, file name, time). Confirming claims
the file with an atomic rename, so a double-clicked 确认导入 imports once; the result is written
beside it and shown by a redirect (post/redirect/get). Nothing is written to the database until the
confirm, and then only through the importers, which apply the user's scope themselves.
"""

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ganxun.cadres import columns as cadre_columns
from ganxun.cadres.importers import REQUIRED_COLUMNS as CADRE_REQUIRED
from ganxun.cadres.importers import import_cadres
from ganxun.cadres.models import POLITICAL_STATUSES, CadreCategory
from ganxun.cadres.ranks import Rank
from ganxun.core.errors import DomainError, ImportRejected, RowError
from ganxun.core.idnumbers import check_char
from ganxun.core.tabular import ImportReport, read_table
from ganxun.core.xlsx import write_xlsx, xlsx_response
from ganxun.orgs import columns as org_columns
from ganxun.orgs.importers import import_orgs
from ganxun.orgs.models import Level, OrgType
from ganxun.core.roles import can_write_orgs, can_write_registry
from ganxun.orgs.selectors import orgs_visible_to, scope_root
from ganxun.records import columns as record_columns
from ganxun.records.importers import import_records
from ganxun.resources import columns as institution_columns
from ganxun.resources.importers import import_institutions
from ganxun.resources.models import InstitutionKind
from ganxun.resources.selectors import can_write_institutions

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600
ALLOWED_SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    columns: tuple
    required: tuple
    key_column: str
    importer: object
    allowed: object
    list_url: str
    list_label: str
    help: dict


KINDS = {
    "cadres": Kind(
        "cadres", "干部名册", tuple(cadre_columns.COLUMNS), tuple(CADRE_REQUIRED), "人员编码", import_cadres,
        can_write_registry, "cadres:list", "查看干部名册",
        {
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
        }),
    "orgs": Kind(
        "orgs", "组织机构", tuple(org_columns.COLUMNS), tuple(org_columns.COLUMNS), "单位编码", import_orgs,
        can_write_orgs, "orgs:tree", "查看组织机构",
        {
            "单位编码": "唯一编码，不超过 32 个字符", "单位名称": "不超过 100 个字",
            "上级编码": "上级单位的单位编码；可以是本文件中的另一行", "类型": "、".join(OrgType.labels),
            "级别": "、".join(Level.labels) + "；不能高于上级单位",
        }),
    "institutions": Kind(
        "institutions", "培训机构", tuple(institution_columns.COLUMNS), tuple(institution_columns.REQUIRED_COLUMNS),
        "机构编码", import_institutions, can_write_institutions, "resources:institutions", "查看培训机构",
        {
            "机构编码": "唯一编码，不超过 32 个字符，如 DX4199", "机构名称": "不超过 100 个字",
            "类型": "、".join(InstitutionKind.labels), "级别": "、".join(Level.labels) + "；不能高于所属单位",
            "认可": "是/否：是否为干部教育培训管理部门认可的培训机构", "所属单位编码": "您管理范围内的单位编码（见“组织机构”）",
            "三学院三基地": "是/否；可不填此列（不填则保持原值）",
        }),
    "records": Kind(
        "records", "学习记录", tuple(record_columns.COLUMNS), tuple(record_columns.REQUIRED_COLUMNS), "外部编号",
        import_records, can_write_registry, "records:list", "查看学习记录",
        {
            "外部编号": "其他系统中这条记录的唯一编号，用于匹配已导入的记录；留空则按 人员编码/身份证号＋培训名称＋起止日期＋培训形式 匹配",
            "人员编码": "您管理范围内干部的人员编码；与身份证号至少填写一项", "身份证号": "18 位；填写人员编码时可留空或填导出文件中的脱敏号码",
            "姓名": "可留空；填写时须与干部名册一致", "培训名称": "不超过 200 个字",
            "培训形式": "、".join(record_columns.SOURCE_LABELS.values()),
            "内容类别": "、".join(record_columns.CATEGORY_LABELS.values()) + "；可留空",
            "培训机构": "机构编码或准确的机构名称（见“培训机构”）；系统外的社会培训机构填写全称，计入学时但不属于认可机构",
            "开始日期": "日期，如 2024-03-01", "结束日期": "不早于开始日期、不晚于今天；学时计入结束日期所在年度",
            "天数": "脱产培训的天数，留空按起止日期计算；网络培训、专题讲座、中心组学习、在职自学为 0 或留空",
            "学时": "不小于 0，最多一位小数", "系统培训": "是/否：系统理论教育和严格党性教育；留空为否",
            "结业": "是/否；留空为是。否：记录保留，但不计学时和天数",
        }),
}


def _kinds_for(user) -> list[Kind]:
    return [k for k in KINDS.values() if k.allowed(user)]


def _kind_from(request, value: str | None) -> tuple[Kind, list[Kind]]:
    kinds = _kinds_for(request.user)
    if not kinds:
        raise Http404("没有可用的导入功能")
    if not value:
        return kinds[0], kinds
    kind = next((k for k in kinds if k.key == value), None)
    if kind is None:
        raise Http404("不支持该导入类型")
    return kind, kinds


# --- the waiting room for uploaded files ------------------------------------------------------

def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _paths(user, token: str) -> dict[str, Path]:
    if not TOKEN.match(token or ""):
        raise Http404("导入已过期或不存在")
    base = _upload_dir() / f"{user.pk}-{token}"
    return {"data": base.with_suffix(".upload"), "meta": base.with_suffix(".json"),
            "claimed": base.with_suffix(".claimed"), "result": base.with_suffix(".result.json")}


def _sweep() -> None:
    """Drop uploads nobody confirmed within a day."""
    cutoff = time.time() - KEEP_SECONDS
    for item in _upload_dir().iterdir():
        try:
            if item.stat().st_mtime < cutoff:
                item.unlink()
        except OSError:
            pass


def _park(user, kind: Kind, filename: str, data: bytes) -> str:
    _sweep()
    token = secrets.token_urlsafe(24)
    paths = _paths(user, token)
    paths["meta"].write_text(json.dumps({"kind": kind.key, "filename": filename, "at": time.time()}))
    fd = os.open(paths["data"], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return token


def _report_dict(report: ImportReport) -> dict:
    return {"kind": report.kind, "source": report.source, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "summary": report.summary()}


# --- views ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        if action == "confirm":
            return _confirm(request)
        if action == "cancel":
            return _cancel(request)
        return _preview(request)
    kind, kinds = _kind_from(request, request.GET.get("kind"))
    if request.GET.get("done"):
        return _result(request, kind, kinds, request.GET["done"])
    return render(request, "web/import_upload.html", _context(kind, kinds))


def _context(kind: Kind, kinds: list[Kind], **extra) -> dict:
    return {"kind": kind, "kinds": kinds, "max_mb": settings.GANXUN_MAX_UPLOAD_BYTES // 1048576,
            "max_rows": settings.GANXUN_MAX_IMPORT_ROWS,
            "column_help": [(c, c in kind.required, kind.help.get(c, "")) for c in kind.columns], **extra}


def _preview(request):
    kind, kinds = _kind_from(request, request.POST.get("kind"))
    upload = request.FILES.get("file")
    if upload is None:
        return _errors_page(request, kind, kinds, "", [RowError(0, "", "请选择要上传的 .xlsx 或 .csv 文件")])
    filename = Path(upload.name or "").name[:120]
    if upload.size > settings.GANXUN_MAX_UPLOAD_BYTES:
        return _errors_page(request, kind, kinds, filename, [RowError(
            0, "", f"文件过大（{upload.size / 1048576:.1f} MB），不能超过 {settings.GANXUN_MAX_UPLOAD_BYTES // 1048576} MB")])
    data = upload.read()
    try:
        table = read_table(data, filename)
        report = kind.importer(acting_user=request.user, table=table, dry_run=True)
    except ImportRejected as exc:
        return _errors_page(request, kind, kinds, filename, exc.errors)
    except DomainError as exc:
        return _errors_page(request, kind, kinds, filename, [RowError(0, "", exc.message)])
    token = _park(request.user, kind, filename, data) if report.created or report.updated else ""
    return render(request, "web/import_preview.html", _context(kind, kinds, report=report, token=token,
                                                                filename=filename))


def _errors_page(request, kind, kinds, filename: str, errors: list[RowError]):
    return render(request, "web/import_preview.html",
                  _context(kind, kinds, errors=errors, filename=filename), status=200)


def _confirm(request):
    kind, kinds = _kind_from(request, request.POST.get("kind"))
    token = request.POST.get("token", "")
    paths = _paths(request.user, token)
    done_url = f"{reverse('cadres:import')}?kind={kind.key}&done={token}"
    try:
        meta = json.loads(paths["meta"].read_text())
    except (OSError, ValueError):
        meta = None
    if meta is None or meta.get("kind") != kind.key:
        if paths["result"].exists() or paths["claimed"].exists():
            return redirect(done_url)
        raise Http404("导入已过期或不存在，请重新上传")
    try:
        # Whoever renames the file first imports it; a second click finds it gone.
        os.rename(paths["data"], paths["claimed"])
    except FileNotFoundError:
        return redirect(done_url)
    try:
        data = paths["claimed"].read_bytes()
        table = read_table(data, meta["filename"])
        report = kind.importer(acting_user=request.user, table=table, dry_run=False)
    except ImportRejected as exc:
        _discard(paths)
        return _errors_page(request, kind, kinds, meta["filename"], exc.errors)
    except DomainError as exc:
        _discard(paths)
        return _errors_page(request, kind, kinds, meta["filename"], [RowError(0, "", exc.message)])
    paths["result"].write_text(json.dumps(_report_dict(report), ensure_ascii=False))
    for name in ("claimed", "meta"):
        paths[name].unlink(missing_ok=True)
    return redirect(done_url)


def _discard(paths: dict[str, Path]) -> None:
    for path in paths.values():
        path.unlink(missing_ok=True)


def _cancel(request):
    kind, _ = _kind_from(request, request.POST.get("kind"))
    token = request.POST.get("token", "")
    if TOKEN.match(token):
        paths = _paths(request.user, token)
        for name in ("data", "meta"):
            paths[name].unlink(missing_ok=True)
    return redirect(f"{reverse('cadres:import')}?kind={kind.key}")


def _result(request, kind: Kind, kinds: list[Kind], token: str):
    paths = _paths(request.user, token)
    try:
        result = json.loads(paths["result"].read_text())
    except (OSError, ValueError):
        result = None
    if result is None and not paths["claimed"].exists():
        raise Http404("没有找到这次导入的结果")
    return render(request, "web/import_result.html", _context(kind, kinds, result=result, token=token))


# --- templates to download ------------------------------------------------------------------

def _example_id() -> str:
    body = "41100219850317001"
    return body + check_char(body)


def _example_cadre(user):
    from ganxun.cadres.selectors import cadres_visible_to

    return cadres_visible_to(user).select_related(None).only("person_code", "name").first()


def _example_institution(user):
    from ganxun.resources.selectors import institutions_visible_to

    return institutions_visible_to(user).filter(recognised=True).first()


@login_required
def import_template(request, kind: str):
    kind, _ = _kind_from(request, kind)
    user = request.user
    # The example points at the user's own org; a superuser's at the first org they see.
    home = user.scope_org if user.scope_org_id else orgs_visible_to(user).first()
    if kind.key == "cadres":
        org_code = home.code if home else "单位编码"
        example = ["", _example_id(), "张三", "男", "1985-03-17", "汉族", "中共党员", org_code, "科员", "一级科员", "否",
                   "机关公务员", "否", "", "否", "否", "否", "2020-01-01", "2008-07-01"]
    elif kind.key == "records":
        cadre, institution = _example_cadre(user), _example_institution(user)
        example = ["PX2024-0001", cadre.person_code if cadre else "人员编码", "", cadre.name if cadre else "",
                   "学习贯彻党的二十届三中全会精神专题培训班", "脱产培训", "理论教育", institution.code if institution else "",
                   "2024-09-02", "2024-09-06", 5, 40, "是", "是"]
    elif kind.key == "institutions":
        region = scope_root(home) if home else None
        level = Level(region.level).label if region else "市"
        example = [f"BM{region.code if region else '4199'}01", f"{region.name if region else '示例市'}示例干部培训中心",
                   "部门培训机构", level, "是", home.code if home else "单位编码", "否"]
    else:
        parent = scope_root(home) if home else None
        parent_code = parent.code if parent else ""
        level = Level(parent.level).label if parent else "省"
        example = [f"{parent_code}X01" if parent_code else "41", "示例单位", parent_code, "机关" if parent else "地区",
                   level]
    content = write_xlsx(list(kind.columns), [example], sheet=f"{kind.label}导入模板")
    return xlsx_response(content, f"{kind.label}导入模板.xlsx")
