"""The call-up notice as a Word document (调训通知), the way a department sends it out on paper."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from ganxun.callups.models import CallUp, CallUpMode, NominationStatus

FONT = "SimSun"


def _run_font(run, size: int, bold: bool = False, face: str = FONT) -> None:
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, face
    run._element.rPr.rFonts.set(qn("w:eastAsia"), face)


def _para(doc, text: str, *, size: int = 14, bold: bool = False, align=None, indent: bool = True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _run_font(p.add_run(text), size, bold)
    return p


def notice_document(callup: CallUp) -> bytes:
    tc = callup.training_class
    doc = Document()
    _para(doc, callup.title, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, f"（{callup.code}）", size=12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "各有关单位：", indent=False)
    _para(doc, f"经研究，决定于 {tc.start_date:%Y年%m月%d日} 至 {tc.end_date:%Y年%m月%d日} 举办“{tc.name}”"
               f"（{tc.days} 天{'，脱产培训' if tc.full_time else ''}）"
               + (f"，由{tc.institution.name}承办" if tc.institution_id else "") + "。现将有关事项通知如下：")
    if callup.body:
        for line in callup.body.splitlines():
            if line.strip():
                _para(doc, line.strip())
    if tc.audience:
        _para(doc, f"一、培训对象：{tc.audience}。")
    if callup.mode == CallUpMode.QUOTA:
        _para(doc, "二、名额分配：" + "；".join(f"{q.unit.name} {q.places} 名" for q in
                                           callup.quotas.select_related("unit")) + "。")
        _para(doc, f"请各单位严格按照名额和培训对象条件推荐人选，于 {callup.deadline:%Y年%m月%d日} 前在系统中完成提名，"
                   "组织部门审核后通知本人。")
    else:
        _para(doc, "二、参训人员（点名调训）：")
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("姓名", "单位", "职务")):
            _run_font(cell.paragraphs[0].add_run(text), 12, True)
        for n in callup.nominations.exclude(status=NominationStatus.WITHDRAWN).select_related("cadre__org"):
            row = table.add_row().cells
            for cell, text in zip(row, (n.cadre.name, n.cadre.org.name, n.cadre.post_title)):
                _run_font(cell.paragraphs[0].add_run(text), 12)
        _para(doc, f"请各单位于 {callup.deadline:%Y年%m月%d日} 前在系统中确认参训；确因特殊情况不能参训的，须在系统中提出请假申请，"
                   "经批准后列入补训。")
    if callup.report_at:
        _para(doc, f"三、报到时间地点：{callup.report_at}。")
    _para(doc, "参训人员应严格遵守干部教育培训有关纪律规定，培训期间请假累计超过总学时七分之一的，按规定作退学处理。")
    if callup.contact:
        _para(doc, f"联系人及电话：{callup.contact}")
    _para(doc, callup.issuer.name, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    when = callup.issued_at or callup.created_at
    _para(doc, f"{when:%Y年%m月%d日}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
