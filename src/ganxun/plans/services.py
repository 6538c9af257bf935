"""规划管理: a department creates a plan by adopting another, edits its draft, publishes numbered versions.

Every function is one durable transaction with its audit row. Only an organisation-department administrator
of the plan's own region edits it (``UNSCOPED_OPERATOR`` at the command line may too); anyone else gets
"not found" for a draft they cannot see, and "no right" for a plan they can only read.
"""

from __future__ import annotations

import copy
import re
from datetime import date

from django.db import transaction

from ganxun.audit.events import EventType, record_event
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.core.roles import OPERATOR_ROLE, Role, role_of
from ganxun.orgs.models import Level, Org, OrgType
from ganxun.orgs.selectors import access_org, root_org_of
from ganxun.plans import catalog
from ganxun.plans.models import PlanDocument, PlanVersion
from ganxun.plans.spec import (HIRED_CUTOFFS, Plan, PlanFileError, effective, file_plan_ids, parse_indicator,
                               parse_plan, read_yaml, to_json_ready)

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
CODE_HINT = "规划编号应为 3–64 位小写字母、数字或连字符（如 4199-2023-2027）"
LEVEL_OF_REGION = {Level.PROVINCE: "province", Level.CITY: "city", Level.COUNTY: "county"}
READ_ONLY = "只有制定该规划的组织部门管理员可以修改它"
HEADER_KEYS = ("title", "issuer", "source_title", "period", "hired_cutoff")


def _may_edit(acting_user, owner: Org) -> bool:
    role = role_of(acting_user)
    if role == OPERATOR_ROLE:
        return True
    return role == Role.ORG_ADMIN and (root := root_org_of(acting_user)) is not None and root.pk == owner.pk


def editable_document(acting_user, code: str, *, lock: bool = True) -> PlanDocument:
    """The department's plan ``code`` for an edit: missing or not the user's to see is "not found"."""
    docs = PlanDocument.objects.select_related("owner_org")
    doc = (docs.select_for_update() if lock else docs).filter(code=code).first()
    if doc is None:
        raise NotFound("规划不存在或不在您的管理范围内")
    if not _may_edit(acting_user, doc.owner_org):
        if doc.versions.exists():
            raise PermissionDenied(READ_ONLY)
        raise NotFound("规划不存在或不在您的管理范围内")
    return doc


def _check(raw: dict, code: str, owner: Org) -> Plan:
    """The draft as a plan, or a refusal naming the key that is wrong (the plan file's own message)."""
    try:
        return parse_plan(raw, f"{code}（草稿）", catalog._resolve, owner=owner.code)
    except PlanFileError as exc:
        raise DomainError(str(exc), code="invalid_plan") from None


def _audit(acting_user, event_type, doc: PlanDocument, extra: dict, reason: str = "") -> None:
    record_event(actor=acting_user, event_type=event_type, subject_type="plan", subject_code=doc.code,
                 subject_label=doc.title, extra=extra, reason=reason)


def _owner_for(acting_user, owner_code: str | None) -> Org:
    """The region a new plan governs: the user's own (a department plans for its region)."""
    if role_of(acting_user) == OPERATOR_ROLE:
        if not owner_code:
            raise DomainError("请指定规划适用的地区（单位编码）", code="owner_required")
        owner = access_org(acting_user, owner_code)
    else:
        if role_of(acting_user) != Role.ORG_ADMIN:
            raise PermissionDenied("只有组织部门管理员可以制定规划")
        owner = root_org_of(acting_user)
        if owner is None or (owner_code and owner_code != owner.code):
            raise PermissionDenied("组织部门只能为本地区制定规划")
    if owner.org_type != OrgType.REGION or owner.level not in LEVEL_OF_REGION:
        raise DomainError(f"{owner.name} 不是省、市、县一级的地区，不能制定规划", code="owner_not_region")
    return owner


def _code_free(code: str) -> None:
    if not CODE.match(code or ""):
        raise DomainError(CODE_HINT, code="invalid_code", extra={"fields": {"code": CODE_HINT}})
    if code in file_plan_ids() or PlanDocument.objects.filter(code=code).exists():
        message = f"规划编号 {code} 已被使用"
        raise DomainError(message, code="duplicate_code", extra={"fields": {"code": message}})


@transaction.atomic(durable=True)
def plan_create(*, acting_user, code: str, title: str, issuer: str, start: date, end: date, adopts: str,
                source_title: str = "", example: bool = False, owner_code: str | None = None) -> PlanDocument:
    """A new plan for the user's region that adopts ``adopts`` (its current version): every indicator of it,
    with this plan's own period, until the department overrides them. Starts as a draft."""
    owner = _owner_for(acting_user, owner_code)
    code = (code or "").strip()
    _code_free(code)
    try:
        parent = catalog.load_plan(adopts)
    except PlanFileError:
        raise DomainError(f"没有已发布的规划 {adopts}", code="unknown_plan",
                          extra={"fields": {"adopts": "请选择一个已发布的规划"}}) from None
    raw = {"id": code, "title": (title or "").strip(), "issuer": (issuer or "").strip(),
           "level": LEVEL_OF_REGION[owner.level], "source_title": (source_title or "").strip() or (title or "").strip(),
           "adopts": parent.id, "adopts_version": parent.version,
           "period": {"start": start.isoformat() if start else "", "end": end.isoformat() if end else ""},
           "overrides": []}
    if example:
        raw["example"] = True
    _check(raw, code, owner)
    doc = PlanDocument.objects.create(code=code, owner_org=owner, title=raw["title"], draft=raw,
                                      created_by=acting_user if getattr(acting_user, "pk", None) else None)
    _audit(acting_user, EventType.PLAN_CREATED, doc, {"after": {"adopts": f"{parent.id} 第 {parent.version} 版",
                                                                 "period": f"{start} 至 {end}"}})
    return doc


@transaction.atomic(durable=True)
def plan_update(*, acting_user, code: str, title: str, issuer: str, start: date, end: date,
                source_title: str = "", hired_cutoff: str = "", reason: str = "") -> PlanDocument:
    """Change the draft's header: names, period, source document, the 入职前的年度 rule."""
    doc = editable_document(acting_user, code)
    raw = copy.deepcopy(doc.draft)
    before = {k: raw.get(k) for k in HEADER_KEYS}
    raw.update(title=(title or "").strip(), issuer=(issuer or "").strip(),
               source_title=(source_title or "").strip() or (title or "").strip(),
               period={"start": start.isoformat() if start else "", "end": end.isoformat() if end else ""})
    if hired_cutoff:
        if hired_cutoff not in HIRED_CUTOFFS:
            raise DomainError("入职前的年度规则不在可选范围内", code="invalid_choice")
        raw["hired_cutoff"] = hired_cutoff
    _save_draft(acting_user, doc, raw, {k: raw.get(k) for k in HEADER_KEYS}, before, reason)
    return doc


def _save_draft(acting_user, doc: PlanDocument, raw: dict, after: dict, before: dict, reason: str) -> None:
    _check(raw, doc.code, doc.owner_org)
    doc.draft, doc.title, doc.draft_changed = to_json_ready(raw), raw.get("title", doc.title), True
    doc.save(update_fields=["draft", "title", "draft_changed", "updated_at"])
    changed = [k for k in after if after[k] != before.get(k)]
    _audit(acting_user, EventType.PLAN_UPDATED, doc,
           {"before": {k: before.get(k) for k in changed}, "after": {k: after[k] for k in changed}}, reason)


def _parent_spec(raw: dict, indicator_code: str) -> dict | None:
    """The adopted plan's version of an indicator (None when the plan's own)."""
    if not raw.get("adopts"):
        return None
    parent = effective(catalog._resolve(raw["adopts"], raw.get("adopts_version")), raw["adopts"], catalog._resolve)
    return next((copy.deepcopy(i) for i in parent.get("indicators", []) if i.get("code") == indicator_code), None)


# What an indicator's mapping means when a key is left out (an override must say these explicitly to undo them).
DEFAULTS = {"applies_to": {}, "population": {}, "counts": {}, "of_indicator": None, "advisory": False,
            "makeup_list": False}


def normalized(spec: dict) -> dict:
    """An indicator's mapping as the plan file writes it (defaults left out), or a refusal naming the key."""
    try:
        return parse_indicator("指标", 0, spec).as_spec()
    except PlanFileError as exc:
        raise DomainError(str(exc).replace("规划文件 指标：indicators[0]", "指标"), code="invalid_indicator") from None


def _override(parent: dict, spec: dict) -> dict:
    """The keys where ``spec`` differs from the adopted indicator: what the override entry holds."""
    p, s = normalized(parent), normalized(spec)
    entry = {"code": s["code"]}
    for key in [*p, *(k for k in s if k not in p)]:
        if key != "code" and p.get(key, DEFAULTS.get(key)) != s.get(key, DEFAULTS.get(key)):
            entry[key] = s.get(key, DEFAULTS.get(key))
    return entry


@transaction.atomic(durable=True)
def plan_indicator_save(*, acting_user, code: str, spec: dict, reason: str = "", new: bool = False) -> PlanDocument:
    """Put one indicator into the draft: an adopted one becomes an override (only what differs from the adopted
    plan), the plan's own one is replaced, a ``new`` one is added. The whole draft must still validate."""
    doc = editable_document(acting_user, code)
    raw = copy.deepcopy(doc.draft)
    ind_code = spec.get("code")
    own = raw.setdefault("indicators", [])
    parent = _parent_spec(raw, ind_code)
    current = effective(raw, code, catalog._resolve)
    existing = next((i for i in current.get("indicators", []) if i.get("code") == ind_code), None)
    spec = normalized(spec)
    if new:
        if existing is not None:
            message = f"指标代码 {ind_code} 已存在"
            raise DomainError(message, code="duplicate_indicator", extra={"fields": {"code": message}})
        own.append(spec)
    elif existing is None:
        raise NotFound(f"规划中没有指标 {ind_code}")
    elif parent is not None:
        entry = _override(parent, spec)
        overrides = [o for o in raw.get("overrides") or [] if o.get("code") != ind_code]
        raw["overrides"] = overrides + ([entry] if len(entry) > 1 else [])
    else:
        raw["indicators"] = [spec if i.get("code") == ind_code else i for i in own]
    _save_draft(acting_user, doc, raw, {ind_code: spec}, {ind_code: existing}, reason)
    return doc


@transaction.atomic(durable=True)
def plan_indicator_reset(*, acting_user, code: str, indicator_code: str, reason: str = "") -> PlanDocument:
    """An adopted indicator back to the adopted plan's requirement (its override removed); the plan's own
    indicator is removed from the draft."""
    doc = editable_document(acting_user, code)
    raw = copy.deepcopy(doc.draft)
    before = effective(raw, code, catalog._resolve)
    existing = next((i for i in before.get("indicators", []) if i.get("code") == indicator_code), None)
    if existing is None:
        raise NotFound(f"规划中没有指标 {indicator_code}")
    if _parent_spec(raw, indicator_code) is not None:
        raw["overrides"] = [o for o in raw.get("overrides") or [] if o.get("code") != indicator_code]
    else:
        raw["indicators"] = [i for i in raw.get("indicators") or [] if i.get("code") != indicator_code]
    after = next((i for i in effective(raw, code, catalog._resolve).get("indicators", [])
                  if i.get("code") == indicator_code), None)
    _save_draft(acting_user, doc, raw, {indicator_code: after}, {indicator_code: existing}, reason)
    return doc


@transaction.atomic(durable=True)
def plan_publish(*, acting_user, code: str, note: str = "") -> PlanVersion:
    """Publish the draft as the next numbered version: from now on pages open with it, and verdicts name it."""
    doc = editable_document(acting_user, code)
    plan = _check(doc.draft, doc.code, doc.owner_org)
    latest = doc.versions.order_by("-number").first()
    if latest is not None and latest.content == doc.draft:
        raise DomainError(f"草稿与已发布的第 {latest.number} 版相同，无需再次发布", code="nothing_to_publish")
    number = (latest.number if latest else 0) + 1
    version = PlanVersion.objects.create(document=doc, number=number, content=doc.draft, note=(note or "").strip()[:500],
                                         published_by=acting_user if getattr(acting_user, "pk", None) else None)
    doc.draft_changed = False
    doc.save(update_fields=["draft_changed", "updated_at"])
    _audit(acting_user, EventType.PLAN_PUBLISHED, doc,
           {"after": {"version": number, "indicators": len(plan.indicators), "period": f"{plan.start} 至 {plan.end}"}},
           note)
    transaction.on_commit(lambda: _queue_rebuild(acting_user, doc.code))   # the new version into the verdict store
    return version


def _queue_rebuild(user, code: str) -> None:
    from ganxun.plans.background import queue_rebuild

    queue_rebuild(user, code)


@transaction.atomic(durable=True)
def plan_import(*, acting_user, text: str, filename: str, owner_code: str | None = None) -> PlanDocument:
    """A plan file (YAML) as a draft: a new plan of the user's region, or the new draft of one of theirs with
    the same ``id``. The file is validated whole first (every key it names must be right)."""
    try:
        raw = to_json_ready(read_yaml(text, filename))
    except PlanFileError as exc:
        raise DomainError(str(exc), code="invalid_plan") from None
    code = str(raw.get("id") or "").strip()
    existing = PlanDocument.objects.filter(code=code).first()
    if existing is not None:
        doc = editable_document(acting_user, code)
        owner = doc.owner_org
    else:
        owner = _owner_for(acting_user, owner_code)
        if code in file_plan_ids():
            raise DomainError(f"规划编号 {code} 是随系统提供的规划文件，不能覆盖；请在文件中改用新的 id", code="duplicate_code")
        if not CODE.match(code):
            raise DomainError(f"规划文件 {filename}：id：{CODE_HINT}", code="invalid_code")
        doc = None
    raw["level"] = raw.get("level") or LEVEL_OF_REGION[owner.level]
    plan = _check(raw, code, owner)
    if doc is None:
        doc = PlanDocument.objects.create(code=code, owner_org=owner, title=plan.title, draft=raw,
                                          created_by=acting_user if getattr(acting_user, "pk", None) else None)
    else:
        doc.draft, doc.title, doc.draft_changed = raw, plan.title, True
        doc.save(update_fields=["draft", "title", "draft_changed", "updated_at"])
    _audit(acting_user, EventType.PLAN_IMPORTED, doc,
           {"after": {"file": filename, "indicators": len(plan.indicators)}})
    return doc


__all__ = ["plan_create", "plan_update", "plan_indicator_save", "plan_indicator_reset", "plan_publish",
           "plan_import", "editable_document"]
