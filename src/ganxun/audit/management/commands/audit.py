"""``ganxun audit verify [--archive FILE]`` and ``ganxun audit archive --before YYYY-MM-DD --output FILE``."""

import sys
from pathlib import Path

from ganxun.audit import services
from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand, parse_day


class Command(GanxunCommand):
    help = "审计日志：校验哈希链（verify），归档 180 天以前的日志（archive）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="逐行校验审计日志的哈希链；断链时指出第一处并以 1 退出")
        verify.add_argument("--archive", metavar="FILE", help="改为校验一个归档文件")
        archive = sub.add_parser("archive", help="把 DATE 以前（至少 180 天前）的日志移到可校验的归档文件")
        archive.add_argument("--before", required=True, metavar="YYYY-MM-DD")
        archive.add_argument("--output", required=True, metavar="FILE")

    def handle(self, *args, **opts):
        if opts["action"] == "verify":
            if opts["archive"]:
                path = Path(opts["archive"])
                if not path.is_file():
                    raise DomainError(f"归档文件 {path} 不存在", code="no_file")
                verdict = services.verify_archive(path)
                what = f"归档文件 {path.name}"
            else:
                verdict = services.verify_table()
                what = "审计日志"
            if not verdict.ok:
                self.stderr.write(f"{what}校验失败：{verdict.problem}；此前 {verdict.count} 行完好")
                sys.exit(1)
            self.stdout.write(f"{what}校验通过：共 {verdict.count} 行，哈希链完整")
            return
        before = parse_day("--before", opts["before"])
        anchor = services.archive(before=before, output=Path(opts["output"]))
        self.stdout.write(f"已归档 {anchor.count} 行（{before} 以前，至 id={anchor.through_id}）到 {opts['output']}；"
                          f"文件 SHA-256 {anchor.file_sha256}")
