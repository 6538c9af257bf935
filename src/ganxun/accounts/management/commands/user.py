import getpass
import sys

from ganxun.accounts.models import Role
from ganxun.accounts.services import user_create, user_deactivate, user_set_password
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import UNSCOPED_OPERATOR


class Command(GanxunCommand):
    help = "用户管理（users）：add / passwd / disable"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新增用户")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values, help="角色")
        add.add_argument("--scope", default="", help="管理范围：单位编码 (ORG_CODE)")
        add.add_argument("--person", default="", help="干部本人：人员编码 (PERSON_CODE)")
        add.add_argument("--institution", default="", help="培训机构编码 (INSTITUTION_CODE)")
        add.add_argument("--name", default="", help="显示姓名")
        add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
        pw = sub.add_parser("passwd", help="修改密码")
        pw.add_argument("username")
        pw.add_argument("--password-stdin", action="store_true")
        dis = sub.add_parser("disable", help="停用用户（立即结束其会话和令牌）")
        dis.add_argument("username")
        dis.add_argument("--reason", default="")

    def _password(self, opts) -> str:
        if opts.get("password_stdin"):
            return sys.stdin.readline().rstrip("\n")
        return getpass.getpass("密码：")

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "add":
            user = user_create(acting_user=UNSCOPED_OPERATOR, username=opts["username"], password=self._password(opts),
                               role=opts["role"], scope_code=opts["scope"], person_code=opts["person"],
                               institution_code=opts["institution"], display_name=opts["name"])
            self.stdout.write(f"已新增用户 {user.username}（{user.role_label}）")
        elif action == "passwd":
            user_set_password(acting_user=UNSCOPED_OPERATOR, username=opts["username"], password=self._password(opts))
            self.stdout.write("密码已修改")
        else:
            user_deactivate(acting_user=UNSCOPED_OPERATOR, username=opts["username"], reason=opts["reason"])
            self.stdout.write(f"已停用用户 {opts['username']}")
