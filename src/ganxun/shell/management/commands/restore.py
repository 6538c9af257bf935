from ganxun.core.management.base import GanxunCommand
from ganxun.shell.backup import restore_backup


class Command(GanxunCommand):
    help = "把 ganxun backup 的备份文件恢复到一个空数据库，并与备份时的各表行数和台账合计校验值比对"

    def add_arguments(self, parser):
        parser.add_argument("file", help="ganxun backup 生成的备份文件")

    def handle(self, *args, **opts):
        result = restore_backup(opts["file"])
        expected = result.manifest["counts"]
        differing = set(result.differing_tables)
        width = max((len(name) for name in set(expected) | set(result.counts)), default=10)
        self.stdout.write(f"{'表':<{width - 1}}  {'备份时':>10}  {'恢复后':>10}")
        for name in sorted(set(expected) | set(result.counts)):
            mark = "  ← 不一致" if name in differing else ""
            self.stdout.write(f"{name:<{width}}  {expected.get(name, '—')!s:>10}  {result.counts.get(name, '—')!s:>10}{mark}")
        self.stdout.write(f"台账合计校验值：备份时 {result.manifest['ledger_sha256']}")
        self.stdout.write(f"              恢复后 {result.ledger_sha256}")
        self.stdout.write(f"已恢复 {result.files} 个文件（结班材料、报批证明材料）")
        if not result.ok:
            problems = []
            if differing:
                problems.append(f"{len(differing)} 张表的行数与备份时不同")
            if not result.ledger_matches:
                problems.append("台账合计校验值与备份时不同")
            self.stderr.write("恢复结果与备份时不一致：" + "；".join(problems))
            raise SystemExit(1)
        self.stdout.write(f"恢复完成：{len(expected)} 张表的行数和台账合计校验值都与备份时一致")
