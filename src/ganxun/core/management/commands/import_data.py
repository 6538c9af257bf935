"""``ganxun import KIND FILE [--dry-run]``: validate a whole table, then write it in one transaction."""

from pathlib import Path

from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import UNSCOPED_OPERATOR

# Every KIND the interface names (interfaces.md); the ones this version imports are SUPPORTED.
KIND_LABELS = {
    "orgs": "组织机构", "cadres": "干部名册", "institutions": "培训机构", "teachers": "师资",
    "courses": "课程", "classes": "培训班次", "sessions": "课程安排", "enrolments": "学员报名", "records": "培训记录",
}
SUPPORTED = ("orgs", "cadres", "institutions", "records")


def check_kind(kind: str, verb: str) -> None:
    """Refuse a kind this version does not handle, naming the ones it does."""
    supported = "、".join(f"{k}（{KIND_LABELS[k]}）" for k in SUPPORTED)
    if kind not in KIND_LABELS:
        raise DomainError(f"未知的数据类型 {kind}。可选：{', '.join(KIND_LABELS)}；当前版本支持{verb}的是 {supported}",
                          code="unknown_kind")
    if kind not in SUPPORTED:
        raise DomainError(f"当前版本还不能{verb} {kind}（{KIND_LABELS[kind]}）。当前支持{verb}的类型：{supported}",
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
    help = ("导入数据（import）：KIND 为 " + "、".join(KIND_LABELS) +
            "；FILE 为 .xlsx（第一个工作表）或 UTF-8 编码的 .csv。先校验全部行，有错则一行也不写入。")

    def add_arguments(self, parser):
        parser.add_argument("kind", metavar="KIND", help="数据类型：" + " | ".join(KIND_LABELS))
        parser.add_argument("file", metavar="FILE", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入数据库")

    def handle(self, *args, **opts):
        kind, path = opts["kind"], opts["file"]
        check_kind(kind, "导入")
        from ganxun.core.tabular import read_table

        table = read_table(read_file(path), path)
        if kind == "orgs":
            from ganxun.orgs.importers import import_orgs as importer
        elif kind == "institutions":
            from ganxun.resources.importers import import_institutions as importer
        elif kind == "records":
            from ganxun.records.importers import import_records as importer
        else:
            from ganxun.cadres.importers import import_cadres as importer
        # The command line is the operator: no user, unscoped.
        report = importer(acting_user=UNSCOPED_OPERATOR, table=table, dry_run=opts["dry_run"])
        self.stdout.write(f"{path}: {KIND_LABELS[kind]} {report.summary()}")
