from datetime import date

from ganxun.core.dbrouting import replica_reads
from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand, json_document, parse_day
from ganxun.plans.compliance import CadreResults, cadre_verdicts, compliance_scope, org_report
from ganxun.plans.output import XLSX_HEADERS, table, xlsx_row
from ganxun.plans.catalog import load_plan
from ganxun.plans.spec import PlanFileError
from ganxun.plans.subjects import subject_source
from ganxun.core.roles import UNSCOPED_OPERATOR


def _as_of(text: str) -> date:
    return parse_day("--as-of", text)


class Command(GanxunCommand):
    help = "规划指标达标评估（compliance）：按规划逐人、逐单位给出结论、差距和依据"

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="规划编号，如 henan-2019-2022、xuchang-2019-2022")
        parser.add_argument("--as-of", required=True, help="评估日期 YYYY-MM-DD")
        parser.add_argument("--subject", default="all", choices=["cadres", "classes", "orgs", "all"],
                            help="评估对象：干部、班次、单位/地区或全部")
        parser.add_argument("--org", default=None, help="只评估该单位编码及其下级")
        parser.add_argument("--person", default=None, help="只评估该人员编码")
        parser.add_argument("--format", default="json", choices=["json", "xlsx", "table"], help="输出格式")
        parser.add_argument("--output", default=None, help="输出文件；省略则写到标准输出（xlsx 必须指定）")
        parser.add_argument("--all-verdicts", action="store_true", help="也列出“不适用”的结论")
        parser.add_argument("--no-evidence", action="store_true", help="不列出证据记录（更快）")

    def handle(self, *args, **opts):
        # a report: with a read replica configured (GANXUN_REPLICA_URL) it reads there, like the report pages
        with replica_reads():
            self._report(opts)

    def _report(self, opts):
        try:
            plan = load_plan(opts["plan"])
        except PlanFileError as exc:
            raise DomainError(str(exc), code="unknown_plan") from None
        as_of = _as_of(opts["as_of"])
        from ganxun.plans.store import current_snapshot

        if (snapshot := current_snapshot(plan, as_of)) is not None:
            from django.utils import timezone

            self.stderr.write(f"干部指标结论取自达标结论库（{timezone.localtime(snapshot.finished_at):%Y-%m-%d %H:%M} "
                              "全量计算，此后的变动已随时更新）")
        verdicts, figures, known = [], [], None
        if opts["subject"] in ("cadres", "all"):
            cadres = compliance_scope(UNSCOPED_OPERATOR, org_code=opts["org"], person_code=opts["person"])
            verdicts += cadre_verdicts(plan, as_of, cadres, with_evidence=not opts["no_evidence"],
                                       include_not_applicable=opts["all_verdicts"])
            known = CadreResults.of(plan, as_of, verdicts)  # the same cadres the org figures read
        if opts["subject"] in ("orgs", "all") and not opts["person"]:
            org_results, org_figures = org_report(UNSCOPED_OPERATOR, plan, as_of, org_code=opts["org"],
                                                  include_not_applicable=opts["all_verdicts"], known=known)
            verdicts += org_results
            figures = [f.as_dict() for f in org_figures]
        classes = subject_source("class")
        if opts["subject"] in ("classes", "all") and classes is not None and not opts["person"]:
            verdicts += classes.verdicts(UNSCOPED_OPERATOR, plan, as_of, org_code=opts["org"],
                                         include_not_applicable=opts["all_verdicts"])
        fmt, output = opts["format"], opts["output"]
        if fmt == "json":
            body = {"plan": plan.id, "plan_version": plan.version, "as_of": as_of.isoformat(),
                    "results": [v.as_dict() for v in verdicts]}
            if figures:
                body["figures"] = figures
            self.emit(json_document(body), output)
        elif fmt == "table":
            self.emit(table(verdicts), output)
        else:
            if not output:
                raise DomainError("xlsx 格式需要 --output 文件名", code="output_required")
            from ganxun.core.xlsx import write_xlsx

            with open(output, "wb") as handle:
                write_xlsx(XLSX_HEADERS, (xlsx_row(v) for v in verdicts), sheet="达标评估", target=handle)
            self.stderr.write(f"已写入 {output}：{len(verdicts)} 条结论")
