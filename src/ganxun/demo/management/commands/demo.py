"""``ganxun demo``: build (or reuse) the demo database, print the URL and the demo logins, serve it."""

import time
from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.db import connection, connections

from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand
from ganxun.core.text import render_table
from ganxun.demo.cache import DemoCache, demo_key, sqlite_has_demo
from ganxun.demo.classes import write_document_files
from ganxun.demo.generator import DEFAULT_SEED, SIZES, build_demo, existing_accounts
from ganxun.demo.records import FIRST_YEAR

SIZE_HELP = "规模 (size)：small 约 500 名干部；city 约 1 万名（默认）；province 约 10 万名"
DEMO_CITY = ("4199", "示例市")


def _day(day: date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


class Command(GanxunCommand):
    help = "生成或刷新演示数据库（虚构的示例市），打印网址和演示账号，并启动服务（build the demo and serve it）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址 (host)")
        parser.add_argument("--port", type=int, default=8000, help="端口 (port)")
        parser.add_argument("--size", choices=list(SIZES), default="city", help=SIZE_HELP)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子；同一种子总是生成同样的数据")
        parser.add_argument("--refresh", action="store_true", help="删除已有的演示数据，重新生成 (rebuild)")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据库，不启动服务")
        parser.add_argument("--no-cache", action="store_true",
                            help="不使用也不保存演示数据库缓存（缓存目录见 README：同一天、同规模、同种子、同版本时复用）")

    def handle(self, *args, **opts):
        from ganxun.orgs.selectors import all_orgs_unscoped

        dropped = self._drop_if_asked(opts["refresh"])
        started = time.perf_counter()
        database = self._sqlite_file()
        cache = None if opts["no_cache"] or database is None else DemoCache.default()
        key = demo_key(opts["size"], opts["seed"]) if cache else None
        restored = False
        if cache and not sqlite_has_demo(database) and cache.has(key):
            connections.close_all()
            restored = cache.restore(key, database)
        call_command("migrate", interactive=False, verbosity=0)
        if dropped == "flush":
            call_command("flush", interactive=False, verbosity=0)
        if all_orgs_unscoped().exists():
            if not self._is_demo():
                raise DomainError("当前数据库中不是演示数据：ganxun demo 只用于演示数据库（正式数据请用 ganxun serve）。"
                                  "请用 GANXUN_DATABASE_URL 指定另一个数据库，或在空目录中运行 ganxun demo。",
                                  code="not_demo_database")
            if restored:
                self.stdout.write(f"已从缓存取得今天生成的演示数据（规模 {opts['size']}，随机种子 {opts['seed']}；"
                                  f"{cache.entry(key)}），用时 {time.perf_counter() - started:.1f} 秒。"
                                  "加 --no-cache 可重新生成。")
            else:
                self.stdout.write("数据库中已有演示数据，直接使用（加 --refresh 可删除后重新生成）。")
                self._say_how_recent()
            accounts = existing_accounts()
            write_document_files()   # the classes' placeholder documents (the cache holds the database only)
        else:
            self.stdout.write(f"正在生成演示数据（规模 {opts['size']}，随机种子 {opts['seed']}）……")
            summary = build_demo(opts["size"], opts["seed"])
            cities = "、".join(summary.cities[:3]) + ("等" if len(summary.cities) > 3 else "")
            self.stdout.write(
                f"已生成：河南省下 {len(summary.cities)} 个市（{cities}）、{summary.counties} 个县（市、区）、"
                f"{summary.townships} 个乡镇（街道）、{summary.units} 个单位、{summary.org_departments} 个组织部、"
                f"{summary.cadres:,} 名干部、{summary.institutions} 个培训机构、{summary.classes:,} 个培训班次、"
                f"{summary.records:,} 条学时记录"
                f"（{FIRST_YEAR} 年 1 月 1 日至 {_day(summary.last_day)}）；用时 {summary.seconds:.1f} 秒。")
            accounts = summary.accounts
            self._fill_verdict_store(summary.last_day)
            if cache and key.day == summary.last_day:
                connections.close_all()  # the whole build on disk before the copy
                stored = cache.store(key, database)
                self.stdout.write(f"已保存到缓存 {stored}（今天再次生成同样的演示数据时直接复制）。")
        url = f"http://{opts['host']}:{opts['port']}/"
        self.stdout.write("")
        self.stdout.write(f"网址：{url}")
        self.stdout.write("演示账号（密码均为下表所列；登录后请勿用于真实数据）：")
        rows = [[a.username, a.role_label, a.scope, a.password] for a in accounts]
        self.stdout.write(render_table(["用户名", "角色", "管理范围", "密码"], rows))
        self.stdout.write("")
        if opts["no_serve"]:
            self.stdout.write("未启动服务（--no-serve）。去掉该选项再运行 ganxun demo 即可启动，数据会保留。")
            return
        call_command("serve", host=opts["host"], port=opts["port"], no_migrate=True)

    def _say_how_recent(self) -> None:
        """The ledger stops on the day it was built: say so when that was more than a few days ago (the
        current year's indicators then look behind pace)."""
        from django.db.models import Max

        from ganxun.records.models import LearningRecord

        latest = LearningRecord.objects.aggregate(latest=Max("end_date"))["latest"]
        if latest is not None and (date.today() - latest).days > 7:
            self.stdout.write(f"其中的学时记录截至 {_day(latest)}；加 --refresh 可按今天的日期重新生成。")

    @staticmethod
    def _sqlite_file() -> Path | None:
        """The database file when the demo runs on SQLite (the cache copies files), else None."""
        if connection.vendor != "sqlite" or connection.is_in_memory_db():
            return None
        return Path(connection.settings_dict["NAME"])

    @staticmethod
    def _is_demo() -> bool:
        from ganxun.orgs.models import Org

        return Org.objects.filter(code=DEMO_CITY[0], name=DEMO_CITY[1]).exists()

    def _fill_verdict_store(self, day) -> None:
        """The plans in force on the demo's day, evaluated into the verdict store (the dashboard reads it)."""
        from ganxun.plans.catalog import all_plans
        from ganxun.plans.store import rebuild

        started = time.perf_counter()
        rows = sum(r.rows for plan in all_plans() if plan.start <= day <= plan.end
                   for r in rebuild(plan_id=plan.id, dates=[day]))
        self.stdout.write(f"已计算达标结论库：{rows:,} 条结论（{_day(day)}），用时 {time.perf_counter() - started:.1f} 秒。")

    def _drop_if_asked(self, refresh: bool) -> str:
        """Delete the demo database before rebuilding; refuse to touch a database that is not the demo's."""
        if not refresh:
            return ""
        from ganxun.orgs.models import Org

        if "orgs_org" in connection.introspection.table_names():
            if Org.objects.exists() and not self._is_demo():
                raise DomainError("当前数据库中不是演示数据，--refresh 不会清空它。"
                                  "请用 GANXUN_DATABASE_URL 指定另一个数据库，或在空目录中运行 ganxun demo。",
                                  code="not_demo_database")
        if connection.vendor == "sqlite" and not connection.is_in_memory_db():
            path = Path(connection.settings_dict["NAME"])
            connections.close_all()
            for suffix in ("", "-wal", "-shm", "-journal"):
                candidate = path.with_name(path.name + suffix)
                if candidate.exists():
                    candidate.unlink()
            self.stdout.write(f"已删除旧的演示数据库 {path}")
            return "deleted"
        return "flush"
