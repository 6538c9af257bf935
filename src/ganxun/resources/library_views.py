"""What the library pages (师资库, 课程库, 教材, 案例, 现场教学点) share: the dialog, the history tab and
which library a new entry goes into by default."""


from ganxun.audit.presentation import changes
from ganxun.orgs.selectors import scope_of
from ganxun.web.dialogs import dialog_page

FORM_FIELD = {"institution": "institution_code", "owner_org": "owner_org_code", "cadre": "person_code"}
YES_NO = (("yes", "是"), ("no", "否"))


def holder_fixed(user) -> bool:
    """An institution's staff always write their own institution's library."""
    scope = scope_of(user)
    return bool(scope.institution_codes) and not scope.everything


def holder_initial(user) -> dict:
    scope = scope_of(user)
    if holder_fixed(user):
        return {"institution_code": scope.institution_codes[0]}
    return {"owner_org_code": user.scope_org.code if getattr(user, "scope_org_id", None) else ""}


def holder_initial_of(item) -> dict:
    return {"institution_code": item.institution.code if item.institution_id else "",
            "owner_org_code": item.owner_org.code if item.owner_org_id else ""}


def form_page(request, form, *, key: str, title: str, list_url: str, heading: str, cancel_url: str):
    return dialog_page(request, form, "resources/library_dialog.html", "resources/library_form_page.html",
                       key=key, title=title, list_url=list_url, heading=heading, cancel_url=cancel_url)


ACTIONS = {"admit": "入库", "exit": "出库"}


def history_rows(events) -> list[dict]:
    rows = []
    for e in events:
        created = e.event_type.endswith("_created")
        action = ACTIONS.get((e.extra or {}).get("action", ""))
        rows.append({"event": e, "created": created, "what": action or e.get_event_type_display(),
                     "changes": [] if created else changes(e)})
    return rows


def holder_label(item) -> str:
    if item.institution_id:
        return f"{item.institution.name}（{item.institution.code}）"
    return f"{item.owner_org.name}（{item.owner_org.code}）" if item.owner_org_id else "—"


def holder_search(flt) -> list[dict]:
    return [{"name": "institution", "label": "所属机构编码", "value": flt.institution},
            {"name": "org", "label": "所属单位编码", "value": flt.org}]
