"""``ganxun import KIND FILE [--dry-run]``: validate a whole table, then write it in one transaction.

The command line takes files of any size: the file is read as a stream (``core.tabular.open_table``).
A kind that ``streams`` (学习记录) checks and writes it chunk by chunk inside its one transaction, so
memory does not grow with the file; the others gather the rows first (their tables are the registry's
size, not the ledger's) and then match them at once.
"""

import sys
import time
from pathlib import Path

from ganxun.core.dataio import CONTRACT_KINDS, import_kind, import_kinds
from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import UNSCOPED_OPERATOR


def refuse_kind(kind: str, verb: str, available: list[str]) -> DomainError:
    """A kind no app handles: unknown, or named by the interface but not built yet."""
    supported = "、".join(f"{k}（{CONTRACT_KINDS.get(k, k)}）" for k in available)
    if kind not in CONTRACT_KINDS:
        return DomainError(f"未知的数据类型 {kind}。可选：{', '.join(CONTRACT_KINDS)}；当前版本支持{verb}的是 {supported}",
                           code="unknown_kind")
    return DomainError(f"当前版本还不能{verb} {kind}（{CONTRACT_KINDS[kind]}）。当前支持{verb}的类型：{supported}",
                       code="kind_not_supported")


def check_file(path: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise DomainError(f"{path}: 文件不存在或不是普通文件", code="file_not_found")
    return file


def run_import(kind, *, acting_user, path, source: str, dry_run: bool, progress=None, sink=None, limited=False,
               on_wait=None):
    """Read ``path`` as a stream and run ``kind`` on it (the command and the background jobs share this).

    One import at a time per server (``dataio.lock``): this waits for its turn (``on_wait`` is told)."""
    from ganxun.core.tabular import open_table, rows_to
    from ganxun.dataio.lock import heavy_import

    with heavy_import(wait=True, on_wait=on_wait), open_table(path, source, limited=limited) as stream, \
            rows_to(sink):
        if kind.streams:
            return kind.run(acting_user=acting_user, table=stream, dry_run=dry_run, progress=progress)
        table = stream.to_table()
        if progress is not None:
            progress(len(table.rows), 0.5)
        report = kind.run(acting_user=acting_user, table=table, dry_run=dry_run)
        if progress is not None:
            progress(len(table.rows), 1.0)
        return report


class Command(GanxunCommand):
    help = ("导入数据（import）：KIND 为 " + "、".join(CONTRACT_KINDS) +
            "；FILE 为 .xlsx（第一个工作表）或 UTF-8 编码的 .csv，大小不限。先校验全部行，有错则一行也不写入。")

    def add_arguments(self, parser):
        parser.add_argument("kind", metavar="KIND", help="数据类型：" + " | ".join(CONTRACT_KINDS))
        parser.add_argument("file", metavar="FILE", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入数据库")
        parser.add_argument("--quiet", action="store_true", help="不显示进度")

    def handle(self, *args, **opts):
        kind_key, path = opts["kind"], opts["file"]
        kind = import_kind(kind_key)
        if kind is None:
            raise refuse_kind(kind_key, "导入", [k.key for k in import_kinds()])
        check_file(path)
        started = time.monotonic()
        show = not opts["quiet"] and sys.stderr.isatty()

        def progress(done: int, fraction: float) -> None:
            if show:
                self.stderr.write(f"\r已读取 {done} 行（{fraction:.0%}），用时 {time.monotonic() - started:.0f} 秒",
                                  ending="")
                self.stderr.flush()

        # The command line is the operator: unscoped, and said so.
        report = run_import(kind, acting_user=UNSCOPED_OPERATOR, path=path, source=path, dry_run=opts["dry_run"],
                            progress=progress, on_wait=lambda: self.stderr.write("已有导入正在进行，等待其结束后开始…"))
        if show:
            self.stderr.write("")
        self.stdout.write(f"{path}: {kind.label} {report.summary()}")
