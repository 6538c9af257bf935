"""``ganxun callups list | show | notice | rates | plans | plan``: call-ups and annual plans from the command line.

The operator's view (the whole tree). ID numbers are masked as everywhere else; exports are audited.
"""

import json
from datetime import date
from pathlib import Path

from ganxun.callups.models import CallUpStatus
from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.core.text import render_table

FORMATS = ["json", "table"]


def _year(text: str) -> int:
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise DomainError(f"--year 应为 2000 至 2100 之间的年份，而不是 {text!r}", code="invalid")
    return int(text)


class Command(GanxunCommand):
    help = ("调训（call-ups）：list 调训通知 / show 通知及提名 / notice 导出通知 Word 文件 / "
            "rates 调训率与参训率 / plans 年度培训计划 / plan 计划与实际")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="列出调训通知（按开班日期）")
        ls.add_argument("--year", default=None, help="开班年度")
        ls.add_argument("--status", default=None, choices=list(CallUpStatus.values), help="通知状态")
        ls.add_argument("--issuer", default=None, help="发文单位编码（含下级）")
        ls.add_argument("--format", default="table", choices=FORMATS)
        show = sub.add_parser("show", help="一份调训通知及其名额和提名（身份证号脱敏）")
        show.add_argument("code", metavar="CODE", help="通知编号")
        show.add_argument("--format", default="table", choices=FORMATS)
        notice = sub.add_parser("notice", help="把调训通知导出为 Word 文件（.docx）")
        notice.add_argument("code", metavar="CODE", help="通知编号")
        notice.add_argument("file", metavar="FILE", help="输出文件，以 .docx 结尾")
        rates = sub.add_parser("rates", help="一年的调训率与参训率（按单位或干部类别）")
        rates.add_argument("--year", required=True, help="开班年度")
        rates.add_argument("--by", default="unit", choices=["unit", "category"], help="unit 按单位、category 按干部类别")
        rates.add_argument("--org", default=None, help="只统计该单位编码及其下级")
        rates.add_argument("--format", default="table", choices=[*FORMATS, "xlsx"])
        rates.add_argument("--output", default=None, help="输出文件；省略则写到标准输出（xlsx 必须指定）")
        plans = sub.add_parser("plans", help="列出年度培训计划")
        plans.add_argument("--year", default=None, help="年度")
        plan = sub.add_parser("plan", help="一份年度培训计划：计划指标、班次、名额，各与实际对照")
        plan.add_argument("plan_id", metavar="PLAN_ID", help="计划编号（ganxun callups plans 列出）")
        plan.add_argument("--format", default="table", choices=FORMATS)

    def handle(self, *args, **opts):
        getattr(self, f"_{opts['action']}")(opts)

    def _json(self, data) -> None:
        self.emit(json.dumps(data, ensure_ascii=False, indent=1, default=str), None)

    def _list(self, opts):
        from ganxun.callups.api import CallUpOut
        from ganxun.callups.selectors import callups_visible_to, with_counts

        qs = callups_visible_to(UNSCOPED_OPERATOR)
        if opts["year"]:
            qs = qs.filter(training_class__start_date__year=_year(opts["year"]))
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        if opts["issuer"]:
            qs = qs.filter(issuer__path__startswith=_org(opts["issuer"]).path)
        rows = list(with_counts(qs.order_by("training_class__start_date", "code")))
        if opts["format"] == "json":
            self._json([CallUpOut.from_orm(c).dict() for c in rows])
            return
        table = [[c.code, c.title, c.training_class.code, f"{c.training_class.start_date}~{c.training_class.end_date}",
                  c.issuer.name, c.get_mode_display(), c.get_status_display(), c.places if c.places is not None else "",
                  c.active or 0, c.approved or 0] for c in rows]
        self.emit(render_table(["通知编号", "标题", "班次", "培训时间", "发文单位", "方式", "状态", "名额", "已提名", "已审核"],
                               table) + f"\n共 {len(rows)} 份", None)

    def _show(self, opts):
        from ganxun.callups.selectors import access_callup, nominations_visible_to

        callup = access_callup(UNSCOPED_OPERATOR, opts["code"])
        quotas = list(callup.quotas.select_related("unit").order_by("unit__path"))
        nominations = list(nominations_visible_to(UNSCOPED_OPERATOR).filter(callup=callup).order_by("id"))
        tc = callup.training_class
        if opts["format"] == "json":
            self._json({"code": callup.code, "title": callup.title, "status": callup.status, "mode": callup.mode,
                        "class_code": tc.code, "class_name": tc.name, "start_date": tc.start_date,
                        "end_date": tc.end_date, "deadline": callup.deadline, "issuer_code": callup.issuer.code,
                        "quotas": [{"unit_code": q.unit.code, "unit_name": q.unit.name, "places": q.places}
                                   for q in quotas],
                        "nominations": [_nomination_json(n) for n in nominations]})
            return
        head = (f"{callup.code}  {callup.title}\n班次：{tc.name}（{tc.code}），{tc.start_date} 至 {tc.end_date}\n"
                f"发文单位：{callup.issuer.name}；{callup.get_mode_display()}；{callup.get_status_display()}；"
                f"报名截止 {callup.deadline}")
        parts = [head]
        if quotas:
            parts.append(render_table(["单位编码", "单位", "名额"], [[q.unit.code, q.unit.name, q.places] for q in quotas]))
        parts.append(render_table(
            ["人员编码", "姓名", "身份证号", "单位", "状态", "冲突提示", "审核意见"],
            [[n.cadre.person_code, n.cadre.name, n.cadre.id_number_masked, n.cadre.org.name,
              n.get_status_display(), "；".join(w.get("label", "") for w in n.warnings or []), n.audit_note]
             for n in nominations]) + f"\n共 {len(nominations)} 人")
        self.emit("\n\n".join(parts), None)

    def _notice(self, opts):
        from ganxun.audit.events import EventType, record_event
        from ganxun.callups.documents import notice_document
        from ganxun.callups.selectors import access_callup

        path = Path(opts["file"])
        if path.suffix.lower() != ".docx":
            raise DomainError(f"{path}: 文件扩展名应为 .docx", code="bad_suffix")
        if not path.resolve().parent.is_dir():
            raise DomainError(f"{path}: 所在目录不存在", code="no_directory")
        callup = access_callup(UNSCOPED_OPERATOR, opts["code"])
        path.write_bytes(notice_document(callup))
        record_event(actor=UNSCOPED_OPERATOR, event_type=EventType.EXPORTED, subject_type="callup",
                     subject_code=callup.code, extra={"format": "docx"})
        self.stdout.write(f"已导出调训通知 {callup.code} 到 {path}")

    def _rates(self, opts):
        from ganxun.cadres.selectors import cadres_visible_to
        from ganxun.callups.exporters import RATE_HEADERS, export_rates, rate_row
        from ganxun.callups.rates import rates, total_of

        year = _year(opts["year"])
        cadres = cadres_visible_to(UNSCOPED_OPERATOR)
        if opts["org"]:
            cadres = cadres.filter(org__path__startswith=_org(opts["org"]).path)
        rows = rates(cadres, date(year, 1, 1), date(year, 12, 31), by=opts["by"])
        total = total_of(rows)
        fmt, output = opts["format"], opts["output"]
        if fmt == "json":
            def as_json(r):
                return {"key": r.key, "label": r.label, "staff": r.staff, "called": r.called, "call_ups": r.places,
                        "attended": r.attended, "completed": r.completed, "on_leave": r.on_leave,
                        "call_up_rate": r.call_up_rate, "participation_rate": r.participation_rate}

            self.emit(json.dumps({"year": year, "by": opts["by"], "rows": [as_json(r) for r in rows],
                                  "total": as_json(total)}, ensure_ascii=False, indent=1), output)
        elif fmt == "table":
            self.emit(render_table(RATE_HEADERS, [rate_row(r) for r in [*rows, total]]), output)
        else:
            if not output:
                raise DomainError("xlsx 格式需要 --output 文件名", code="output_required")
            with open(output, "wb") as handle:
                export_rates(acting_user=UNSCOPED_OPERATOR, rows=rows, total=total, target=handle, year=year,
                             by=opts["by"])
            self.stderr.write(f"已写入 {output}：{len(rows)} 行")

    def _plans(self, opts):
        from ganxun.callups.selectors import plans_visible_to

        plans = plans_visible_to(UNSCOPED_OPERATOR).select_related("org").order_by("-year", "org__path")
        if opts["year"]:
            plans = plans.filter(year=_year(opts["year"]))
        rows = [[p.pk, p.year, p.org.name, p.title, p.get_status_display()] for p in plans]
        self.emit(render_table(["计划编号", "年度", "单位", "名称", "状态"], rows) + f"\n共 {len(rows)} 份", None)

    def _plan(self, opts):
        from ganxun.callups.selectors import access_plan, plan_summary

        if not str(opts["plan_id"]).isdigit():
            raise DomainError(f"PLAN_ID 应为计划编号（整数），而不是 {opts['plan_id']!r}", code="invalid")
        data = plan_summary(access_plan(UNSCOPED_OPERATOR, int(opts["plan_id"])))
        if opts["format"] == "json":
            self._json(data)
            return
        parts = [f"{data['year']} 年 {data['title']}（{data['org_code']}）"]
        parts.append(render_table(["培训对象", "计划", "班次", "已调训/录入", "已结业", "计划表述"],
                                  [[t["group"], t["planned"], t["classes"], t["enrolled"], t["completed"], t["text"]]
                                   for t in data["targets"]]))
        if data["classes"]:
            parts.append(render_table(["班次", "计划人数", "调训", "录入", "结业"],
                                      [[c["class_code"], c["planned"], c["called"], c["enrolled"], c["completed"]]
                                       for c in data["classes"]]))
        if data["quotas"]:
            parts.append(render_table(["单位编码", "培训对象", "名额", "已调训", "已结业"],
                                      [[q["unit_code"], q["group"] or "（全部）", q["places"], q["called"], q["completed"]]
                                       for q in data["quotas"]]))
        self.emit("\n\n".join(parts), None)


def _org(code: str):
    from ganxun.orgs.models import Org

    org = Org.objects.filter(code=code).first()
    if org is None:
        raise DomainError(f"单位编码 {code} 不存在", code="unknown_org")
    return org


def _nomination_json(n) -> dict:
    return {"person_code": n.cadre.person_code, "name": n.cadre.name, "id_number": n.cadre.id_number_masked,
            "org_code": n.cadre.org.code, "status": n.status, "warnings": n.warnings, "audit_note": n.audit_note}
