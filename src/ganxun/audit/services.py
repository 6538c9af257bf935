"""Checking the audit chain (``ganxun audit verify``) and archiving its oldest rows (``ganxun audit archive``)."""

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ganxun.audit.chain import GENESIS, HASHED_FIELDS, archive_permit, lock_chain, row_hash
from ganxun.audit.models import AuditAnchor, AuditEvent
from ganxun.core.errors import DomainError

RETENTION_DAYS = 180
ARCHIVE_FORMAT = "ganxun-audit-archive/1"
_COLUMNS = ("id", *HASHED_FIELDS, "prev_hash", "row_hash")


@dataclass
class Verdict:
    count: int
    problem: str = ""     # the first break, in words; empty when the chain holds
    row_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def _walk(rows, start: str, *, hash_exists=None) -> Verdict:
    """Check rows (dicts in id order) link from ``start``; name the first row that does not."""
    expected, count = start, 0
    for row in rows:
        if row_hash(row) != row["row_hash"]:
            return Verdict(count, f"第 {count + 1} 行（id={row['id']}）的内容与其哈希不符：该行被改动", row["id"])
        if row["prev_hash"] != expected:
            if hash_exists is not None and hash_exists(row["prev_hash"]):
                why = "顺序被调换（它链接的前一行不在它之前）"
            else:
                why = "它之前的行被删除（它链接的前一行已不存在）"
            return Verdict(count, f"第 {count + 1} 行（id={row['id']}）与前一行断链：{why}", row["id"])
        expected = row["row_hash"]
        count += 1
    return Verdict(count)


def chain_start() -> str:
    anchor = AuditAnchor.objects.order_by("-id").first()
    return anchor.last_hash if anchor else GENESIS


def verify_table() -> Verdict:
    """Walk every audit row in id order from the newest archive's anchor (or the chain's start)."""
    rows = AuditEvent.objects.order_by("id").values(*_COLUMNS).iterator(chunk_size=5000)
    return _walk(rows, chain_start(),
                 hash_exists=lambda h: AuditEvent.objects.filter(row_hash=h).exists())


def _read_archive(path: Path):
    with path.open(encoding="utf-8") as handle:
        try:
            header = json.loads(handle.readline())
        except ValueError:
            header = {}
        if header.get("format") != ARCHIVE_FORMAT:
            raise DomainError(f"{path.name} 不是审计归档文件（第 1 行应为 {ARCHIVE_FORMAT} 文件头）", code="bad_archive")
        rows = []
        for number, line in enumerate(handle, start=2):
            try:
                row = json.loads(line)
                row["created_at"] = datetime.fromisoformat(row["created_at"])
            except (ValueError, KeyError, TypeError):
                raise DomainError(f"{path.name} 第 {number} 行不是有效的审计记录", code="bad_archive") from None
            rows.append(row)
    return header, rows


def verify_archive(path: Path) -> Verdict:
    """An archive file on its own: its rows link from the anchor in its header to the hash it ends on."""
    header, rows = _read_archive(path)
    hashes = {r.get("row_hash") for r in rows}
    verdict = _walk(rows, header.get("first_prev_hash", ""), hash_exists=hashes.__contains__)
    if verdict.ok and (verdict.count != header.get("count") or (rows and rows[-1]["row_hash"] != header.get("last_hash"))):
        verdict.problem = f"文件头记录 {header.get('count')} 行，但文件中的链只有 {verdict.count} 行：文件末尾的行被删除"
    return verdict


def _row_json(row: dict) -> str:
    row = dict(row)
    row["created_at"] = row["created_at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def archive(*, before: date, output: Path, today: date | None = None) -> AuditAnchor:
    """Move the rows older than ``before`` (which must be at least 180 days ago) to a verifiable file.

    The file is written and synced before any row leaves the table; the rows leave in one transaction that
    also records the anchor (the last archived row's hash, where the rest of the chain now starts) and an
    audit row saying so. A chain already broken is not archived.
    """
    today = today or timezone.localdate()
    if before > today - timedelta(days=RETENTION_DAYS):
        raise DomainError(f"--before {before} 太近：审计日志至少保留 {RETENTION_DAYS} 天，"
                          f"只能归档 {today - timedelta(days=RETENTION_DAYS)} 及以前的日期", code="retention")
    if output.exists():
        raise DomainError(f"归档文件 {output} 已存在，请换一个文件名", code="archive_exists")
    cutoff = timezone.make_aware(datetime.combine(before, time.min))
    with transaction.atomic():
        lock_chain()
        through = (AuditEvent.objects.filter(created_at__lt=cutoff).order_by("-id").values_list("id", flat=True).first())
        if through is None:
            raise DomainError(f"{before} 之前没有审计日志可归档", code="nothing_to_archive")
        start = chain_start()
        rows = list(AuditEvent.objects.filter(id__lte=through).order_by("id").values(*_COLUMNS))
        verdict = _walk(rows, start)
        if not verdict.ok:
            raise DomainError(f"审计日志链已断，不能归档：{verdict.problem}（请先运行 ganxun audit verify）",
                              code="chain_broken")
        header = {"format": ARCHIVE_FORMAT, "before": before.isoformat(), "count": len(rows),
                  "first_prev_hash": start, "last_hash": rows[-1]["row_hash"], "through_id": through}
        text = json.dumps(header, ensure_ascii=False) + "\n" + "".join(_row_json(r) + "\n" for r in rows)
        with output.open("x", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        anchor = AuditAnchor.objects.create(
            before=before, through_id=through, count=len(rows), first_prev_hash=start, last_hash=rows[-1]["row_hash"],
            file_name=output.name, file_sha256=hashlib.sha256(text.encode()).hexdigest())
        with archive_permit():
            AuditEvent.objects.filter(id__lte=through).delete()
        from ganxun.audit.events import EventType, record_event
        from ganxun.core.roles import UNSCOPED_OPERATOR

        record_event(actor=UNSCOPED_OPERATOR, event_type=EventType.AUDIT_ARCHIVED, subject_type="audit",
                     subject_code="audit", subject_label=output.name,
                     extra={"before": before.isoformat(), "count": len(rows), "through_id": through,
                            "file_sha256": anchor.file_sha256})
    return anchor
