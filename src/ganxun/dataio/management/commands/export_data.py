"""``ganxun export KIND FILE``: the import columns back out, as .xlsx or UTF-8 CSV (with BOM)."""

from pathlib import Path

from ganxun.core.dataio import CONTRACT_KINDS, export_kind, export_kinds, export_to_file
from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.dataio.management.commands.import_data import refuse_kind


class Command(GanxunCommand):
    help = "导出数据（export）：KIND 为 " + "、".join(CONTRACT_KINDS) + "；FILE 以 .xlsx 或 .csv 结尾。身份证号脱敏。"

    def add_arguments(self, parser):
        parser.add_argument("kind", metavar="KIND", help="数据类型：" + " | ".join(CONTRACT_KINDS))
        parser.add_argument("file", metavar="FILE", help="输出文件，.xlsx 或 .csv（UTF-8，带 BOM）")

    def handle(self, *args, **opts):
        kind_key, path = opts["kind"], opts["file"]
        kind = export_kind(kind_key)
        if kind is None:
            raise refuse_kind(kind_key, "导出", [k.key for k in export_kinds()])
        suffix = Path(path).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise DomainError(f"{path}: 文件扩展名应为 .xlsx 或 .csv", code="bad_suffix")
        if not Path(path).resolve().parent.is_dir():
            raise DomainError(f"{path}: 所在目录不存在", code="no_directory")
        count = export_to_file(kind, acting_user=UNSCOPED_OPERATOR, fmt=suffix[1:], target=path)
        self.stdout.write(f"已导出{kind.label} {count} 条到 {path}")
