import json

from ganxun.callups.conflicts import KINDS, find_conflicts
from ganxun.callups.exporters import CONFLICT_HEADERS, conflict_row, export_conflicts
from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand, parse_day
from ganxun.core.roles import UNSCOPED_OPERATOR





class Command(GanxunCommand):
    help = "调训冲突检查（conflicts）：多头调训、重复调训、长期不训、单位同时在训人数超限"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="frm", required=True, help="起始日期 YYYY-MM-DD")
        parser.add_argument("--to", required=True, help="截止日期 YYYY-MM-DD")
        parser.add_argument("--org", default=None, help="只检查该单位编码及其下级")
        parser.add_argument("--kind", action="append", choices=list(KINDS), help="只检查这一类（可重复）")
        parser.add_argument("--format", default="json", choices=["json", "xlsx", "table"], help="输出格式")
        parser.add_argument("--output", default=None, help="输出文件；省略则写到标准输出（xlsx 必须指定）")

    def handle(self, *args, **opts):
        frm, to = parse_day("--from", opts["frm"]), parse_day("--to", opts["to"])
        if frm > to:
            raise DomainError("--from 不能晚于 --to", code="invalid_date")
        found = find_conflicts(UNSCOPED_OPERATOR, frm, to, org_code=opts["org"],
                               kinds=set(opts["kind"]) if opts["kind"] else None)
        fmt, output = opts["format"], opts["output"]
        if fmt == "json":
            text = json.dumps({"from": frm.isoformat(), "to": to.isoformat(),
                               "conflicts": [c.as_json() for c in found]}, ensure_ascii=False, indent=1)
            self.emit(text, output)
        elif fmt == "table":
            lines = ["\t".join(CONFLICT_HEADERS)] + ["\t".join("" if v is None else str(v) for v in conflict_row(c))
                                                     for c in found]
            lines.append(f"共 {len(found)} 条")
            self.emit("\n".join(lines), output)
        else:
            if not output:
                raise DomainError("xlsx 格式需要 --output 文件名", code="output_required")
            with open(output, "wb") as handle:
                export_conflicts(acting_user=UNSCOPED_OPERATOR, conflicts=found, target=handle, window=f"{frm}~{to}")
            self.stderr.write(f"已写入 {output}：{len(found)} 条冲突")
