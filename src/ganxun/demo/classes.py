"""The demo's training classes (班次): every full-time class of the demo ledger run from timetable to 结班.

``records.build_records`` holds back the ledger's full-time class entries (one per trainee, the title and dates
shared by the trainees of a class) and hands them here with the class entries drawn for after the build day.
Each class of the catalogue (``records.Catalogue``) that someone attends becomes a ``TrainingClass``:

- code ``BC<region>-<year>-<nnn>`` (the organiser's region, numbered by start date), name = the entries' title,
  kind from the catalogue it was drawn for (主体班: the party schools' 进修班, 中青年干部培训班, 优秀年轻干部培训班;
  任职培训, 初任培训, 专门业务培训 for the 专业化能力 weeks, 专题班 for the rest), organiser = the org department of
  the institution's level and region, quota ≥ the trainees;
- a timetable (``demo.timetables``: 上午/下午 slots adding up to the class's hours);
- an enrolment per trainee; for a class that has ended, attendance (the trainee who completed reached 90% with
  leave within 1/7; 结业 否 in the ledger is a withdrawal for leave beyond 1/7 or attendance below 90%), the four
  closing documents (small placeholder PDFs under ``VAR_DIR/files/classes/<code>/``), ``closed_at``, and for
  each completion its ledger entry (origin ``class``, reason ``班次 <code> 结业``, linked by ``Enrolment.record``)
  and a 结业证书 (``<code>-0001`` …, a verification code from ``classes.running.random_code``);
- a class running on the build day has attendance up to the day before; one still to come has its trainees.

On top, the city party school (DX4199, the ``dangxiao`` login) always has work on the build day, whatever the
season: three classes in progress (a 中青年干部培训班 of three weeks, a week's 专题班, a 党支部书记 class that
opens today; one pending leave request), two that have ended and wait for 结班 (a closing document missing)
and one whose enrolment is open. Their trainees are city cadres with no other class on those days; none of
them has a ledger entry yet (nobody completes before 结班).

Everything is written in bulk (``records.bulk``), without audit rows (demo data), from random streams seeded
by the demo's seed and the class, so one seed and build day always give the same classes. The one exception
is the certificates' verification codes, which are random (``secrets``) like every certificate's.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.utils import timezone

from ganxun.demo import timetables as T
from ganxun.demo.records import LEAVE_REASON, CadreInfo, Entry, theme

CLASS_ORIGIN = "class"
# How a mark was taken: by QR code in the classroom from 2024, from the sign-in sheet's import before; leave by
# the leave approval, absence by the class's staff.
QR_METHODS = {"present": "qr", "late": "qr", "leave": "leave", "absent": "manual"}
SHEET_METHODS = {"present": "import", "late": "import", "leave": "leave", "absent": "import"}
# Attendance rows (trainees × slots: 750,000 for the city's nine years, 7 s to write) are kept for the classes
# of the build day's year and the year before; earlier classes keep their completions, certificates and documents.
ATTENDANCE_YEARS = 2
DOCUMENTS = (("plan", "培训方案"), ("agenda", "开班议程"), ("signin", "签到表"), ("timetable", "最终课表"))
KINDS = {"initial": "initial", "young": "core", "system": "core", "system_short": "thematic", "branch": "thematic",
         "week": "thematic", "leader_week": "thematic", "spirit_week": "thematic", "pro_week": "specialist"}
AUDIENCE_TEXT = {
    "week": "科级及以下干部", "long": "科级干部", "branch": "党支部书记", "young": "优秀年轻干部", "initial": "新录用公务员",
    "leader_week": "县处级领导干部", "system": "领导干部（系统理论教育和严格党性教育）",
    "system_short": "县处级领导干部（系统理论教育和严格党性教育）", "spirit_week": "领导干部",
    "pro_week": "领导干部和业务骨干", "now": "",
}


@dataclass
class Run:
    """One class as the builder assembles it."""

    inst: object
    title: str
    start: date
    end: date
    days: int
    tenths: int
    category: str
    system: bool
    audience: str
    kind: str = ""
    trainees: list = field(default_factory=list)       # (cadre id, ledger Entry or None)
    code: str = ""
    organiser: str = ""
    pk: int | None = None
    state: str = ""            # closed | ended | running | upcoming
    closed_at: datetime | None = None
    documents: tuple[str, ...] = ()
    quota: int | None = None
    slots: list = field(default_factory=list)
    session_ids: list = field(default_factory=list)
    leave_request: bool = False
    now: bool = False          # one of the city party school's classes around the build day
    marked_at: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.inst.code}:{self.start}:{self.title}"


def organiser_region(inst) -> str:
    digits = re.search(r"\d+", inst.code).group()
    return {"province": digits[:2], "county": digits[:6]}.get(getattr(inst, "level", "city"), digits[:4])


def kind_of(audience: str, title: str, inst) -> str:
    if audience == "long":
        return "promotion" if "任职培训" in title else "core"
    kind = KINDS.get(audience, "thematic")
    if kind == "core" and getattr(inst, "kind", "") != "party_school":
        return "thematic"
    return kind


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


# ---- the classes of the ledger -------------------------------------------------------------------------

def ledger_runs(held: Sequence[Entry], upcoming: Sequence[Entry]) -> list[Run]:
    runs: dict[tuple, Run] = {}
    for entries in (held, upcoming):
        for e in entries:
            k = e.klass
            key = (e.institution.code, k)
            run = runs.get(key)
            if run is None:
                run = runs[key] = Run(e.institution, k.title, k.start, k.end, k.days, k.tenths, k.category, k.system,
                                      k.audience, kind_of(k.audience, k.title, e.institution))
            run.trainees.append((e.cadre_id, e if entries is held else None))
    return list(runs.values())


# ---- the city party school's work on the build day -----------------------------------------------------

def now_runs(seed: int, last_day: date, inst, cadres: Sequence[CadreInfo], busy: dict[int, list]) -> list[Run]:
    """Classes at the city party school around the build day (see the module's docstring)."""
    if inst is None:
        return []
    rng = random.Random(f"{seed}:now:{last_day}")
    city = inst.code[2:]
    d = last_day
    season = {3: "春季", 4: "春季", 5: "春季", 6: "春季", 9: "秋季", 10: "秋季", 11: "秋季", 12: "秋季"}.get(d.month, "")
    # three different topics (the catalogue's titles say 第N期, these the month or the audience)
    topic, topic2, topic3 = rng.sample(T.PRO_TOPICS, 3)
    specs = [
        # title, start, days, category, audience, kind, who, trainees, state, documents
        (f"{d.year}年{season or '冬季'}中青年干部培训班", d - timedelta(days=9), 21, "theory", "young", "core",
         "young", 36, ("plan", "agenda")),
        (f"{theme(d.year, d, rng)}专题培训班（{d.year}年{d.month}月）", d - timedelta(days=2), 5, "theory", "week",
         "thematic", "staff", 45, ("plan", "agenda")),
        (f"{d.year}年党支部书记示范培训班（{d.month}月）", d, 3, "party_spirit", "branch", "thematic", "branch", 40,
         ("plan", "agenda")),
        (f"{d.year}年{topic}专题培训班（{d.month}月）", d - timedelta(days=7), 5, "professional", "pro_week",
         "specialist", "staff", 40, ("plan", "agenda", "signin")),
        (f"{d.year}年{topic2}专题培训班（{d.month}月）", d - timedelta(days=2), 2, "professional", "pro_week",
         "specialist", "staff", 30, ("plan", "agenda", "timetable")),
        (f"{(d + timedelta(days=12)).year}年{topic3}专题研讨班（领导干部）", d + timedelta(days=12), 5,
         "professional", "leader_week", "thematic", "leader", 38, ("plan",)),
    ]
    local = [c for c in cadres if c.org_code.startswith(city)]
    taken: set[int] = set()
    runs = []
    for title, start, days, category, audience, kind, who, count, documents in specs:
        end = start + timedelta(days=days - 1)
        if who == "young":
            pool = [c for c in local if c.is_young_talent or (c.tier == "section" and c.org_level == "city")]
        elif who == "branch":
            pool = [c for c in local if c.is_branch_secretary]
        elif who == "leader":
            pool = [c for c in local if c.is_leader and c.tier == "division"]
        else:
            pool = [c for c in local if c.tier in ("staff", "section") and c.org_level == "city"]
        free = [c for c in pool if c.id not in taken and not any(
            s <= end and start <= e for s, e in busy.get(c.id, ()))]
        chosen = sorted(rng.sample(free, min(count, len(free))), key=lambda c: c.person_code)
        if not chosen:
            continue
        taken.update(c.id for c in chosen)
        per_day = 75 if inst.level == "city" else 70
        run = Run(inst, title, start, end, days, days * per_day, category, False, audience, kind,
                  trainees=[(c.id, None) for c in chosen], documents=documents, now=True)
        if who == "leader":
            run.quota = 60
        run.leave_request = kind == "core"
        runs.append(run)
    return runs


# ---- attendance ----------------------------------------------------------------------------------------

def marks_for(rng: random.Random, hours: list[Decimal], held: int, outcome: str) -> list[str]:
    """One trainee's marks over the slots held so far: ``done`` reaches 90% with leave within 1/7; ``leave``
    takes leave beyond 1/7 (then is withdrawn, nothing marked after); ``absent`` stays below 90%."""
    total = sum(hours, Decimal("0"))
    n = len(hours)
    marks = ["present"] * held
    for i in range(held):
        if rng.random() < 0.03:
            marks[i] = "late"
    if outcome == "done":
        if rng.random() < 0.18 and held:
            budget = total / 10
            for _ in range(rng.choice((1, 1, 2))):
                i = rng.randrange(held)
                if marks[i] in ("present", "late") and hours[i] <= budget:
                    marks[i] = rng.choice(("leave", "leave", "absent"))
                    budget -= hours[i]
        return marks
    if outcome == "leave":
        start = rng.randrange(max(1, n // 2))
        taken = Decimal("0")
        i = start
        while i < n and taken <= total / 7:
            marks[i] = "leave"
            taken += hours[i]
            i += 1
        return marks[:i]
    missed = Decimal("0")
    order = list(range(n))
    rng.shuffle(order)
    for i in order:
        if missed > total / 10 + Decimal("0.5"):
            break
        marks[i] = "absent"
        missed += hours[i]
    return marks


# ---- placeholder documents -----------------------------------------------------------------------------

# Every demo document of a kind is the same small file (``demo/<kind>.pdf`` under the documents folder): thousands
# of files of their own would cost seconds to write and say nothing more. The four PDFs ship with the demo
# (``demo/data/``), made once by ``make_placeholders`` with the archive's PDF renderer and its Chinese font.
SHIPPED = Path(__file__).resolve().parent / "data"   # (package data: '**/data/*')
PLACEHOLDER_DIR = "demo"
PLACEHOLDERS = {kind: (SHIPPED / f"{kind}.pdf").read_bytes() for kind, _ in DOCUMENTS}


def make_placeholders() -> None:
    """Render the four placeholder PDFs into ``demo/data/`` (run by hand when their wording changes)."""
    from ganxun.archive.pdf import html_to_pdf

    for kind, label in DOCUMENTS:
        html = (f"<html><body style='font-family: \"Noto Sans SC\"; padding: 2cm'><h1>{label}（演示占位文件）</h1>"
                "<p>本文件由演示数据生成，表示该班次已按时报送此材料，不含实际内容。</p>"
                "<p>真实班次在“班次详情 → 结班”中上传培训方案、开班议程、签到表和最终课表。</p></body></html>")
        (SHIPPED / f"{kind}.pdf").write_bytes(html_to_pdf(html))


def write_document_files() -> int:
    """Write the placeholder files the demo's documents point at, if missing (after a build, and after the demo
    database is copied from the cache, which holds the database only)."""
    from ganxun.classes.running import documents_dir

    folder = documents_dir() / PLACEHOLDER_DIR
    written = 0
    for kind, content in PLACEHOLDERS.items():
        target = folder / f"{kind}.pdf"
        if not target.is_file() or target.read_bytes() != content:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written += 1
    return written


# ---- the build -----------------------------------------------------------------------------------------

class Stamps:
    """Aware datetimes as the driver takes them (text on SQLite), each converted once."""

    def __init__(self):
        self.sqlite = connection.vendor == "sqlite"
        self.seen: dict = {}

    def __call__(self, day: date, at: time):
        key = (day, at)
        value = self.seen.get(key)
        if value is None:
            value = _aware(day, at)
            if self.sqlite:
                value = connection.ops.adapt_datetimefield_value(value)
            self.seen[key] = value
        return value


def _states(run: Run, last_day: date, rng: random.Random) -> None:
    if any(e is not None for _, e in run.trainees):
        run.state = "closed"
        run.closed_at = _aware(min(run.end + timedelta(days=rng.randint(1, 5)), last_day), time(16, 30))
        run.documents = tuple(k for k, _ in DOCUMENTS)
    else:
        run.state = ("ended" if run.end < last_day else "running" if run.start <= last_day else "upcoming")
        if not run.documents:
            run.documents = ("plan", "agenda") if run.start <= last_day + timedelta(days=3) else ("plan",)
    if run.quota is None:
        people = len(run.trainees)
        run.quota = max(people, -(-people // 10) * 10 + (10 if run.state == "upcoming" else 0))


def build_classes(seed: int, last_day: date, held: list[Entry], upcoming: list[Entry], cadres: list[CadreInfo],
                  institutions: dict, *, insert_entries: Callable, row_maker: Callable, files: bool = True) -> int:
    """Make the classes of ``held`` (the ledger's class entries, written here) and ``upcoming`` (trainees of
    classes after ``last_day``) and the city party school's current ones; returns the ledger entries written."""
    from ganxun.cadres.models import Cadre
    from ganxun.classes.models import (Attendance, Certificate, ClassDocument, ClassSession, Enrolment, LeaveRequest,
                                       TrainingClass)
    from ganxun.classes.running import random_codes
    from ganxun.orgs.models import Org
    from ganxun.records.bulk import insert_instances, insert_rows

    runs = ledger_runs(held, upcoming)
    busy: dict[int, list] = defaultdict(list)
    for run in runs:
        for cadre_id, _ in run.trainees:
            busy[cadre_id].append((run.start, run.end))
    runs += now_runs(seed, last_day, institutions.get("DX4199"), cadres, busy)
    departments = dict(Org.objects.filter(org_type="org_department").values_list("code", "id"))
    region_names = dict(Org.objects.filter(org_type="region").values_list("code", "name"))
    # the catalogue's classes first, the build day's after them: a later build day renumbers none of the former
    runs.sort(key=lambda r: (organiser_region(r.inst), r.now, r.start, r.inst.code, r.title))
    serial: dict[tuple, int] = defaultdict(int)
    faculties: dict[str, T.Faculty] = {}
    now = timezone.now()
    stamp = Stamps()
    classes = []
    for run in runs:
        region = organiser_region(run.inst)
        serial[(region, run.start.year)] += 1
        run.code = f"BC{region}-{run.start.year}-{serial[(region, run.start.year)]:03d}"
        run.organiser = region + "ZZB" if region + "ZZB" in departments else "41ZZB"
        rng = random.Random(f"{seed}:class:{run.key}")
        _states(run, last_day, rng)
        faculty = faculties.get(run.inst.code)
        if faculty is None:
            faculty = faculties[run.inst.code] = T.Faculty(seed, run.inst, region_names.get(region, "示例市"))
        flaw = ""
        if run.kind == "core" and rng.random() < T.FLAW_SHARE:
            flaw = rng.choice(T.FLAWS if run.days >= 20 else T.FLAWS[:4])
        run.slots = T.timetable(rng, kind=run.kind, category=run.category, start=run.start, days=run.days,
                                tenths=run.tenths, faculty=faculty, theme=theme(run.start.year, run.start, rng),
                                flaw=flaw)
        classes.append(TrainingClass(
            code=run.code, name=run.title, kind=run.kind, organiser_id=departments[run.organiser],
            institution_id=run.inst.pk, start_date=run.start, end_date=run.end, full_time=True,
            is_system_training=run.system, content_category=run.category, quota=run.quota,
            audience=AUDIENCE_TEXT.get(run.audience, ""), description="", completion_threshold=Decimal("0.900"),
            theory_test=False, pass_score=Decimal("60.0"), closed_at=run.closed_at, closed_by=None,
            created_at=now, updated_at=now))
    insert_instances(classes, TrainingClass)
    for run, tc in zip(runs, classes, strict=True):
        run.pk = tc.pk

    # the timetables
    session_columns = ("training_class_id", "date", "slot", "slot_order", "course_name", "teacher_name",
                       "teacher_kind", "content_category", "method", "hours", "is_party_spirit_analysis")
    session_rows = [(run.pk, s.date, s.slot, s.slot_order, s.course, s.teacher, s.teacher_kind, s.category, s.method,
                     s.hours, s.analysis) for run in runs for s in run.slots]
    ids = insert_rows(ClassSession, session_columns, session_rows, count=len(session_rows), returning_ids=True)
    at = 0
    for run in runs:
        run.session_ids = ids[at:at + len(run.slots)]
        at += len(run.slots)

    # the ledger: the completions of the closed classes (and the entries of those who did not complete)
    entries, rows = [], []
    for run in runs:
        if run.state != "closed":
            continue
        make_row = row_maker(run.closed_at)
        done = f"班次 {run.code} 结业"
        for _, e in run.trainees:
            if e is None:
                continue
            if e.completed:
                e.origin = CLASS_ORIGIN
                e.reason = e.reason.replace("按班次课表更正", f"按{done}的记录更正") if e.reason else done
            entries.append(e)
            rows.append(make_row(e)[1:])
    if entries:
        insert_entries(entries, rows)

    # the trainees and their attendance
    enrol_columns = ("training_class_id", "cadre_id", "status", "completed", "completed_at", "record_id", "reason",
                     "party_analysis_submitted", "enrolled_at")
    enrol_rows, outcomes = [], []
    for run in runs:
        rng = random.Random(f"{seed}:trainees:{run.key}")
        hours = [s.hours for s in run.slots]
        total = sum(hours, Decimal("0"))
        held_slots = len(run.slots) if run.state == "closed" else sum(1 for s in run.slots if s.date < last_day)
        analysis = any(s.analysis for s in run.slots)
        closed = stamp(run.closed_at.date(), time(16, 30)) if run.closed_at else None
        for cadre_id, e in run.trainees:
            enrolled_at = stamp(min(run.start - timedelta(days=rng.randint(5, 20)), last_day), time(10, 0))
            status, completed, record, reason, outcome = "enrolled", False, None, "", "done"
            if e is not None and e.completed:
                completed, record = True, e.pk
            elif e is not None:
                outcome = "leave" if e.reason == LEAVE_REASON else "absent"
            marks = marks_for(rng, hours, held_slots, outcome) if held_slots else []   # drawn in every year alike
            if outcome == "leave":
                status = "withdrawn"
                leave = sum((h for h, m in zip(hours, marks) if m == "leave"), Decimal("0"))
                reason = f"请假 {leave:g} 学时，超过总学时 {total:g} 的 1/7（《干部教育培训工作条例》第十五条）"
            elif outcome == "absent":
                got = sum((h for h, m in zip(hours, marks) if m in ("present", "late")), Decimal("0"))
                reason = f"到课率 {got / total:.1%}，低于 90%，未结业"
            enrol_rows.append((run.pk, cadre_id, status, completed, closed if completed else None, record, reason,
                               analysis and completed, enrolled_at))
            outcomes.append((run, cadre_id, marks, completed))
    ids = insert_rows(Enrolment, enrol_columns, enrol_rows, count=len(enrol_rows), returning_ids=True)

    names = dict(Cadre.objects.values_list("id", "name"))
    att_columns = ("enrolment_id", "session_id", "status", "method", "marked_at")
    cert_columns = ("enrolment_id", "number", "code", "name_masked", "class_name", "institution_name", "hours",
                    "start_date", "end_date", "issued_at")
    att_rows, cert_rows = [], []
    numbers: dict[int, int] = defaultdict(int)
    completions = sum(1 for o in outcomes if o[3])
    codes = iter(random_codes(completions))
    for enrolment_id, (run, cadre_id, marks, completed) in zip(ids, outcomes, strict=True):
        if marks and run.start.year > last_day.year - ATTENDANCE_YEARS:
            if not run.marked_at:
                run.marked_at = [stamp(s.date, time(8, 40) if s.slot_order == 1 else time(14, 40)) for s in run.slots]
            methods = QR_METHODS if run.start.year >= 2024 else SHEET_METHODS
            att_rows.extend((enrolment_id, session_id, mark, methods[mark], marked_at)
                            for session_id, mark, marked_at in zip(run.session_ids, marks, run.marked_at))
        if completed:
            numbers[run.pk] += 1
            name = names.get(cadre_id, "某")
            cert_rows.append((enrolment_id, f"{run.code}-{numbers[run.pk]:04d}", next(codes),
                              name[0] + "*" * (len(name) - 1), run.title, run.inst.name, Decimal(run.tenths).scaleb(-1),
                              run.start, run.end, stamp(run.closed_at.date(), time(16, 30))))
    insert_rows(Attendance, att_columns, att_rows, count=len(att_rows))
    insert_rows(Certificate, cert_columns, cert_rows, count=len(cert_rows))

    # the closing documents (each kind one shared placeholder file)
    doc_columns = ("training_class_id", "kind", "filename", "path", "size", "sha256", "late_note", "uploaded_at")
    labels = dict(DOCUMENTS)
    digests = {kind: hashlib.sha256(content).hexdigest() for kind, content in PLACEHOLDERS.items()}
    doc_rows = []
    for run in runs:
        for kind in run.documents:
            day = run.start - timedelta(days=3) if kind in ("plan", "agenda") else run.end + timedelta(days=1)
            if run.closed_at is not None:
                day = min(day, run.closed_at.date())
            doc_rows.append((run.pk, kind, f"{labels[kind]}.pdf", f"{PLACEHOLDER_DIR}/{kind}.pdf",
                             len(PLACEHOLDERS[kind]), digests[kind], "", stamp(min(day, last_day), time(9, 30))))
    insert_rows(ClassDocument, doc_columns, doc_rows, count=len(doc_rows))

    # a pending leave request in the city party school's long class, for tomorrow's slots
    for run in runs:
        if run.leave_request and run.state == "running":
            enrolment = Enrolment.objects.filter(training_class_id=run.pk).order_by("id")[1:2].first()
            tomorrow = [pk for pk, s in zip(run.session_ids, run.slots) if s.date == last_day + timedelta(days=1)]
            if enrolment is not None and tomorrow:
                request = LeaveRequest(enrolment=enrolment, reason="单位有紧急工作任务，需返回单位处理")
                insert_instances([request])
                through = LeaveRequest.sessions.through
                through.objects.bulk_create([through(leaverequest_id=request.pk, classsession_id=pk)
                                             for pk in tomorrow])
    if files:
        write_document_files()
    return len(entries)
