from ganxun.accounts.services import token_create, token_revoke
from ganxun.core.management.base import GanxunCommand
from ganxun.core.roles import UNSCOPED_OPERATOR


class Command(GanxunCommand):
    help = "接口令牌（API tokens）：create / revoke"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建令牌（只显示一次）")
        create.add_argument("username")
        create.add_argument("--name", default="", help="用途")
        create.add_argument("--days", type=int, default=None, help="有效天数，1 到 3650（默认 365）")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("username")
        revoke.add_argument("--prefix", default=None, help="只吊销以此开头的令牌；省略则吊销该用户全部令牌")

    def handle(self, *args, **opts):
        if opts["action"] == "create":
            token, raw = token_create(acting_user=UNSCOPED_OPERATOR, username=opts["username"], name=opts["name"],
                                      days=opts["days"])
            self.stdout.write(raw)
            self.stderr.write(f"令牌已创建，有效期至 {token.expires_at:%Y-%m-%d}。它只显示这一次，请妥善保存。")
        else:
            count = token_revoke(acting_user=UNSCOPED_OPERATOR, username=opts["username"], prefix=opts["prefix"])
            self.stdout.write(f"已吊销 {count} 个令牌")
