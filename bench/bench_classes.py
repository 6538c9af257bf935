"""Classes at the sizes issue 12 names: the live check of a 40-slot timetable, 结班 of a 300-trainee class, and the
attendance grid of 300 trainees × 40 slots — each with the floor measured in the same run beside it.

    .venv/bin/python bench/bench_classes.py sqlite            # a fresh SQLite file under var/bench/
    .venv/bin/python bench/bench_classes.py pg                # a throwaway PostgreSQL 15 (removed afterwards)
    .venv/bin/python bench/bench_classes.py sqlite --repeat 7

The class is built from scratch (an org tree, the city's party school, 300 cadres, 40 slots, full attendance and
the four closing documents), so the figures do not depend on the demo. Pages are timed through Django's test
client (the whole view: scope, queries, template), as a logged-in institution user.

Targets (issue 12): live check < 100 ms; 结班 of 300 trainees < 1 s; the grid renders < 500 ms.
Floors: the check's one query for the 40 slots; 结班's 300 ledger rows in one ``executemany`` into a scratch table;
the grid's one query for the 12,000 marks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import nullcontext
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, save, setup_django  # noqa: E402

TRAINEES, SLOTS = 300, 40


def best(fn, repeat: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    warm = samples[1:] or samples
    return min(warm), warm


def build():
    from decimal import Decimal

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ganxun.accounts.models import User
    from ganxun.cadres.models import Cadre
    from ganxun.classes.models import Attendance, ClassSession, Enrolment, TrainingClass
    from ganxun.classes.running import document_add
    from ganxun.orgs.models import Org
    from ganxun.resources.models import Institution
    from ganxun.core.roles import UNSCOPED_OPERATOR

    root = Org.objects.add_root(dict(code="41", name="河南省", org_type="region", level="province"))
    city = Org.objects.add_child(root, dict(code="4199", name="示例市", org_type="region", level="city"))
    dept = Org.objects.add_child(Org.objects.get(pk=city.pk), dict(code="4199ZZB", name="示例市委组织部",
                                                                   org_type="org_department", level="city"))
    unit = Org.objects.add_child(Org.objects.get(pk=city.pk), dict(code="4199JYJ", name="示例市教育局", org_type="agency",
                                                                   level="city"))
    school = Institution.objects.create(code="DX4199", name="中共示例市委党校", kind="party_school", level="city",
                                        recognised=True, owner_org=dept)
    cadres = [Cadre(person_code=f"B{i:06d}", id_number=f"41990119800101{i:04d}", name=f"学员{i}", gender="male",
                    birth_date=date(1980, 1, 1), org=unit, rank="section_chief", tier="section", category="civil_servant")
              for i in range(TRAINEES)]
    Cadre.objects.bulk_create(cadres)
    start = date(2021, 3, 1)
    tc = TrainingClass.objects.create(code="BC-BENCH", name="基准班次", kind="core", organiser=dept, institution=school,
                                      start_date=start, end_date=start + timedelta(days=SLOTS // 2 - 1), quota=TRAINEES)
    categories = ["theory"] * 20 + ["party_spirit"] * 10 + ["professional"] * 10
    sessions = [ClassSession(training_class=tc, date=start + timedelta(days=i // 2), slot="上午" if i % 2 == 0 else "下午",
                             slot_order=1 + i % 2, course_name=f"课程{i}", teacher_name=f"教师{i % 12}",
                             teacher_kind="leader" if i % 5 == 0 else "full_time", content_category=categories[i],
                             method="seminar" if i % 3 == 0 else "lecture", hours=Decimal("3"),
                             is_party_spirit_analysis=i == SLOTS - 1) for i in range(SLOTS)]
    ClassSession.objects.bulk_create(sessions)
    enrolments = [Enrolment(training_class=tc, cadre=c, status="enrolled", party_analysis_submitted=True)
                  for c in Cadre.objects.order_by("pk")]
    Enrolment.objects.bulk_create(enrolments)
    Attendance.objects.bulk_create([Attendance(enrolment=e, session=s, status="present")
                                    for e in Enrolment.objects.all() for s in ClassSession.objects.all()],
                                   batch_size=2000)
    for kind in ("plan", "agenda", "signin", "timetable"):
        document_add(acting_user=UNSCOPED_OPERATOR, class_code=tc.code, kind=kind, filename=f"{kind}.pdf",
                     content=b"%PDF-1.4", today=start - timedelta(days=1))
    staff = User.objects.create(username="bench_school", role="institution", institution_code="DX4199")
    return tc, staff


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", choices=["sqlite", "pg"])
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    if opts.target == "pg":
        from pg import postgres

        ctx = postgres(DATA / "pg-classes", keep=False)
    else:
        path = DATA / "classes.sqlite3"
        path.unlink(missing_ok=True)
        ctx = nullcontext(f"sqlite:///{path}")
    with ctx as url:
        import os

        os.environ["GANXUN_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
        setup_django(url)
        figures = run(opts.repeat)
    save("classes", opts.target, figures)
    return 0


def run(repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    from ganxun.classes.checks import class_facts, judge
    from ganxun.classes.models import Attendance, ClassSession
    from ganxun.classes.running import class_close, class_reopen
    from ganxun.plans.catalog import load_plan

    started = time.perf_counter()
    tc, staff = build()
    print(f"built: {TRAINEES} trainees × {SLOTS} slots, {Attendance.objects.count()} marks "
          f"in {time.perf_counter() - started:.1f} s ({connection.vendor})")
    plan = load_plan("xuchang-2019-2022")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(staff)
    figures = {}

    def report(name, fn, floor_name=None, floor=None):
        seconds, samples = best(fn, repeat)
        line = f"  {name:44s} best {seconds * 1000:8.1f} ms  median {statistics.median(samples) * 1000:8.1f} ms"
        figures[name] = {"best_ms": round(seconds * 1000, 1), "median_ms": round(statistics.median(samples) * 1000, 1)}
        if floor is not None:
            f_seconds, _ = best(floor, repeat)
            figures[name]["floor"] = floor_name
            figures[name]["floor_ms"] = round(f_seconds * 1000, 1)
            line += f"   | floor ({floor_name}) {f_seconds * 1000:7.1f} ms"
        print(line, flush=True)

    today = date(2021, 6, 1)
    report("live check (facts + 5 indicators)", lambda: judge(plan, class_facts(tc), today),
           "one query of the 40 slots", lambda: list(ClassSession.objects.filter(training_class=tc).values_list(
               "date", "slot", "course_name", "hours", "content_category", "teacher_kind", "method",
               "is_party_spirit_analysis")))
    report("live check page (htmx checks fragment)",
           lambda: client.get(f"/classes/{tc.code}/checks/?plan=xuchang-2019-2022").content)
    first = ClassSession.objects.filter(training_class=tc).order_by("date", "slot_order").first()
    kinds = iter(["expert", "leader"] * (repeat + 1))

    def edit():
        response = client.post(f"/classes/{tc.code}/sessions/", {
            "session_id": first.pk, "date": first.date.isoformat(), "slot": first.slot, "course_name": first.course_name,
            "teacher_name": first.teacher_name, "teacher_kind": next(kinds), "content_category": first.content_category,
            "method": first.method, "hours": "3", "plan": "xuchang-2019-2022"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b"class_leader_teaching_share" in response.content
    report("edit a slot and re-check (htmx POST)", edit)

    def grid():
        response = client.get(f"/classes/{tc.code}/?tab=attendance")
        assert response.status_code == 200 and response.content.count(b"<tr data-trainee") == TRAINEES
    report("attendance grid page (300 × 40)", grid, "one query of the 12,000 marks",
           lambda: list(Attendance.objects.filter(session__training_class=tc).values_list(
               "enrolment_id", "session_id", "status")))

    def close_and_reopen():
        started = time.perf_counter()
        result = class_close(acting_user=staff, class_code=tc.code, today=date(2021, 4, 1))
        assert len(result.completed) == TRAINEES
        close_times.append(time.perf_counter() - started)
        class_reopen(acting_user=staff, class_code=tc.code, reason="基准测试")

    close_times: list[float] = []
    for _ in range(repeat):
        close_and_reopen()
    warm = close_times[1:] or close_times

    def floor():
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_rows (cadre_id integer, title text, hours numeric, "
                           "start_date date, end_date date)")
            cursor.executemany("INSERT INTO bench_rows VALUES (%s, %s, %s, %s, %s)",
                               [(i, "基准班次", 120, date(2021, 3, 1), date(2021, 3, 20)) for i in range(TRAINEES)])
            cursor.execute("DELETE FROM bench_rows")
    f_seconds, _ = best(floor, repeat)
    figures["结班 300 trainees"] = {"best_ms": round(min(warm) * 1000, 1),
                                   "median_ms": round(statistics.median(warm) * 1000, 1),
                                   "floor": "300 rows in one executemany", "floor_ms": round(f_seconds * 1000, 1)}
    print(f"  {'结班 300 trainees (records, certificates)':44s} best {min(warm) * 1000:8.1f} ms  median "
          f"{statistics.median(warm) * 1000:8.1f} ms   | floor (300 rows in one executemany) {f_seconds * 1000:7.1f} ms")
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
