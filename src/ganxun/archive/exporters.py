"""The archive as a spreadsheet (基本信息, 指标达标, 学习记录) and as a PDF; each download is audited.

Users read names, never codes: the one code kept is the spreadsheet's 指标代码 column, the key another
system matches indicators on.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from ganxun.archive.selectors import Archive
from ganxun.audit.events import EventType, record_event
from ganxun.core.xlsx import xlsx_response
from ganxun.web.verification import qr_svg

INDICATOR_HEADERS = ["指标代码", "指标名称", "结论", "要求", "实际", "差距", "进度", "窗口开始", "窗口结束",
                     "依据条款", "指标原文", "证据（记录编号）", "仅供参考"]
RECORD_HEADERS = ["记录编号", "培训名称", "培训形式", "内容类别", "培训机构", "开始日期", "结束日期", "天数", "学时",
                  "计入天数", "计入学时", "结业", "状态", "类别", "冲销的记录", "已被冲销", "说明", "登记人", "登记时间"]


def _sheet(book, name: str, headers: Sequence[str], rows, widths: dict[int, int] | None = None) -> None:
    """One sheet the way ``ganxun.core.xlsx.write_xlsx`` writes it: every string stays a string."""
    ws = book.add_worksheet(name)
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, title in enumerate(headers):
        ws.write_string(0, col, title, head)
        ws.set_column(col, col, (widths or {}).get(col, max(10, len(title) * 2 + 2)))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                ws.write_string(r, c, "是" if value else "否")
            elif isinstance(value, datetime):
                ws.write_datetime(r, c, timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value)
                                  else value, stamp)
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    ws.freeze_panes(1, 0)


def archive_workbook(archive: Archive) -> bytes:
    cadre = archive.cadre
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    info = [
        ("姓名", cadre.name), ("人员编码", cadre.person_code), ("身份证号", cadre.id_number_masked),
        ("性别", cadre.get_gender_display()), ("单位", cadre.org.name), ("单位编码", cadre.org.code),
        ("职务", cadre.post_title), ("职级", cadre.get_rank_display()), ("层级", cadre.get_tier_display()),
        ("干部类别", cadre.get_category_display()), ("标识", "、".join(archive.flags)),
        ("规划", archive.plan.title), ("评估日", archive.as_of),
        ("累计计入学时（截至评估日）", float(archive.total_hours)),
        ("导出时间", timezone.now()),
    ]
    _sheet(book, "基本信息", ["项目", "内容"], info, widths={0: 26, 1: 48})
    _sheet(book, "指标达标", INDICATOR_HEADERS, (
        [c.verdict.indicator, c.verdict.name, c.verdict.label, c.required, c.actual, c.gap, f"{c.percent}%",
         c.verdict.window.start, c.verdict.window.end, c.verdict.source, c.indicator.text,
         "、".join(ref for ref, _ in c.evidence), "是" if c.verdict.advisory else ""]
        for c in archive.cards), widths={1: 28, 10: 60, 11: 30})
    _sheet(book, "学习记录", RECORD_HEADERS, (
        [r.reference, r.title, r.get_source_display(), r.get_content_category_display() if r.content_category else "",
         r.institution_name or (r.institution.name if r.institution_id else ""), r.start_date, r.end_date, r.days,
         float(r.hours), r.credit_days, float(r.credit_hours), r.completed, r.get_status_display(),
         r.get_kind_display(), r.reverses.reference if r.reverses_id else "", bool(getattr(r, "is_reversed", False)),
         r.reason, (r.recorded_by.display_name or r.recorded_by.username) if r.recorded_by_id else "",
         r.recorded_at]
        for r in archive.records), widths={1: 30, 4: 26, 16: 30, 18: 18})
    book.close()
    return out.getvalue()


def archive_xlsx_response(user, archive: Archive) -> HttpResponse:
    content = archive_workbook(archive)
    record_event(actor=user, event_type=EventType.EXPORTED, subject_type="cadre",
                 subject_code=archive.cadre.person_code, subject_label=archive.cadre.name,
                 extra={"kind": "archive", "format": "xlsx", "plan": archive.plan.id,
                        "as_of": archive.as_of.isoformat(), "count": len(archive.records)})
    return xlsx_response(content, f"电子档案_{archive.cadre.name}_{archive.cadre.person_code}_{archive.as_of:%Y%m%d}.xlsx")


def archive_pdf_html(archive: Archive, *, code: str, digest: str, verify_url: str, generated_at: datetime,
                     issuer: tuple = (None, "")) -> str:
    """The print version of the archive; ``code``, ``digest`` and the QR code of ``verify_url`` are printed
    for verification, with room at the end for the issuing unit to sign and seal. ``issuer``: (org or None,
    name) as ``selectors.issuer_of`` gives it; without an org (self-service, system administrator) the
    出具单位 line is left blank for the unit that seals it."""
    return render_to_string("archive/pdf.html", {
        "a": archive, "code": "-".join(code[i:i + 4] for i in range(0, len(code), 4)), "digest": digest,
        "verify_url": verify_url, "qr": mark_safe(qr_svg(verify_url)),  # noqa: S308 (segno's own markup)
        "generated_at": timezone.localtime(generated_at), "issuer_org": issuer[0], "issuer_name": issuer[1],
        "year_table": archive.year_table(),
    })


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

