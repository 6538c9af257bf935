import getpass
import sys

from ganxun.accounts.services import user_create
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import UNSCOPED_OPERATOR


class Command(GanxunCommand):
    help = "创建系统管理员（create a superuser）"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")

    def handle(self, *args, **opts):
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("密码：")
            if getpass.getpass("再次输入：") != password:
                self.stderr.write("两次输入的密码不一致")
                sys.exit(2)
        user_create(acting_user=UNSCOPED_OPERATOR, username=opts["username"], password=password, role="superuser")
        self.stdout.write(f"已创建系统管理员 {opts['username']}")
