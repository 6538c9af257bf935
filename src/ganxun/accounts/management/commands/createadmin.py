"""``ganxun createadmin``: the three administrators of 三权分立 (系统管理员, 安全管理员, 审计管理员).

Each gets its own password (one line each from standard input with ``--password-stdin``, in that order,
else asked twice at the prompt). ``--superuser`` makes the first set-up's superuser instead (docs/roles.md).
"""

import getpass
import sys

from ganxun.accounts.models import User
from ganxun.accounts.services import _password_errors, user_create
from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import ROLE_LABELS, UNSCOPED_OPERATOR, Role

ADMINS = ((Role.SYS_ADMIN, "sysadmin"), (Role.SEC_ADMIN, "secadmin"), (Role.AUDIT_ADMIN, "auditadmin"))


class Command(GanxunCommand):
    help = "创建三权分立的三个管理员：系统管理员、安全管理员、审计管理员（create the three administrators）"

    def add_arguments(self, parser):
        parser.add_argument("--sys-username", default="sysadmin", help="系统管理员的用户名（默认 sysadmin）")
        parser.add_argument("--sec-username", default="secadmin", help="安全管理员的用户名（默认 secadmin）")
        parser.add_argument("--audit-username", default="auditadmin", help="审计管理员的用户名（默认 auditadmin）")
        parser.add_argument("--superuser", metavar="USERNAME", default="",
                            help="改为创建一个超级管理员（仅供初次部署导入数据，用后应停用）")
        parser.add_argument("--password-stdin", action="store_true",
                            help="从标准输入读取密码，每个账号一行，依次为系统、安全、审计管理员")

    def _password(self, opts, username: str, label: str) -> str:
        if opts["password_stdin"]:
            line = sys.stdin.readline()
            if not line:
                raise DomainError(f"标准输入缺少{label} {username} 的密码（每个账号一行）", code="password_missing")
            return line.rstrip("\n")
        password = getpass.getpass(f"{label} {username} 的密码：")
        if getpass.getpass("再次输入：") != password:
            raise DomainError(f"{label} {username} 两次输入的密码不一致", code="password_mismatch")
        return password

    def handle(self, *args, **opts):
        if opts["superuser"]:
            accounts = [(Role.SUPERUSER, opts["superuser"])]
        else:
            accounts = [(role, opts[f"{key}_username"]) for (role, _), key in zip(ADMINS, ("sys", "sec", "audit"))]
        if len({name for _, name in accounts}) != len(accounts):
            raise DomainError("三个管理员的用户名必须互不相同", code="duplicate_username")
        passwords = [self._password(opts, name, ROLE_LABELS[role]) for role, name in accounts]
        # all three or none: every name and password is checked before the first account is made
        for (role, name), password in zip(accounts, passwords):
            if User.objects.filter(username=name).exists():
                raise DomainError(f"用户名 {name} 已存在", code="duplicate_username")
            _password_errors(password, User(username=name, role=role))
        for (role, name), password in zip(accounts, passwords):
            user_create(acting_user=UNSCOPED_OPERATOR, username=name, password=password, role=role)
        for role, name in accounts:
            self.stdout.write(f"已创建{ROLE_LABELS[role]} {name}")
