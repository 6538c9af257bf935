"""The ledger pages: 学习记录 (list, 新增, 冲销, 更正, 导出), 自学审核, 自学申报, 学员学时 (an institution's).

Views parse, call one selector or service, and render. Anything outside the user's scope, and any
action their role may not take, answers 404 like a record that does not exist.
"""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from ganxun.core.choices import ContentCategory
from ganxun.core.errors import DomainError, NotFound
from ganxun.core.roles import Role, can_write_registry, is_cadre, role_of
from ganxun.orgs.selectors import access_org, org_tree_rows, scope_of
from ganxun.records.forms import ReasonForm, RecordCorrectForm, RecordNewForm, SelfStudyForm
from ganxun.records.models import EntryKind, RecordOrigin, RecordSource, RecordStatus
from ganxun.records.selectors import (TRAINEE_TOTALS_CAP, RecordFilter, TraineeFilter, access_record, flag_reversed,
                                      pending_self_study_visible_to, record_counts, records_filtered,
                                      records_visible_to, trainee_counts, trainee_entries, trainee_years,
                                      with_reversal_flag)
from ganxun.records.services import (claim_submit, record_append, record_correct, record_pass_up, record_reverse,
                                     record_review, record_review_many)
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import action_feedback, attach_errors, dialog_done
from ganxun.web.paging import count_up_to, how_many, page_of
from ganxun.web.tables import Column

FIRST_YEAR = 2015
LIST_COLUMNS = [Column("干部"), Column("培训名称"), Column("形式 / 类别"), Column("培训机构"), Column("起止日期"),
                Column("学时", css="num"), Column("计入", css="num", title="计入的学时和脱产天数"), Column("状态"),
                Column("操作")]
# Columns a phone leaves out: what they hold folds into the name's and the title's cells.
_WIDE = "d-none d-md-table-cell"
# The first header selects every claim on the page (a checkbox: the header's label is that markup).
SELECT_ALL = mark_safe('<input class="form-check-input" type="checkbox" id="review-all" aria-label="全选本页" '
                       'title="全选本页" data-testid="review-select-all">')
REVIEW_COLUMNS = [Column(SELECT_ALL), Column("人员编码", css=_WIDE), Column("姓名"), Column("单位", css=_WIDE),
                  Column("学习内容"), Column("内容类别", css=_WIDE), Column("起止日期", css=_WIDE),
                  Column("学时", css="num"), Column("申报时间", css=_WIDE), Column("操作")]
TRAINEE_COLUMNS = [Column("学员"), Column("单位", css=_WIDE), Column("培训名称"), Column("培训形式", css=_WIDE),
                   Column("起止日期", css=_WIDE), Column("学时", css="num"),
                   Column("计入", css="num", title="计入的学时（未结业、未审核的不计）"), Column("状态", css=_WIDE)]
SELF_STUDY_COLUMNS = [Column("学习内容"), Column("内容类别"), Column("起止日期"), Column("学时", css="num"),
                      Column("申报时间"), Column("状态"), Column("审核意见")]
COUNT_CAP = 100_000
PAGE_SIZES = (20, 50, 100, 200)


_scoped = scoped_view


def _require_writer(user) -> None:
    if not can_write_registry(user):
        raise Http404("无权登记学时")


def _filter_from(request) -> RecordFilter:
    g = request.GET
    source = g.get("source", "")
    category = g.get("category", "")
    status = g.get("status", "")
    return RecordFilter(q=g.get("q", "").strip()[:50], org_code=g.get("org", "").strip(),
                        source=source if source in RecordSource.values else "",
                        category=category if category in ContentCategory.values else "",
                        year=g.get("year", "").strip(), status=status if status in RecordStatus.values else "",
                        show_reversed=g.get("reversed") == "1")


def _side_tree(rows: list[dict], selected) -> list[dict]:
    """The top two levels, opened along the path to the selected org (as on the cadre list)."""
    open_paths = set(selected.ancestor_paths() + [selected.path]) if selected else set()
    return [row for row in rows
            if row["indent"] <= 1 or row["org"].path[: -row["org"].steplen] in open_paths]


def _done(request, message: str):
    """After a dialog: refresh the page behind it (with its filters); without htmx, back to the list."""
    messages.success(request, message)
    return dialog_done(request, reverse("records:list"), refresh=True)


def _dialog(request, context: dict, *, status: int = 200):
    template = "records/dialog.html" if request.htmx else "records/dialog_page.html"
    return render(request, template, context, status=status)


# --- 学习记录 ----------------------------------------------------------------------------------

@_scoped
def record_list(request):
    user = request.user
    if role_of(user) == Role.INSTITUTION:
        # the ledger an institution sees is its own trainees' (学员学时), not the registry's list by unit
        return redirect("records:trainees_mine")
    flt = _filter_from(request)
    qs = records_filtered(user, flt)
    # The headline sums every listed entry: only for a list narrowed to COUNT_CAP entries or fewer.
    total = count_up_to(qs, COUNT_CAP)
    counts = record_counts(qs) if total <= COUNT_CAP else None
    page = page_of(request, qs, count=min(total, COUNT_CAP))
    if total > COUNT_CAP:
        # counted no further than the cap: the pagination says "more than", not a number it does not know
        page.paginator.count_text = f"超过 {how_many(COUNT_CAP)}"
    flag_reversed(page.object_list)
    selected_org = access_org(user, flt.org_code) if flt.org_code else None
    this_year = date.today().year
    return render(request, "records/list.html", {
        "page": page, "flt": flt, "counts": counts, "count_cap": how_many(COUNT_CAP),
        "tree": _side_tree(org_tree_rows(user), selected_org), "selected_org": selected_org,
        "sources": RecordSource.choices, "categories": ContentCategory.choices, "statuses": RecordStatus.choices,
        "years": [str(y) for y in range(this_year, FIRST_YEAR - 1, -1)],
        "can_write": can_write_registry(user), "filter_query": _without_paging(request.GET),
        "columns": LIST_COLUMNS,
    })


def _without_paging(params) -> str:
    params = params.copy()
    params.pop("page", None)
    params.pop("page_size", None)
    return params.urlencode()


@_scoped
def record_new(request):
    _require_writer(request.user)
    form = RecordNewForm(request.POST or None, initial={"completed": True})
    if request.method == "POST" and form.is_valid():
        code, free_text = form.cleaned_data["institution"]
        try:
            record = record_append(acting_user=request.user, person_code=form.cleaned_data["person_code"].strip(),
                                   values=form.values(), institution_code=code, institution_name=free_text,
                                   external_id=form.cleaned_data["external_id"].strip() or None)
        except NotFound as exc:
            form.add_error("person_code", exc.message)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            return _done(request, f"已登记 {record.cadre.name} 的学习记录「{record.title}」（{record.reference}）")
    return _dialog(request, {"form": form, "title": "新增学习记录", "action": reverse("records:new"),
                             "submit": "确定", "testid": "record-new"})


def _entry_for_action(request, record_id):
    """An entry that can still be reversed or corrected: approved, not a reversal, not yet reversed."""
    _require_writer(request.user)
    record = access_record(request.user, record_id)
    record = with_reversal_flag(records_visible_to(request.user).filter(pk=record.pk)).first()
    if record.kind != EntryKind.ENTRY or record.is_reversed or record.status != RecordStatus.APPROVED:
        raise Http404("该记录已冲销或不是有效的登记记录，不能再冲销或更正")
    return record


@_scoped
def record_reverse_view(request, record_id: int):
    record = _entry_for_action(request, record_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_reverse(acting_user=request.user, record_id=record.pk, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            return _done(request, f"已冲销 {record.cadre.name} 的「{record.title}」（{record.reference}）")
    return _dialog(request, {"form": form, "record": record, "title": "冲销学习记录",
                             "action": reverse("records:reverse", args=[record.pk]), "submit": "确认冲销",
                             "danger": True, "testid": "record-reverse",
                             "intro": "冲销会登记一条数额相反的记录，原记录保留在台账中并标为已冲销。"})


@_scoped
def record_correct_view(request, record_id: int):
    record = _entry_for_action(request, record_id)
    initial = {"title": record.title, "source": record.source, "content_category": record.content_category,
               "institution": record.institution.code if record.institution_id else record.institution_name,
               "start_date": record.start_date, "end_date": record.end_date, "days": str(record.days),
               "hours": str(record.hours), "is_system_training": record.is_system_training,
               "completed": record.completed}
    form = RecordCorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        code, free_text = form.cleaned_data["institution"]
        try:
            corrected = record_correct(acting_user=request.user, record_id=record.pk, values=form.values(),
                                       reason=form.cleaned_data["reason"], institution_code=code,
                                       institution_name=None if code else free_text)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            return _done(request, f"已更正 {record.cadre.name} 的「{corrected.title}」：原记录已冲销，"
                                  f"更正后的记录为 {corrected.reference}")
    return _dialog(request, {"form": form, "record": record, "title": "更正学习记录",
                             "action": reverse("records:correct", args=[record.pk]), "submit": "确认更正",
                             "testid": "record-correct",
                             "intro": "台账只增不改：更正会冲销原记录，再登记一条更正后的记录，两条都保留并记入操作日志。"})


@_scoped
def record_export(request):
    from ganxun.records.exporters import export_records_response

    return export_records_response(request.user, _filter_from(request))


# --- 自学审核 ----------------------------------------------------------------------------------

@_scoped
def review_list(request):
    _require_writer(request.user)
    qs = pending_self_study_visible_to(request.user).select_related("cadre__org")
    page = page_of(request, qs)
    return render(request, "records/review.html", {"page": page, "columns": REVIEW_COLUMNS,
                                                   "page_sizes": PAGE_SIZES, "page_size": page.paginator.per_page})


def _back_to_review(request):
    """The queue again, at the page size the reviewer chose (the claims just settled are gone from it)."""
    size = request.POST.get("page_size", "")
    url = reverse("records:review")
    return redirect(f"{url}?page_size={size}" if size.isdigit() and int(size) in PAGE_SIZES else url)


@_scoped
def review_bulk(request):
    """通过所选 / 退回所选: the claims ticked on the review page, settled together or not at all."""
    _require_writer(request.user)
    if request.method != "POST":
        raise Http404("请从自学审核页面操作")
    action = request.POST.get("action", "")
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if action not in ("approve", "reject", "pass_up"):
        messages.error(request, "请点「通过所选」「退回所选」或「报上级审核」")
        return _back_to_review(request)
    reason = request.POST.get("reason", "").strip()[:200]
    if action == "pass_up":
        action_feedback(request, lambda: record_pass_up(acting_user=request.user, record_ids=ids, note=reason),
                        lambda passed: f"已将 {len(passed)} 条申报报{passed[0].review_org.name}审核")
        return _back_to_review(request)
    try:
        settled = record_review_many(acting_user=request.user, record_ids=ids, approve=action == "approve",
                                     reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if action == "approve":
            hours = sum((r.credit_hours for r in settled), Decimal("0"))
            messages.success(request, f"已通过 {len(settled)} 条自学申报（{len({r.cadre_id for r in settled})} 名干部），"
                                      f"共计入 {hours} 学时")
        else:
            messages.success(request, f"已退回 {len(settled)} 条自学申报，退回原因：{reason}")
    return _back_to_review(request)


@_scoped
def review_approve(request, record_id: int):
    _require_writer(request.user)
    if request.method != "POST":
        raise Http404("请从自学审核页面操作")
    try:
        record = record_review(acting_user=request.user, record_id=record_id, approve=True)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已通过 {record.cadre.name} 的自学申报「{record.title}」，计入 {record.hours} 学时")
    return redirect("records:review")


@_scoped
def review_reject(request, record_id: int):
    _require_writer(request.user)
    record = access_record(request.user, record_id)
    if record.status != RecordStatus.PENDING:
        raise Http404("该记录不是待审核的自学申报")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_review(acting_user=request.user, record_id=record.pk, approve=False,
                          reason=form.cleaned_data["reason"])
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已退回 {record.cadre.name} 的自学申报「{record.title}」")
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
            return redirect("records:review")
    return _dialog(request, {"form": form, "record": record, "title": "退回自学申报", "danger": True,
                             "action": reverse("records:reject", args=[record.pk]), "submit": "确认退回",
                             "testid": "review-reject", "intro": "退回的申报不计学时，干部本人可以看到退回原因。"})


# --- 自学申报 ----------------------------------------------------------------------------------

@_scoped
def self_study(request):
    user = request.user
    if not is_cadre(user):
        raise Http404("只有干部本人可以申报在职自学")
    form = SelfStudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = claim_submit(acting_user=user, values=form.values())
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已提交{record.get_source_display()}申报「{record.title}」（{record.hours} 学时），"
                                      "请等待单位审核")
            return redirect("records:self_study")
    mine = with_reversal_flag(records_visible_to(user).filter(origin=RecordOrigin.SELF_REPORTED,
                                                              kind=EntryKind.ENTRY)).order_by("-recorded_at", "-id")
    return render(request, "records/self_study.html", {"form": form, "page": page_of(request, mine),
                                                       "columns": SELF_STUDY_COLUMNS})


# --- 学员学时 (the entries of the training an institution gave) --------------------------------------

def _trainee_filter(request) -> TraineeFilter:
    g = request.GET
    source = g.get("source", "")
    return TraineeFilter(year=g.get("year", "").strip()[:4], name=g.get("name", "").strip()[:50],
                         title=g.get("title", "").strip()[:100],
                         source=source if source in RecordSource.values else "")


@_scoped
def trainees_mine(request):
    """学员学时 from the menu: the page of the institution the staff member works for."""
    codes = scope_of(request.user).institution_codes
    if not codes:
        raise Http404("只有培训机构工作人员有本机构的学员学时")
    return redirect("records:trainees", codes[0])


@_scoped
def trainee_list(request, code: str):
    """The entries at one institution the user sees, with totals by year (its staff: all of them)."""
    user = request.user
    flt = _trainee_filter(request)
    institution, qs = trainee_entries(user, code, flt)
    # Totals only for a list of TRAINEE_TOTALS_CAP entries or fewer (an online academy narrows by year first).
    total = count_up_to(qs, TRAINEE_TOTALS_CAP)
    counts = trainee_counts(qs) if total <= TRAINEE_TOTALS_CAP else None
    page = page_of(request, qs, count=min(total, TRAINEE_TOTALS_CAP))
    every_year = trainee_entries(user, code, flt, every_year=True)[1]
    if not flt.year:
        years_total, all_years = total, counts
    else:
        years_total = count_up_to(every_year, TRAINEE_TOTALS_CAP)
        all_years = trainee_counts(every_year) if years_total <= TRAINEE_TOTALS_CAP else None
    years = trainee_years(every_year) if years_total <= TRAINEE_TOTALS_CAP else None
    this_year = date.today().year
    listed = {str(y["year"]) for y in years} if years is not None else {
        str(y) for y in range(this_year, FIRST_YEAR - 1, -1)}
    return render(request, "records/trainees.html", {
        "institution": institution, "flt": flt, "counts": counts, "page": page, "years": years,
        "all_years": all_years, "cap": how_many(TRAINEE_TOTALS_CAP),
        "year_choices": sorted(listed | {str(this_year)}, reverse=True), "sources": RecordSource.choices,
        "columns": TRAINEE_COLUMNS, "filter_query": _without_paging(request.GET), "page_sizes": PAGE_SIZES,
        "own": institution.code in scope_of(user).institution_codes,
    })


@_scoped
def trainee_export(request, code: str):
    from ganxun.records.exporters import export_trainees_response

    return export_trainees_response(request.user, code, _trainee_filter(request))
