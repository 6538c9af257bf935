"""``ganxun export KIND FILE``: the import columns back out, as .xlsx or UTF-8 CSV (with BOM)."""

from pathlib import Path

from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand
from ganxun.core.management.commands.import_data import KIND_LABELS, check_kind


class Command(GanxunCommand):
    help = "导出数据（export）：KIND 为 " + "、".join(KIND_LABELS) + "；FILE 以 .xlsx 或 .csv 结尾。身份证号脱敏。"

    def add_arguments(self, parser):
        parser.add_argument("kind", metavar="KIND", help="数据类型：" + " | ".join(KIND_LABELS))
        parser.add_argument("file", metavar="FILE", help="输出文件，.xlsx 或 .csv（UTF-8，带 BOM）")

    def handle(self, *args, **opts):
        kind, path = opts["kind"], opts["file"]
        check_kind(kind, "导出")
        suffix = Path(path).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise DomainError(f"{path}: 文件扩展名应为 .xlsx 或 .csv", code="bad_suffix")
        if not Path(path).resolve().parent.is_dir():
            raise DomainError(f"{path}: 所在目录不存在", code="no_directory")
        fmt = suffix[1:]
        if kind == "orgs":
            from ganxun.orgs.exporters import export_orgs_unscoped as exporter
        elif kind == "institutions":
            from ganxun.resources.exporters import export_institutions_unscoped as exporter
        elif kind == "records":
            from ganxun.records.exporters import export_records_unscoped as exporter
        else:
            from ganxun.cadres.exporters import export_cadres_unscoped as exporter
        _, count = exporter(fmt=fmt, target=path)
        self.stdout.write(f"已导出{KIND_LABELS[kind]} {count} 条到 {path}")
