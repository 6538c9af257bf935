"""Writes to the cadre registry: one transaction each, with its audit row."""

from collections.abc import Sequence

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ganxun.audit.events import EventType, Outcome, build_event, diff, import_summary_event, record_event, record_events
from ganxun.cadres.models import Cadre
from ganxun.cadres.ranks import tier_of
from ganxun.cadres.selectors import access_cadre, can_reveal_id_number, id_number_taken
from ganxun.cadres.validation import LABELS, check_cadre_values
from ganxun.core.changes import cadres_changed
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.orgs.authority import default_managing_department
from ganxun.core.roles import is_cadre, require_registry_write
from ganxun.orgs.selectors import access_org, org_in_scope, scope_of

EDITABLE_FIELDS = (
    "id_number", "name", "gender", "birth_date", "ethnicity", "political_status", "post_title", "rank",
    "is_leader", "category", "is_team_member", "local_team", "is_principal", "is_young_talent",
    "is_branch_secretary", "is_selected_graduate", "rank_since", "hired_on",
)


def snapshot(cadre: Cadre) -> dict:
    """The audited view of a cadre: plain values, 身份证号 masked."""
    data = {f: getattr(cadre, f) for f in EDITABLE_FIELDS if f != "id_number"}
    data["id_number"] = cadre.id_number_masked  # the stored masked form: no decryption
    data["org"] = cadre.org.code if cadre.org_id else ""
    data["managing_department"] = cadre.managing_department.code if cadre.managing_department_id else ""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def _raise_field_errors(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise DomainError("；".join(f"{LABELS.get(f, f)}：{m}" for f, m in errors), code="invalid",
                          extra={"fields": {f: m for f, m in errors}})


def next_person_code() -> str:
    """A fresh non-sensitive staff code ``GB`` + 8 digits."""
    last = Cadre.objects.filter(person_code__regex=r"^GB\d{8}$").order_by("-person_code").values_list(
        "person_code", flat=True).first()
    number = int(last[2:]) + 1 if last else 1
    return f"GB{number:08d}"


def _apply_authority(cadre: Cadre, managing_code: str | None, acting_user) -> None:
    if managing_code:
        try:
            dept = access_org(acting_user, managing_code)
        except NotFound:
            dept = None
        if dept is None or dept.org_type != "org_department":
            raise DomainError("干部管理权限应为一个组织部的单位编码", code="invalid_authority")
        cadre.managing_department, cadre.managing_overridden = dept, True
    elif not cadre.managing_overridden:
        cadre.managing_department = default_managing_department(cadre.org, cadre.tier)


@transaction.atomic(durable=True)
def cadre_create(*, acting_user, org_code: str, values: dict, person_code: str = "",
                 managing_code: str | None = None) -> Cadre:
    """Register a cadre in an org inside the user's scope."""
    require_registry_write(acting_user)
    org = access_org(acting_user, org_code)
    clean, errors = check_cadre_values(values)
    if clean.get("id_number") and id_number_taken(clean["id_number"]):
        errors.append(("id_number", "该身份证号已登记在另一名干部名下"))
    person_code = (person_code or "").strip() or next_person_code()
    if Cadre.objects.filter(person_code=person_code).exists():
        errors.append(("person_code", f"人员编码 {person_code} 已存在"))
    _raise_field_errors(errors)
    cadre = Cadre(person_code=person_code, org=org, **{f: clean.get(f) for f in EDITABLE_FIELDS if f in clean})
    cadre.tier = tier_of(cadre.rank)
    _apply_authority(cadre, managing_code, acting_user)
    cadre.full_clean()
    cadre.save()
    record_event(actor=acting_user, event_type=EventType.CADRE_CREATED, subject_type="cadre",
                 subject_code=cadre.person_code, subject_label=cadre.name, extra={"after": snapshot(cadre)})
    cadres_changed([cadre.pk], "registry")
    return cadre


@transaction.atomic(durable=True)
def cadre_update(*, acting_user, person_code: str, values: dict, org_code: str | None = None,
                 managing_code: str | None = None, reason: str = "") -> Cadre:
    """Change a cadre's registry data; moving them to another org needs both orgs in scope."""
    require_registry_write(acting_user)
    cadre = access_cadre(acting_user, person_code)
    if is_cadre(acting_user):
        raise PermissionDenied()
    before = snapshot(cadre)
    old_hash, old_masked = cadre.id_hash, cadre.id_number_masked
    merged = {f: getattr(cadre, f) for f in EDITABLE_FIELDS}
    merged.update(values)
    clean, errors = check_cadre_values(merged)
    if clean.get("id_number") and id_number_taken(clean["id_number"], except_pk=cadre.pk):
        errors.append(("id_number", "该身份证号已登记在另一名干部名下"))
    _raise_field_errors(errors)
    for field in EDITABLE_FIELDS:
        if field in clean:
            setattr(cadre, field, clean[field])
    if org_code and org_code != cadre.org.code:
        cadre.org = access_org(acting_user, org_code)
    cadre.tier = tier_of(cadre.rank)
    _apply_authority(cadre, managing_code, acting_user)
    cadre.full_clean()
    cadre.save()
    change = diff(before, snapshot(cadre))
    if cadre.id_hash != old_hash and "id_number" not in change["after"]:
        # Masks can hide a corrected middle digit: the correction must still show in the history.
        change["before"]["id_number"] = old_masked + "（更正前）"
        change["after"]["id_number"] = cadre.id_number_masked + "（已更正）"
    if change["after"]:
        record_event(actor=acting_user, event_type=EventType.CADRE_UPDATED, subject_type="cadre",
                     subject_code=cadre.person_code, subject_label=cadre.name, extra=change, reason=reason)
        cadres_changed([cadre.pk], "registry")
    return cadre


# Why a full number is looked at (the reveal dialog's list); the free text is required with the last one.
REVEAL_REASONS = ("核对身份信息", "办理调训或报名", "更正干部信息", "配合检查或审计", "其他")
REVEAL_OTHER = "其他"
REVEAL_TEXT_MAX = 200


class RevealRefused(DomainError):
    """Over the hourly limit: the refusal itself is audited (outcome 失败)."""

    def __init__(self, message: str):
        super().__init__(message, code="reveal_limit")


def reveal_reason(choice: str, text: str) -> str:
    """The audited reason from the dialog, or ``DomainError`` naming the field."""
    choice, text = (choice or "").strip(), " ".join((text or "").split())
    if choice not in REVEAL_REASONS:
        raise DomainError("查看原因：请从列表中选择一项（" + "、".join(REVEAL_REASONS) + "）", code="invalid",
                          extra={"fields": {"reason": "请选择查看原因"}})
    if choice == REVEAL_OTHER and not text:
        raise DomainError("查看原因：选择“其他”时须填写说明", code="invalid", extra={"fields": {"note": "请填写说明"}})
    if len(text) > REVEAL_TEXT_MAX:
        raise DomainError(f"查看原因：说明不能超过 {REVEAL_TEXT_MAX} 个字", code="invalid",
                          extra={"fields": {"note": f"不超过 {REVEAL_TEXT_MAX} 个字"}})
    return f"{choice}：{text}" if text else choice


def cadre_reveal_id_number(*, acting_user, person_code: str, reason: str = "", note: str = "") -> str:
    """The full 身份证号, for the managing department only, with a reason; every reveal is audited, and more
    than ``GANXUN_REVEAL_LIMIT_PER_HOUR`` in an hour are refused (the refusal audited too)."""
    full, refused = _reveal(acting_user, person_code, reveal_reason(reason, note))
    if refused:
        raise RevealRefused(refused)
    return full


@transaction.atomic(durable=True)
def _reveal(acting_user, person_code: str, reason: str) -> tuple[str, str]:
    cadre = access_cadre(acting_user, person_code)
    if not can_reveal_id_number(acting_user, cadre):
        raise PermissionDenied("只有该干部的管理部门可以查看完整身份证号")
    from ganxun.accounts.models import User
    from ganxun.audit.models import AuditEvent

    # One user's reveals are counted one at a time (PostgreSQL: the user row is locked until the commit).
    list(User.objects.select_for_update().filter(pk=acting_user.pk).values_list("pk"))
    limit = settings.GANXUN_REVEAL_LIMIT_PER_HOUR
    recent = AuditEvent.objects.filter(event_type=EventType.ID_REVEALED, actor_id=acting_user.pk,
                                       outcome=Outcome.SUCCESS,
                                       created_at__gte=timezone.now() - timedelta(hours=1)).count()
    event = dict(actor=acting_user, event_type=EventType.ID_REVEALED, subject_type="cadre",
                 subject_code=cadre.person_code, subject_label=cadre.name, reason=reason)
    if recent >= limit:
        message = f"一小时内查看完整身份证号已达 {limit} 次，暂不能再查看；如确有需要，请稍后再试或联系安全管理员"
        record_event(**event, outcome=Outcome.FAILURE, extra={"refused": message})
        return "", message
    record_event(**event)
    return cadre.id_number, ""


BATCH = 1000


@transaction.atomic(durable=True)
def cadre_upsert_many(*, acting_user, created: Sequence[tuple[Cadre, dict]],
                      updated: Sequence[tuple[Cadre, dict, set[str]]], report) -> None:
    """Write an import's validated rows at once: new cadres, changed ones (only the changed ``fields``), one
    audit row per cadre (``change`` is its before/after) and the import's summary row (``report``).

    The importer has checked every row against the user's scope; it is checked here again, cheaply, so
    that no caller can write outside it.
    """
    require_registry_write(acting_user)
    scope = scope_of(acting_user)
    if not all(org_in_scope(scope, c.org) for c, *_ in [*created, *updated]):
        raise PermissionDenied("导入的干部不在您的管理范围内")
    now = timezone.now()
    for i in range(0, len(created), BATCH):
        Cadre.objects.bulk_create([c for c, _ in created[i:i + BATCH]], batch_size=BATCH)
    if updated:
        fields = sorted(set().union(*(f for _, _, f in updated)) | {"updated_at"})
        for cadre, _, _ in updated:
            cadre.updated_at = now
        Cadre.objects.bulk_update([c for c, _, _ in updated], Cadre.stored_fields(fields), batch_size=BATCH)
    events = [build_event(actor=acting_user, event_type=EventType.CADRE_CREATED, subject_type="cadre",
                          subject_code=c.person_code, subject_label=c.name, extra=change, reason="批量导入")
              for c, change in created]
    events += [build_event(actor=acting_user, event_type=EventType.CADRE_UPDATED, subject_type="cadre",
                           subject_code=c.person_code, subject_label=c.name, extra=change, reason="批量导入")
               for c, change, _ in updated]
    events.append(import_summary_event(actor=acting_user, subject_type="cadres", report=report))
    record_events(events)
    cadres_changed([c.pk for c, _ in created] + [c.pk for c, _, _ in updated], "registry")


__all__ = ["cadre_create", "cadre_update", "cadre_reveal_id_number", "reveal_reason", "RevealRefused", "REVEAL_REASONS", "cadre_upsert_many", "NotFound"]
