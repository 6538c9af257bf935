"""``ganxun verdicts rebuild | check | status``: the verdict store, rebuilt and checked from the command line."""

import sys
import time

from ganxun.core.management.base import GanxunCommand, parse_day
from django.utils import timezone

from ganxun.core.text import render_table


class Command(GanxunCommand):
    help = ("达标结论库（verdict store）：rebuild 按规划重算全部干部的结论 / check 抽样与重新计算比对，不一致时退出码 1 / "
            "status 列出各规划、各评估日期的结论快照")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="重算达标结论（写入新快照，完成后替换旧快照）")
        rebuild.add_argument("--plan", default=None, help="只重算该规划（默认全部已发布的规划）")
        rebuild.add_argument("--as-of", dest="as_of", action="append", default=None,
                             help="评估日期 YYYY-MM-DD（可重复；默认各年度末、规划期末和今天）")
        rebuild.add_argument("--jobs", type=int, default=None,
                             help="同时计算的进程数（默认每个 CPU 核一个、最多 8 个；SQLite 上总是 1 个）")
        check = sub.add_parser("check", help="抽样重新计算并与结论库比对")
        check.add_argument("--plan", default=None, help="只检查该规划")
        check.add_argument("--sample", type=int, default=200, help="随机抽取的干部数（默认 200）")
        check.add_argument("--org", default=None, help="另外检查该单位编码及其下级的全部干部")
        check.add_argument("--seed", type=int, default=None, help="随机种子（复现一次检查）")
        sub.add_parser("status", help="列出结论快照")

    def handle(self, *args, **opts):
        getattr(self, f"_{opts['action']}")(opts)

    def _rebuild(self, opts):
        from ganxun.plans.store import default_jobs, rebuild

        dates = [parse_day("--as-of", d) for d in opts["as_of"]] if opts["as_of"] else None
        jobs = opts["jobs"] if opts["jobs"] is not None else default_jobs()
        if jobs < 1:
            from ganxun.core.errors import DomainError

            raise DomainError("--jobs 应为正整数（同时计算的进程数）", code="invalid")
        began = time.perf_counter()
        results = rebuild(plan_id=opts["plan"], dates=dates, progress=lambda line: self.stderr.write(line), jobs=jobs)
        rows = sum(r.rows for r in results)
        self.stdout.write(f"已重算 {len(results)} 个快照，共 {rows} 条结论，用时 {time.perf_counter() - began:.1f} 秒")

    def _check(self, opts):
        from ganxun.plans.store import check

        if opts["sample"] < 0:
            from ganxun.core.errors import DomainError

            raise DomainError("--sample 不能为负数", code="invalid")
        checked, differences = check(plan_id=opts["plan"], sample=opts["sample"], org_code=opts["org"],
                                     seed=opts["seed"])
        from ganxun.plans.store import pending

        waiting = pending()
        if waiting:
            self.stderr.write(f"另有 {waiting} 名干部的结论待更新（读取时按台账实时计算），未参加比对")
        for d in differences[:200]:
            self.stdout.write(str(d))
        if differences:
            more = "（只列出前 200 条）" if len(differences) > 200 else ""
            self.stderr.write(f"结论库与重新计算不一致：{len(differences)} 处{more}；检查了 {checked} 名干部")
            sys.exit(1)
        self.stdout.write(f"结论库与重新计算一致：检查了 {checked} 名干部")

    def _status(self, opts):
        from ganxun.plans.store import snapshots

        rows = [[s.plan_id, s.plan_version, s.as_of, s.get_state_display(), s.cadres, s.rows,
                 timezone.localtime(s.finished_at).strftime("%Y-%m-%d %H:%M") if s.finished_at else ""] for s in snapshots()]
        self.stdout.write(render_table(["规划", "版本", "评估日期", "状态", "干部数", "结论数", "完成时间"], rows))
