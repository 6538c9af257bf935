"""``ganxun import KIND FILE [--dry-run]``: validate a whole table, then write it in one transaction."""

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


def read_file(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise DomainError(f"{path}: 文件不存在或不是普通文件", code="file_not_found")
    try:
        return file.read_bytes()
    except OSError as exc:
        raise DomainError(f"{path}: 无法读取文件（{exc.strerror}）", code="file_unreadable") from None


class Command(GanxunCommand):
    help = ("导入数据（import）：KIND 为 " + "、".join(CONTRACT_KINDS) +
            "；FILE 为 .xlsx（第一个工作表）或 UTF-8 编码的 .csv。先校验全部行，有错则一行也不写入。")

    def add_arguments(self, parser):
        parser.add_argument("kind", metavar="KIND", help="数据类型：" + " | ".join(CONTRACT_KINDS))
        parser.add_argument("file", metavar="FILE", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入数据库")

    def handle(self, *args, **opts):
        kind_key, path = opts["kind"], opts["file"]
        kind = import_kind(kind_key)
        if kind is None:
            raise refuse_kind(kind_key, "导入", [k.key for k in import_kinds()])
        from ganxun.core.tabular import read_table

        table = read_table(read_file(path), path)
        # The command line is the operator: unscoped, and said so.
        report = kind.run(acting_user=UNSCOPED_OPERATOR, table=table, dry_run=opts["dry_run"])
        self.stdout.write(f"{path}: {kind.label} {report.summary()}")
