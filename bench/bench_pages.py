"""Time the main pages as the people who open them: each demo account on its own pages, at any scale.

    .venv/bin/python bench/bench_pages.py city-sqlite
    .venv/bin/python bench/bench_pages.py province-pg --repeat 3

In process, through Django's test client (every middleware, the templates, the session, the data
scope; no web server and no network), logged in as the demo's accounts: the province department
(sheng_zzb), the city department (shi_zzb), a county department (dongcheng_zzb), a unit's personnel
officer (jyj_rs) and the audit administrator (auditadmin, who opens only 操作日志; the other pages answer
them 403, which is shown and not timed). Each page is requested ``--repeat`` times after one unmeasured request; the
best and the median are reported, with the number of SQL queries. A page slower than a second is
marked: that is the wait a user notices.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import TARGETS, database, save, setup_django  # noqa: E402

SLOW = 1.0
# (label, path); {cadre} is the first cadre in the account's own scope
PAGES = [
    ("工作台", "/"),
    ("组织机构", "/orgs/"),
    ("干部名册", "/cadres/"),
    ("干部名册 · 搜索姓名", "/cadres/?q=张"),
    ("干部名册 · 第 50 页", "/cadres/?page=50"),
    ("干部详情", "/cadres/{cadre}/"),
    ("学习记录", "/records/list/"),
    ("学习记录 · 2022 年", "/records/list/?year=2022"),
    ("学习记录 · 第 100 页", "/records/list/?page=100"),
    ("自学审核", "/records/review/"),
    ("培训机构", "/resources/institutions/"),
    ("培训班次", "/classes/"),
    ("培训班次 · 2022 年", "/classes/?year=2022"),
    ("电子档案", "/archive/{cadre}/"),
    ("达标评估 · 2022-12-31", "/reports/dashboard/?plan=henan-2019-2022&as_of=2022-12-31"),
    ("达标评估 · 今天", "/reports/dashboard/"),
    ("补训名单", "/reports/makeup/?plan=henan-2019-2022&as_of=2022-12-31"),
    ("进度滞后名单", "/reports/at-risk/?plan=xuchang-2019-2022"),
    ("规划指标", "/plans/list/"),
    ("操作日志", "/audit/"),
]
USERS = ("sheng_zzb", "shi_zzb", "dongcheng_zzb", "jyj_rs", "auditadmin")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--users", nargs="*", default=list(USERS))
    parser.add_argument("--only", nargs="*", help="only the pages whose label starts with one of these")
    opts = parser.parse_args()
    with database(opts.target) as url:
        setup_django(url)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from ganxun.accounts.models import User
        from ganxun.cadres.selectors import cadres_visible_to

        results = []
        print(f"{opts.target}: {len(PAGES)} pages × {len(opts.users)} accounts, best/median of {opts.repeat}")
        for username in opts.users:
            user = User.objects.get(username=username)
            cadre = cadres_visible_to(user).order_by("person_code").values_list("person_code", flat=True).first()
            client = Client(SERVER_NAME="127.0.0.1")
            client.force_login(user)
            print(f"\n  {username}")
            for label, path in PAGES:
                if opts.only and not any(label.startswith(o) for o in opts.only):
                    continue
                url_ = path.format(cadre=cadre)
                response = client.get(url_)
                if response.status_code != 200:
                    print(f"    {label:28s} HTTP {response.status_code}  {url_}")
                    continue
                seconds = []
                for _ in range(opts.repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        client.get(url_)
                        seconds.append(time.perf_counter() - started)
                best, median = min(seconds), statistics.median(seconds)
                mark = "  ← 慢" if median > SLOW else ""
                print(f"    {label:28s} {best * 1000:8.0f} ms  (median {median * 1000:6.0f} ms, "
                      f"{len(queries.captured_queries):3d} queries){mark}", flush=True)
                results.append({"user": username, "page": label, "path": url_, "best_ms": round(best * 1000),
                                "median_ms": round(median * 1000), "queries": len(queries.captured_queries)})
        save("pages", opts.target, {"repeat": opts.repeat, "pages": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
