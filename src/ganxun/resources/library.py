"""What the libraries' services and importers share: whose library an entry goes into, and the checks of
a code, a name and a dictionary word. Messages name the field and say what was expected."""

from collections.abc import Callable

from ganxun.core.errors import DomainError
from ganxun.orgs.models import Org
from ganxun.orgs.selectors import org_in_scope, scope_of
from ganxun.resources.models import DictionaryEntry, Institution
from ganxun.resources.selectors import can_edit_institution

CODE_MAX, NAME_MAX = 32, 100
HOLDER_LABELS = {"institution": "所属机构编码", "owner_org": "所属单位编码"}
HOLDER_BOTH = "所属机构编码与所属单位编码只能填一个（资源属于某个培训机构，或属于某个单位自己的资源库）"
HOLDER_NONE = "所属机构编码与所属单位编码须填一个"
INSTITUTION_NOT_FOUND = "培训机构 {code} 不存在或不在您的管理范围内"
INSTITUTION_READ_ONLY = "培训机构 {code} 的资源库由其主管单位或机构本身维护，您不能在其中新增或修改"
OWN_INSTITUTION_ONLY = "培训机构工作人员只能维护本机构（{codes}）的资源库"
ORG_NOT_FOUND = "单位 {code} 不存在或不在您的管理范围内"
ENTRY_UNKNOWN = "「{value}」不是启用的{domain}，应为 {choices} 之一（可在“数据字典”中维护）"


def raise_field_errors(errors: list[tuple[str, str]], labels: dict[str, str]) -> None:
    if errors:
        raise DomainError("；".join(f"{labels.get(f, f)}：{m}" for f, m in errors), code="invalid",
                          extra={"fields": {f: m for f, m in errors}})


def check_code(code: str) -> str | None:
    if not code:
        return "不能为空"
    if len(code) > CODE_MAX or any(ch.isspace() for ch in code):
        return f"不能超过 {CODE_MAX} 个字符，且不能包含空格"
    return None


def check_text(value: str, *, required: bool = False, limit: int = NAME_MAX) -> str | None:
    if not value:
        return "不能为空" if required else None
    if len(value) > limit:
        return f"不能超过 {limit} 个字"
    if any(ord(ch) < 32 for ch in value):
        return "不能包含换行等控制字符"
    return None


def check_holder(user, institution_code: str, owner_org_code: str, *,
                 find_institution: Callable[[str], Institution | None],
                 find_org: Callable[[str], Org | None]) -> tuple[Institution | None, Org | None, list]:
    """The library an entry goes into, as ``(institution, org, problems)``: exactly one of the two, and the
    user's to write (``find_*`` look a code up inside the user's scope and answer ``None`` outside)."""
    scope = scope_of(user)
    institution_code, owner_org_code = (institution_code or "").strip(), (owner_org_code or "").strip()
    if scope.institution_codes and not scope.everything:
        codes = "、".join(scope.institution_codes)
        if owner_org_code:
            return None, None, [("owner_org", OWN_INSTITUTION_ONLY.format(codes=codes))]
        institution_code = institution_code or scope.institution_codes[0]
        if institution_code not in scope.institution_codes:
            return None, None, [("institution", OWN_INSTITUTION_ONLY.format(codes=codes))]
        institution = find_institution(institution_code)
        if institution is None:
            return None, None, [("institution", INSTITUTION_NOT_FOUND.format(code=institution_code))]
        return institution, None, []
    if institution_code and owner_org_code:
        return None, None, [("institution", HOLDER_BOTH)]
    if not institution_code and not owner_org_code:
        return None, None, [("institution", HOLDER_NONE)]
    if institution_code:
        institution = find_institution(institution_code)
        if institution is None:
            return None, None, [("institution", INSTITUTION_NOT_FOUND.format(code=institution_code))]
        if not can_edit_institution(user, institution):
            return None, None, [("institution", INSTITUTION_READ_ONLY.format(code=institution_code))]
        return institution, None, []
    org = find_org(owner_org_code)
    if org is None or not org_in_scope(scope, org):
        return None, None, [("owner_org", ORG_NOT_FOUND.format(code=owner_org_code))]
    return None, org, []


def holder_lookups(user):
    """``find_institution`` and ``find_org`` for one object (the services; importers preload maps)."""
    from ganxun.orgs.selectors import orgs_visible_to
    from ganxun.resources.selectors import institutions_visible_to

    return {"find_institution": lambda code: institutions_visible_to(user).filter(code=code).first(),
            "find_org": lambda code: orgs_visible_to(user).filter(code=code).first()}


def find_entry(domain: str, value: str, entries: list[DictionaryEntry]) -> DictionaryEntry | None:
    """The entry of ``domain`` whose code or label is ``value`` (``entries``: the domain's rows)."""
    for entry in entries:
        if value in (entry.code, entry.label):
            return entry
    return None


def check_entry(domain: str, domain_label: str, value: str, entries: list[DictionaryEntry], *,
                current: DictionaryEntry | None = None) -> tuple[DictionaryEntry | None, str | None]:
    """A dictionary word by code or label: active, or the one the row already has (deactivated since)."""
    if not value:
        return None, None
    entry = find_entry(domain, value, entries)
    if entry is not None and (entry.active or (current is not None and entry.pk == current.pk)):
        return entry, None
    choices = "、".join(e.label for e in entries if e.active)
    return None, ENTRY_UNKNOWN.format(value=value, domain=domain_label, choices=choices or "（暂无）")


def holder_codes(item) -> dict:
    return {"institution": item.institution.code if item.institution_id else "",
            "owner_org": item.owner_org.code if item.owner_org_id else ""}
