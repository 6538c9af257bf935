"""Writes of the archive app: registering an issued PDF, with its audit entry, in one transaction."""

import base64
import secrets
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from ganxun.archive.models import ArchiveIssue
from ganxun.archive.selectors import issuer_of, mask_name
from ganxun.audit.events import EventType, record_event
from ganxun.cadres.selectors import access_cadre
from ganxun.plans.catalog import load_plan



def new_issue_code() -> str:
    """16 characters of base32 (80 random bits): printed on the PDF before the row is written."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


@transaction.atomic(durable=True)
def archive_issue(*, acting_user, person_code: str, plan_id: str, as_of: date, digest: str,
                  code: str | None = None, issued_at: datetime | None = None) -> ArchiveIssue:
    """Register one issued archive PDF so that /verify/<code> can confirm it; audited as 出具电子档案."""
    cadre = access_cadre(acting_user, person_code)
    plan = load_plan(plan_id)
    org, org_name = issuer_of(acting_user)
    issue = ArchiveIssue(code=code or new_issue_code(), cadre=cadre, name_masked=mask_name(cadre.name),
                         plan_id=plan.id, plan_version=plan.version, plan_title=plan.title, as_of=as_of, digest=digest, issuing_org=org,
                         issuing_org_name=org_name[:200], created_by=acting_user,
                         created_at=issued_at or timezone.now())
    issue.full_clean(exclude=["cadre", "issuing_org", "created_by"])
    issue.save()
    record_event(actor=acting_user, event_type=EventType.ARCHIVE_ISSUED, subject_type="cadre",
                 subject_code=cadre.person_code, subject_label=cadre.name,
                 extra={"code": issue.code, "plan": plan.id, "as_of": as_of.isoformat(), "digest": digest})
    return issue
