from ganxun.core.management.base import GanxunCommand
from ganxun.shell.backup import make_backup


class Command(GanxunCommand):
    help = "备份数据库和 VAR_DIR/files 下的文件到一个备份文件（PostgreSQL：pg_dump -Fc；SQLite：在线备份）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（不能已存在）")

    def handle(self, *args, **opts):
        result = make_backup(opts["file"])
        manifest = result.manifest
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"已备份到 {result.path}：{len(manifest['counts'])} 张表共 {rows} 行，"
                          f"{len(manifest['files'])} 个文件")
        self.stdout.write(f"台账合计校验值：{manifest['ledger_sha256']}")
