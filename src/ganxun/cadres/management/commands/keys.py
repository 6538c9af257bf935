"""``ganxun keys status | rotate [--resume] [--batch N] | retire KEY_ID``: the 身份证号 encryption keys."""

import time

from ganxun.core.errors import DomainError
from ganxun.core.management.base import GanxunCommand


class Command(GanxunCommand):
    help = ("身份证号加密密钥：status 显示当前密钥与各密钥加密的干部数 / rotate 新建密钥并重新加密全部号码"
            "（分批提交，中断后用 --resume 继续）/ retire 删除不再使用的旧密钥")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="当前密钥、密钥来源、各密钥加密的干部数")
        rotate = sub.add_parser("rotate", help="新建一个密钥设为当前密钥，并用它重新加密全部身份证号")
        rotate.add_argument("--resume", action="store_true",
                            help="不新建密钥，只把仍由旧密钥加密的号码重新加密（中断后继续）")
        rotate.add_argument("--batch", type=int, default=5000, help="每个事务重新加密的干部数（默认 5000）")
        retire = sub.add_parser("retire", help="从密钥文件中删除一个已无干部使用的旧密钥")
        retire.add_argument("key_id", type=int, help="密钥编号")

    def handle(self, *args, **opts):
        getattr(self, f"_{opts['action']}")(opts)

    def _status(self, opts):
        from ganxun.cadres.keys import key_status

        s = key_status()
        self.stdout.write(f"密钥来源：{s.source}")
        self.stdout.write(f"当前密钥：第 {s.current} 号（共 {len(s.keys)} 个：{'、'.join(map(str, s.keys))}）")
        for key_id, n in sorted(s.rows_by_key.items()):
            self.stdout.write(f"  第 {key_id} 号密钥：{n} 名干部")
        self.stdout.write(f"共 {s.total} 名干部，{s.behind} 名仍由旧密钥加密" + ("，请运行 ganxun keys rotate --resume"
                                                                         if s.behind else ""))

    def _rotate(self, opts):
        from ganxun.cadres.keys import add_key, reencrypt_all

        if opts["batch"] < 1 or opts["batch"] > 100_000:
            raise DomainError("--batch 应在 1 到 100000 之间", code="invalid")
        if not opts["resume"]:
            new_id = add_key()
            self.stdout.write(f"已新建第 {new_id} 号密钥并设为当前密钥（旧密钥仍保留，用于解密未重新加密的号码）")
        began = time.perf_counter()

        def progress(done, total):
            self.stderr.write(f"已重新加密 {done}/{total}（{time.perf_counter() - began:.1f} 秒）")

        done = reencrypt_all(batch=opts["batch"], progress=progress)
        self.stdout.write(f"重新加密完成：{done} 名干部，用时 {time.perf_counter() - began:.1f} 秒；"
                          "确认备份新密钥文件后，可用 ganxun keys retire 编号 删除旧密钥")

    def _retire(self, opts):
        from ganxun.cadres.keys import retire_key

        retire_key(opts["key_id"])
        self.stdout.write(f"已删除第 {opts['key_id']} 号密钥")
