from ganxun.core.management.base import GanxunCommand
from ganxun.records.totals import rebuild_totals, totals_differences


class Command(GanxunCommand):
    help = "核对年度学时汇总与学时台账，或按台账重算汇总（check or rebuild the per-year totals）"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="按台账重算全部年度汇总")

    def handle(self, *args, **opts):
        if opts["rebuild"]:
            written = rebuild_totals()
            self.stdout.write(f"已按台账重算年度学时汇总：{written} 行")
            return
        differing = totals_differences()
        if differing:
            self.stderr.write(f"年度学时汇总与台账有 {differing} 处不一致；运行 ganxun totals --rebuild 按台账重算")
            raise SystemExit(1)
        self.stdout.write("年度学时汇总与台账一致")
