"""``ganxun plan list | show | export | import | publish``: the plans, from the command line (the operator)."""

from pathlib import Path

from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.core.text import render_table
from ganxun.plans import catalog
from ganxun.plans.models import PlanDocument
from ganxun.plans.services import plan_import, plan_publish
from ganxun.plans.spec import PlanFileError, dump_yaml


class Command(GanxunCommand):
    help = "规划（plans）：list 列出已发布的规划 / export 导出规划文件 / import 导入为草稿 / publish 发布草稿"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="列出已发布的规划和各地的草稿")
        export = sub.add_parser("export", help="导出规划文件（YAML）")
        export.add_argument("plan", metavar="PLAN_ID")
        export.add_argument("file", metavar="FILE")
        export.add_argument("--version", type=int, default=None, help="版本（默认现行版本）")
        imp = sub.add_parser("import", help="导入规划文件为草稿（同一 id 的规划替换其草稿）")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--owner", default=None, help="新规划适用的地区（单位编码）")
        imp.add_argument("--publish", action="store_true", help="导入后立即发布")
        pub = sub.add_parser("publish", help="发布草稿为新的版本")
        pub.add_argument("plan", metavar="PLAN_ID")
        pub.add_argument("--note", default="", help="发布说明")

    def handle(self, *args, **opts):
        getattr(self, f"_{opts['action']}")(opts)

    def _list(self, opts):
        rows = [[p.id, p.title, p.period_label, "随系统提供" if p.shipped else f"第 {p.version} 版",
                 "演示示例" if p.example else ""] for p in catalog.all_plans()]
        drafts = PlanDocument.objects.filter(versions__isnull=True).select_related("owner_org")
        rows += [[d.code, d.title, "", f"草稿（{d.owner_org.name}）", ""] for d in drafts]
        self.stdout.write(render_table(["规划编号", "规划名称", "规划期", "版本", ""], rows))

    def _export(self, opts):
        try:
            plan = catalog.load_plan(opts["plan"], opts["version"])
        except PlanFileError as exc:
            raise DomainError(str(exc), code="unknown_plan") from None
        Path(opts["file"]).write_text(dump_yaml(plan.raw), encoding="utf-8")
        self.stdout.write(f"已导出 {plan.title}（第 {plan.version} 版）到 {opts['file']}")

    def _import(self, opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise DomainError(f"{path}: 文件不存在", code="file_not_found")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(f"{path}: 不是 UTF-8 编码的文本文件", code="not_text") from None
        doc = plan_import(acting_user=UNSCOPED_OPERATOR, text=text, filename=path.name, owner_code=opts["owner"])
        self.stdout.write(f"已导入 {doc.title}（{doc.code}）为草稿")
        if opts["publish"]:
            version = plan_publish(acting_user=UNSCOPED_OPERATOR, code=doc.code, note=f"命令行导入 {path.name}")
            self.stdout.write(f"已发布第 {version.number} 版")

    def _publish(self, opts):
        version = plan_publish(acting_user=UNSCOPED_OPERATOR, code=opts["plan"], note=opts["note"])
        self.stdout.write(f"已发布 {opts['plan']} 第 {version.number} 版")
