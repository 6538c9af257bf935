"""Importing learning records from a table (interfaces.md, "records"; key 外部编号).

Every row is checked with the page's own checks (``check_record_values``), every problem is collected
with its row and column, and only a clean file is written, by one service (``records.services.record_upsert_many``:
one transaction, bulk inserts, one audit event per cadre (the new entries' references,
before and after of each correction) plus one summary event. The operator at the command line passes
``UNSCOPED_OPERATOR`` (unscoped).

Matching. A row with a 外部编号 matches the entry holding that key. A row without one matches the
cadre's current entry with the same (培训名称, 开始日期, 结束日期, 培训形式). Then:

- no entry matches: the row is appended;
- the entry has the same values: nothing happens, so re-importing a file (or our own export, whose
  身份证号 are masked) changes nothing;
- the values differ: the ledger is append-only, so the entry is reversed and the corrected one
  appended (the 外部编号 moves to it), with the before and after in the audit log;
- the key only matches an entry that was reversed (on the page, say): the row is left alone. An import
  never brings back what a person cancelled.

培训机构 is an institution's 机构编码 or exact 机构名称. A value that is neither is kept as free text
(training at an outside provider is real training: its hours count, but it is no 认可机构 and has no
机构类型) unless it looks like a code (letters, digits, - _ .), which is a typo of a code and is refused.

Streaming. The file is read and checked ``CHUNK_ROWS`` rows at a time (``table`` may be a ``TableStream``
of any size from the command line, or a ``Table`` the page read); the chunks are written as they pass,
inside the one transaction of ``record_upsert_many``, and a bad row anywhere raises ``ImportRejected`` at
the end, which rolls back everything (the first ``MAX_LISTED_ERRORS`` problems are listed, the rest
counted). A dry run runs the same generator outside any transaction. Nothing is kept per row of the whole file in Python: the 外部编号 and natural keys already
seen, and the entries already claimed by a row, go into a temporary table of the same connection
(``records.bulk.SeenKeys``). Matching reads the ledger as it was before the import (entries up to the highest id then),
so the entries the first chunks wrote never match the later ones.
"""

import gc
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from django.db import IntegrityError, connection
from django.db.models import Exists, Max, OuterRef

from ganxun.cadres.models import Cadre
from ganxun.cadres.selectors import all_cadres_unscoped, cadres_by_id_numbers
from ganxun.core.choices import ContentCategory
from ganxun.core.dataio import ImportKind, register_import
from ganxun.core.errors import DomainError, ImportRejected, PermissionDenied, RowError
from ganxun.core.idnumbers import InvalidIdNumber, normalise_id_number
from ganxun.core.lookups import filter_any, in_chunks
from ganxun.core.parsing import cell_text, is_blank, parse_bool, parse_date, shown
from ganxun.core.tabular import ImportReport, ReportRow, check_rows, conflicts_rejected
from ganxun.core.roles import can_write_registry
from ganxun.orgs.selectors import org_in_scope, scope_of
from ganxun.records.bulk import SeenKeys, gc_paused
from ganxun.records.columns import CATEGORY_LABELS, COLUMNS, REQUIRED_COLUMNS, SOURCE_LABELS
from ganxun.records.models import EntryKind, LearningRecord, RecordOrigin, RecordSource, RecordStatus
from ganxun.records.selectors import all_records_unscoped, institutions_named
from ganxun.records.services import RECORD_FIELDS, PreparedEntry, RecordBatch, record_upsert_many, set_institution
from ganxun.records.validation import CATEGORY_HINT, LABELS, SOURCE_HINT, check_record_values

EXTERNAL_ID_MAX = 64
INSTITUTION_NAME_MAX = 200
CODE_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
WHITESPACE = re.compile(r"\s")
# Label (or stored value) -> stored value; Django rebuilds an enum's choices on every access.
SOURCES = {**{label: value for value, label in RecordSource.choices}, **{v: v for v in RecordSource.values}}
CATEGORIES = {**{label: value for value, label in ContentCategory.choices}, **{v: v for v in ContentCategory.values}}
NOT_FOUND_CODE = "人员编码 {code} 不存在或不在您的管理范围内"
NOT_FOUND_ID = "没有登记该身份证号的干部，或该干部不在您的管理范围内"
CHANGE_LABELS = {**LABELS, "institution": "培训机构"}
# What an existing entry is compared on (the key fields too: with a 外部编号 they may change).
EXISTING_FIELDS = ("pk", "cadre_id", "external_id", "title", "source", "content_category", "institution_id",
                   "institution_name", "start_date", "end_date", "days", "hours", "is_system_training",
                   "completed", "status", "kind", "is_reversed")
APPROVED = RecordStatus.APPROVED.value
CHUNK_ROWS = 10_000
MAX_LISTED_ERRORS = 1000


@dataclass(slots=True)
class _Row:
    """One valid row, ready to match and write."""

    number: int
    cadre: Cadre
    external_id: str | None
    values: dict
    institution: object
    institution_name: str
    action: str = "created"
    original_pk: int | None = None
    changes: list = field(default_factory=list)

    @property
    def natural_key(self) -> tuple:
        v = self.values
        return (self.cadre.pk, v["title"], v["start_date"], v["end_date"], v["source"])


class _Context:
    """Everything the rows of one chunk are checked against, loaded once for the chunk."""

    def __init__(self, scope, rows: list):
        self.scope = scope
        codes = {_text(r.values.get("人员编码")) for r in rows} - {""}
        ids = set()
        for r in rows:
            raw = r.values.get("身份证号")
            if raw != "" and not is_blank(raw):
                try:
                    ids.add(normalise_id_number(raw))
                except InvalidIdNumber:
                    pass
        cadres = all_cadres_unscoped().select_related("org").only(
            "id", "person_code", "id_hash", "id_masked", "name", "org__id", "org__path")
        self.by_code: dict[str, Cadre] = {}
        for chunk in in_chunks(codes):
            self.by_code.update({c.person_code: c for c in cadres.filter(person_code__in=chunk)})
        self.by_id: dict[str, Cadre] = {}
        for chunk in in_chunks(ids):
            for number, c in cadres_by_id_numbers(cadres, chunk).items():
                self.by_id[number] = self.by_code.setdefault(c.person_code, c)
        self.inst_by_code, self.inst_by_name = institutions_named({_text(r.values.get("培训机构")) for r in rows})
        self._in_scope: dict[int, bool] = {}

    def visible(self, cadre: Cadre | None) -> Cadre | None:
        if cadre is None:
            return None
        ok = self._in_scope.get(cadre.pk)
        if ok is None:
            ok = self._in_scope[cadre.pk] = org_in_scope(self.scope, cadre.org)
        return cadre if ok else None


def import_records(*, acting_user, table, dry_run: bool = False, progress=None) -> ImportReport:
    """Append and correct ledger entries from ``table``; all rows or none. Raises ``ImportRejected``.

    ``table`` is a ``Table`` or a ``TableStream``; ``progress(rows_done, fraction)``, if given, is called
    after every chunk.
    """
    if not can_write_registry(acting_user):
        raise PermissionDenied("您的角色不能登记学时")
    table.require_columns(COLUMNS, REQUIRED_COLUMNS)
    if not (table.has("人员编码") or table.has("身份证号")):
        raise ImportRejected(errors=[RowError(0, "人员编码", "缺少必需的列：人员编码 和 身份证号 至少要有一列")],
                             source=table.source)
    report = ImportReport(kind="records", source=table.source, dry_run=dry_run)
    run = _Run(acting_user, table, report, progress, dry_run)
    with gc_paused():
        if dry_run:
            # No transaction: the temporary table of keys is the only write, and on SQLite it takes no
            # lock on the main database (a transaction would hold the write lock for the whole check).
            try:
                for _ in run.batches():
                    pass
            finally:
                if run.seen is not None:
                    run.seen.drop()
            return report
        if _overlap_possible():
            _write_alongside(run, acting_user, table, report)
        else:
            with conflicts_rejected(table, CONFLICT_MESSAGE, IntegrityError, DomainError):
                record_upsert_many(acting_user=acting_user, batches=run.batches(), report=report)
    return report


CONFLICT_MESSAGE = "导入期间学习记录已被他人修改（外部编号重复或记录已被冲销），未导入任何数据，请重新导入"
# Batches checked ahead of the writer: two in flight at most, so memory stays that of a few chunks.
QUEUE_BATCHES = 2
_END = object()


def _overlap_possible() -> bool:
    """Check and write at the same time? On PostgreSQL, when the caller holds no transaction of its own.

    The writer then runs in a thread with its own connection (its own transaction), so a caller's
    transaction would not hold the import: such a caller gets the one-connection path, as does SQLite
    (one writer at a time, and a reader beside a long write transaction would wait on it).
    """
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _write_alongside(run: "_Run", acting_user, table, report: ImportReport) -> None:
    """Check the file in this thread while a second one writes the checked batches, in one transaction.

    The profile of a 125,000-row import showed the two halves the same size and never at the same time:
    the Python checks (reading, cadre lookups, matching) on one core, then PostgreSQL inserting, keeping
    the indexes and the totals and checking the foreign keys on the other, while the first waited.
    Here the writer (``record_upsert_many`` in its own thread, so with its own connection and transaction)
    takes batches from a short queue while the checks go on; this thread's reads (the registry, the ledger
    as it was, the keys already seen) go over its own connection, outside the writer's transaction, and see
    nothing of it until it commits, as the matching wants. Any bad row, here or a conflict in the writer,
    stops both: the writer's generator raises, its transaction rolls back, and nothing is written.
    """
    import queue
    import threading

    from django.db import connection as reader

    batches: queue.Queue = queue.Queue(maxsize=QUEUE_BATCHES)
    outcome: dict = {}

    def fed():
        while True:
            item = batches.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def write():
        from django.db import connection as writer

        try:
            with conflicts_rejected(table, CONFLICT_MESSAGE, IntegrityError, DomainError):
                record_upsert_many(acting_user=acting_user, batches=fed(), report=report)
        except BaseException as exc:  # handed to the checking thread, which raises it
            outcome["error"] = exc
        finally:
            writer.close()

    thread = threading.Thread(target=write, name="ganxun-import-writer", daemon=True)
    thread.start()

    def hand_over(item) -> bool:
        """Queue ``item`` for the writer; ``False`` if the writer stopped (its error is in ``outcome``)."""
        while thread.is_alive():
            try:
                batches.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    try:
        for batch in run.batches():
            if not hand_over(batch):
                break
        else:
            hand_over(_END)
    except BaseException as exc:
        hand_over(exc)  # the writer rolls back
        thread.join()
        if run.seen is not None and not reader.in_atomic_block:
            run.seen.drop()
        raise
    thread.join()
    if run.seen is not None:
        run.seen.drop()
    if "error" in outcome:
        raise outcome["error"]


class _Run:
    """One import, chunk by chunk: checks, matches, reports and hands each clean chunk to the writer."""

    def __init__(self, acting_user, table, report: ImportReport, progress, dry_run: bool):
        self.acting_user, self.table, self.report = acting_user, table, report
        self.progress, self.dry_run = progress, dry_run
        self.errors: list[RowError] = []
        self.error_count = 0
        self.seen: SeenKeys | None = None

    def _add_errors(self, errors: list[RowError]) -> None:
        order = {c: i for i, c in enumerate(COLUMNS)}
        errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
        self.error_count += len(errors)
        self.report.note_errors(errors)
        room = MAX_LISTED_ERRORS - len(self.errors)
        if room > 0:
            self.errors += errors[:room]

    def batches(self):
        scope = scope_of(self.acting_user)
        today = date.today()
        # the ledger as it was: what this import writes is not matched by its own later rows
        watermark = LearningRecord.objects.aggregate(top=Max("pk"))["top"] or 0
        seen = self.seen = SeenKeys()
        chunks = self.table.chunks(CHUNK_ROWS) if hasattr(self.table, "chunks") else _chunks_of(self.table.rows)
        done = 0
        for chunk in chunks:
            ctx = _Context(scope, chunk)
            valid, errors = check_rows(chunk, lambda row, errs, ctx=ctx: _check_row(ctx, row, errs, today))
            errors += _match(valid, seen, watermark)
            errored = {e.row for e in errors}
            report = self.report
            for r in valid:
                if r.number in errored:
                    continue
                if report.wants(r.action):
                    report.add(ReportRow(r.number, r.action, r.external_id or "—",
                                         f"{r.cadre.name}（{r.cadre.person_code}）：{r.values['title']}", r.changes))
                else:
                    report.tally(r.action)
            if errors:
                self._add_errors(errors)
            elif not self.error_count and not self.dry_run:
                yield _batch(valid)
            done += len(chunk)
            del ctx, valid, chunk
            gc.collect(0)
            if self.progress is not None:
                self.progress(done, _fraction(self.table))
        seen.drop()
        if self.error_count:
            raise ImportRejected(errors=self.errors, source=self.table.source, total=self.error_count)


def _chunks_of(rows: list):
    for i in range(0, len(rows), CHUNK_ROWS):
        yield rows[i:i + CHUNK_ROWS]


def _fraction(table) -> float:
    return table.fraction() if hasattr(table, "fraction") else 1.0


def _natural_seen_key(key: tuple) -> str:
    return "n:" + hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


# --- one row ---------------------------------------------------------------------------------

def _text(value) -> str:
    """``cell_text`` with a shortcut for the common case: the reader already trimmed text cells."""
    return value if type(value) is str else cell_text(value)


def _check_row(ctx: _Context, row, errs: list, today: date) -> _Row | None:
    get = row.values.get  # the dict itself: 1,700,000 lookups per 100,000 rows
    external_id = _text(get("外部编号")) or None
    if external_id is not None and (len(external_id) > EXTERNAL_ID_MAX or WHITESPACE.search(external_id)):
        errs.append(("外部编号", f"不能超过 {EXTERNAL_ID_MAX} 个字符，且不能包含空格"))
    cadre = _cadre_of(ctx, row, errs)

    values: dict = {"title": _text(get("培训名称"))}
    source_text = _text(get("培训形式"))
    values["source"] = SOURCES.get(source_text)
    if values["source"] is None:
        errs.append(("培训形式", ("不能为空，" if not source_text else f"{shown(source_text)}不在可选范围内，") + SOURCE_HINT))
    category_text = _text(get("内容类别"))
    values["content_category"] = CATEGORIES.get(category_text, "") if category_text else ""
    if category_text and category_text not in CATEGORIES:
        errs.append(("内容类别", f"{shown(category_text)}不在可选范围内，" + CATEGORY_HINT))
    for column, name in (("开始日期", "start_date"), ("结束日期", "end_date")):
        try:
            values[name] = _date(get(column))
        except ValueError as exc:
            values[name] = None
            errs.append((column, str(exc)))
    try:
        values["days"] = _parse_days(get("天数"))
    except ValueError as exc:
        values["days"] = 0
        errs.append(("天数", str(exc)))
    values["hours"] = get("学时")
    for column, name, default in (("系统培训", "is_system_training", False), ("结业", "completed", True)):
        try:
            cell = get(column)
            values[name] = YES_NO[cell] if cell in YES_NO else parse_bool(cell, default)
        except ValueError as exc:
            errs.append((column, str(exc)))
    institution, institution_name = _institution_of(ctx, _text(get("培训机构")), errs)

    clean, problems = check_record_values(values, today=today)
    if problems:
        flagged = {c for c, _ in errs}
        for f, message in problems:
            column = LABELS.get(f, f)
            if column not in flagged:
                errs.append((column, message))
    if errs or cadre is None:
        return None
    # ``clean`` holds exactly the ``RECORD_FIELDS`` (those of ``values``, cleaned)
    return _Row(row.number, cadre, external_id, clean, institution, institution_name)


YES_NO = {"是": True, "否": False}


def _date(value):
    """``parse_date`` with a shortcut for the common case, a CSV's ``YYYY-MM-DD`` (the same result)."""
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2021-02-30: parse_date says what is wrong
    return parse_date(value)


def _cadre_of(ctx: _Context, row, errs: list) -> Cadre | None:
    """By 人员编码, else by 身份证号; the other column and 姓名 must agree with the registry."""
    code = _text(row.values.get("人员编码"))
    raw_id = row.values.get("身份证号")
    id_text = "" if raw_id == "" or is_blank(raw_id) else cell_text(raw_id).upper()
    masked = bool(MASKED_ID.match(id_text))
    full_id = None
    if id_text and not masked:
        try:
            full_id = normalise_id_number(raw_id)
        except InvalidIdNumber as exc:
            errs.append(("身份证号", str(exc)))
            return None
    if code:
        cadre = ctx.visible(ctx.by_code.get(code))
        if cadre is None:
            errs.append(("人员编码", NOT_FOUND_CODE.format(code=code)))
            return None
        if masked and cadre.id_number_masked != id_text:
            errs.append(("身份证号", f"与人员编码 {code} 登记的身份证号不符（脱敏号码对不上）"))
        elif full_id and not cadre.has_id_number(full_id):
            errs.append(("身份证号", f"与人员编码 {code} 登记的身份证号不符"))
    elif masked:
        errs.append(("身份证号", "是脱敏后的号码（中间有 *），不能用来查找干部；请填写人员编码或完整的身份证号"))
        return None
    elif full_id:
        cadre = ctx.visible(ctx.by_id.get(full_id))
        if cadre is None:
            errs.append(("身份证号", NOT_FOUND_ID))
            return None
    else:
        errs.append(("人员编码", "人员编码和身份证号至少填写一项"))
        return None
    name = _text(row.values.get("姓名"))
    if name and name != cadre.name:
        errs.append(("姓名", f"{shown(name)}与人员编码 {cadre.person_code} 登记的姓名“{cadre.name}”不符"))
    return cadre


def _parse_days(value) -> int | None:
    """Empty: the form's default (the length of a full-time course, else 0)."""
    if type(value) is str and value.isdigit():  # the common case, a CSV's digits (already trimmed)
        return int(value)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("应为不小于 0 的整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = cell_text(value)
        if not text.isdigit():
            raise ValueError(f"{shown(value)}不是整数，应为不小于 0 的整数（脱产培训的天数）")
        number = int(text)
    if number < 0:
        raise ValueError("应为不小于 0 的整数")
    return number


def _institution_of(ctx: _Context, text: str, errs: list):
    """``(institution, free_text_name)``: a known institution, or an outside provider's name."""
    if not text:
        return None, ""
    found = ctx.inst_by_code.get(text)
    if found is not None:
        return found, ""
    named = ctx.inst_by_name.get(text, [])
    if len(named) == 1:
        return named[0], ""
    if len(named) > 1:
        errs.append(("培训机构", f"有 {len(named)} 个培训机构名为{shown(text)}，请填写机构编码（"
                               + "、".join(i.code for i in named[:5]) + "）"))
    elif CODE_LIKE.match(text):
        errs.append(("培训机构", f"机构编码 {text[:32]} 不存在（填机构编码或准确的机构名称；系统外的机构请填写全称）"))
    elif len(text) > INSTITUTION_NAME_MAX:
        errs.append(("培训机构", f"不能超过 {INSTITUTION_NAME_MAX} 个字"))
    return None, text


# --- matching the ledger ---------------------------------------------------------------------

def _existing_entries(field: str, values, watermark: int, **narrowing) -> list[dict]:
    """The entries (as they were before the import: ids up to ``watermark``) whose ``field`` is in ``values``."""
    reversed_ = Exists(LearningRecord.objects.filter(reverses=OuterRef("pk"), pk__lte=watermark))
    entries = (all_records_unscoped().filter(kind=EntryKind.ENTRY, pk__lte=watermark, **narrowing)
               .annotate(is_reversed=reversed_).order_by().values_list(*EXISTING_FIELDS))
    if field == "external_id" and connection.vendor == "postgresql":
        # 10,000 keys as one text the server splits (psycopg dumps a list of strings one by one in
        # Python); no 外部编号 holds a line break (whitespace is refused before matching)
        values = list(values)
        if not values:
            return []
        quote = connection.ops.quote_name
        column = f'{quote(LearningRecord._meta.db_table)}.{quote(LearningRecord._meta.get_field("external_id").column)}'
        entries = entries.extra(where=[f"{column} = ANY(string_to_array(%s, E'\\n'))"], params=["\n".join(values)])
        return [dict(zip(EXISTING_FIELDS, row)) for row in entries]
    return [dict(zip(EXISTING_FIELDS, row)) for qs in filter_any(entries, field, values) for row in qs]


def _match(rows: list[_Row], seen: SeenKeys, watermark: int) -> list[RowError]:
    """Decide created / updated / unchanged for every row of a chunk; the file's own duplicates are errors."""
    errors: list[RowError] = []
    keys = {r.number: ("e:" + r.external_id if r.external_id else _natural_seen_key(r.natural_key)) for r in rows}
    earlier = seen.rows_of(set(keys.values()))
    first: dict[str, int] = {}
    for r in rows:
        key = keys[r.number]
        before = earlier.get(key) or first.get(key)
        if before is not None:
            if r.external_id:
                errors.append(RowError(r.number, "外部编号", f"外部编号 {r.external_id} 与第 {before} 行重复"))
            else:
                errors.append(RowError(r.number, "培训名称", f"与第 {before} 行是同一条记录（同一干部、培训名称、"
                                                            "起止日期和培训形式）；如确是两次培训，请填写外部编号区分"))
        else:
            first[key] = r.number
    seen.add(first)
    if errors:
        return errors

    by_external = {e["external_id"]: e for e in _existing_entries(
        "external_id", {r.external_id for r in rows if r.external_id}, watermark)}
    by_key: dict[tuple, list[dict]] = {}
    natural = [r for r in rows if not r.external_id]
    if natural:
        # only the entries that can match: the rows' cadres on the rows' start dates
        dates = sorted({r.values["start_date"] for r in natural})
        if connection.vendor == "postgresql":
            narrowing = {"start_date__any_of": dates}
        elif len(dates) <= 500:
            narrowing = {"start_date__in": dates}
        else:
            narrowing = {"start_date__range": (dates[0], dates[-1])}
        for e in _existing_entries("cadre_id", {r.cadre.pk for r in natural}, watermark, **narrowing):
            by_key.setdefault((e["cadre_id"], e["title"], e["start_date"], e["end_date"], e["source"]), []).append(e)

    claimed: dict[int, int] = {}
    targets: list[tuple[_Row, int]] = []
    for r in rows:
        if r.external_id:
            existing = by_external.get(r.external_id)
            if existing is None:
                continue
            if existing["cadre_id"] != r.cadre.pk:
                errors.append(RowError(r.number, "外部编号", f"外部编号 {r.external_id} 已用于另一名干部的学习记录"))
                continue
            if existing["status"] != APPROVED:
                errors.append(RowError(r.number, "外部编号", f"外部编号 {r.external_id} 对应的是待审核或未通过的本人申报，"
                                                           "不能通过导入修改"))
                continue
            candidates = [existing]
        else:
            candidates = [e for e in by_key.get(r.natural_key, ()) if e["status"] == APPROVED]
            if not candidates:
                continue
        current = [e for e in candidates if not e["is_reversed"]]
        if not current:
            r.action = "unchanged"  # cancelled on purpose: an import does not bring it back
            continue
        same = next((e for e in current if not _differences(e, r)), None)
        if same is not None:
            target, r.action = same, "unchanged"
        elif len(current) > 1:
            errors.append(RowError(r.number, "培训名称", f"系统中有 {len(current)} 条相同培训名称、起止日期和培训形式的记录，"
                                                       "无法确定要更正哪一条；请填写外部编号"))
            continue
        else:
            target = current[0]
            r.action, r.original_pk, r.changes = "updated", target["pk"], _differences(target, r)
        targets.append((r, target["pk"]))
    claimed_before = seen.rows_of({f"c:{pk}" for _, pk in targets})
    for r, pk in targets:
        before = claimed_before.get(f"c:{pk}") or claimed.get(pk)
        if before is not None:
            errors.append(RowError(r.number, "外部编号" if r.external_id else "培训名称",
                                   f"与第 {before} 行对应系统中的同一条记录"))
        else:
            claimed[pk] = r.number
    seen.add({f"c:{pk}": number for pk, number in claimed.items()})
    return errors


def _differences(existing: dict, r: _Row) -> list[str]:
    v = r.values
    changed = [CHANGE_LABELS[f] for f in RECORD_FIELDS
               if (Decimal(existing[f]) != v[f] if f == "hours" else existing[f] != v[f])]
    if r.institution is not None:
        same_place = existing["institution_id"] == r.institution.pk
    else:
        same_place = existing["institution_id"] is None and existing["institution_name"] == r.institution_name
    if not same_place:
        changed.append(CHANGE_LABELS["institution"])
    return changed


# --- writing -----------------------------------------------------------------------------------

# Entries are built positionally (``PreparedEntry``, the ledger row without a model instance) from
# ``_TEMPLATE``, which holds every field's default in the model's order.
_ORDER = [f.attname for f in LearningRecord._meta.concrete_fields]
_TEMPLATE = [d.value if isinstance(d := f.get_default(), Enum) else d for f in LearningRecord._meta.concrete_fields]
_TEMPLATE[_ORDER.index("origin")] = RecordOrigin.IMPORT.value
_AT = {name: _ORDER.index(name) for name in ("cadre_id", "external_id", "institution_name", *RECORD_FIELDS)}


def _entry_of(r: _Row, external_id: str | None) -> PreparedEntry:
    cells = _TEMPLATE.copy()
    cells[_AT["cadre_id"]], cells[_AT["external_id"]] = r.cadre.pk, external_id
    cells[_AT["institution_name"]] = r.institution_name
    for name, value in r.values.items():
        cells[_AT[name]] = value
    record = PreparedEntry(*cells, r.cadre)
    if r.institution is not None:
        set_institution(record, r.institution)
    return record


def _batch(rows: list[_Row]) -> RecordBatch:
    """The rows to write as one batch: new entries, and corrections of the entries they matched."""
    # The replacement gets the original's 外部编号 from the service (a row matched without one has none).
    return RecordBatch(appends=[_entry_of(r, r.external_id) for r in rows if r.action == "created"],
                       corrections=[(r.original_pk, _entry_of(r, None)) for r in rows if r.action == "updated"],
                       typed=True)


# --- the registry of import kinds (the 数据导入 page, ``ganxun import records``) ---------------------------

def template_example(user) -> list:
    """One filled row for the downloadable template: a cadre and a recognised institution the user sees."""
    from ganxun.cadres.selectors import cadres_visible_to
    from ganxun.resources.selectors import institutions_visible_to

    cadre = cadres_visible_to(user).select_related(None).only("person_code", "name").first()
    institution = institutions_visible_to(user).filter(recognised=True).first()
    return ["PX2024-0001", cadre.person_code if cadre else "人员编码", "", cadre.name if cadre else "",
            "学习贯彻党的二十届三中全会精神专题培训班", "脱产培训", "理论教育", institution.code if institution else "",
            "2024-09-02", "2024-09-06", 5, 40, "是", "是"]


register_import(ImportKind(
    key="records", label="学习记录", columns=tuple(COLUMNS), required=tuple(REQUIRED_COLUMNS), key_column="外部编号",
    run=import_records, allowed=can_write_registry, list_url="records:list", list_label="查看学习记录",
    example=template_example, order=40, streams=True,
    help={
        "外部编号": "其他系统中这条记录的唯一编号，用于匹配已导入的记录；留空则按 人员编码/身份证号＋培训名称＋起止日期＋培训形式 匹配",
        "人员编码": "您管理范围内干部的人员编码；与身份证号至少填写一项", "身份证号": "18 位；填写人员编码时可留空或填导出文件中的脱敏号码",
        "姓名": "可留空；填写时须与干部名册一致", "培训名称": "不超过 200 个字",
        "培训形式": "、".join(SOURCE_LABELS.values()),
        "内容类别": "、".join(CATEGORY_LABELS.values()) + "；可留空",
        "培训机构": "机构编码或准确的机构名称（见“培训机构”）；系统外的社会培训机构填写全称，计入学时但不属于认可机构",
        "开始日期": "日期，如 2024-03-01", "结束日期": "不早于开始日期、不晚于今天；学时计入结束日期所在年度",
        "天数": "脱产培训的天数，留空按起止日期计算；网络培训、专题讲座、中心组学习、在职自学为 0 或留空",
        "学时": "不小于 0，最多一位小数", "系统培训": "是/否：系统理论教育和严格党性教育；留空为否",
        "结业": "是/否；留空为是。否：记录保留，但不计学时和天数",
    }))
