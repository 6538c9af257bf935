"""The ``ganxun`` command: a thin front over Django management commands.

干训系统命令行。常用：
  ganxun demo [--port 8000] [--size small|city|province]   生成演示数据并启动 (demo)
  ganxun serve [--host 127.0.0.1] [--port 8000] [--workers N] [--no-worker]  启动服务及后台任务程序 (serve)
  ganxun worker                                             只运行后台任务程序 (background jobs)
  ganxun migrate                                            建立/升级数据库 (migrate)
  ganxun createadmin [--password-stdin]                     创建系统管理员、安全管理员、审计管理员 (三权分立)
  ganxun audit verify [--archive FILE]                      校验审计日志哈希链，断链时指出第一处 (exit 1)
  ganxun audit archive --before YYYY-MM-DD --output FILE    归档 180 天以前的审计日志到可校验文件
  ganxun import KIND FILE [--dry-run]                       导入 orgs|cadres|…，文件大小不限 (import)
  ganxun export KIND FILE                                   导出 (export)
  ganxun user add USERNAME --role ROLE [--scope ORG_CODE] [--person PERSON_CODE] --password-stdin
  ganxun user passwd USERNAME --password-stdin | ganxun user disable USERNAME [--reason R]   改密码（记入日志）/停用
  ganxun token create USERNAME [--days 1..3650] | ganxun token revoke USERNAME [--prefix P]
  ganxun compliance --plan PLAN_ID --as-of YYYY-MM-DD [--subject cadres|orgs|all] [--format json|xlsx|table]
  ganxun plan list | export PLAN FILE | import FILE [--owner ORG] [--publish] | publish PLAN   规划 (plans)
  ganxun callups list|show CODE|notice CODE FILE|rates --year Y|plans|plan ID   调训通知、调训统计、年度计划 (call-ups)
  ganxun conflicts --from YYYY-MM-DD --to YYYY-MM-DD [--org ORG_CODE] [--format json|xlsx|table]   调训冲突 (conflicts)
  ganxun verdicts rebuild [--plan P] [--as-of D] | check [--sample N] [--org ORG] | status   达标结论库 (verdict store)
  ganxun totals [--rebuild]                                 核对/重算年度学时汇总 (check/rebuild totals)
  ganxun keys status | rotate [--resume] [--batch N] | retire KEY_ID   身份证号加密密钥、轮换 (data keys)
  ganxun backup FILE                                        备份数据库和 VAR_DIR/files 到一个文件 (backup)
  ganxun restore FILE                                       恢复到空数据库并核对各表行数、台账校验值 (restore)
"""

import os
import sys

COMMANDS = {
    "serve": "serve",
    "worker": "worker",
    "demo": "demo",
    "migrate": "migrate",
    "createadmin": "createadmin",
    "audit": "audit",
    "import": "import_data",
    "export": "export_data",
    "user": "user",
    "token": "token",
    "compliance": "compliance",
    "plan": "plan",
    "totals": "totals",
    "backup": "backup",
    "restore": "restore",
    "verdicts": "verdicts",
    "conflicts": "conflicts",
    "callups": "callups",
    "keys": "keys",
    "check": "check",
    "shell": "shell",
    "dbshell": "dbshell",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.split("\n", 2)[2] if __doc__ else "")
        return 0
    name = argv[0]
    if name not in COMMANDS:
        print(f"未知命令：{name}（unknown command）。运行 ganxun --help 查看可用命令。", file=sys.stderr)
        return 2
    if name == "demo":
        os.environ.setdefault("GANXUN_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganxun.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    try:
        execute_from_command_line(["ganxun", COMMANDS[name], *argv[1:]])
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
