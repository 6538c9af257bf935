from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ganxun.core.choices import TeacherKind
from ganxun.resources.forms import TeacherForm, TeacherStatusForm
from ganxun.resources.library_views import (FORM_FIELD, form_page, history_rows, holder_fixed, holder_initial,
                                            holder_initial_of, holder_label, holder_search)
from ganxun.resources.models import TeacherStatus
from ganxun.resources.selectors import (TeacherFilter, access_teacher, can_edit_library_item, can_write_library,
                                        dictionary_choices, library_history, teacher_counts, teachers_filtered)
from ganxun.resources.teacher_services import (TITLE_DOMAIN, teacher_admit, teacher_create, teacher_exit,
                                               teacher_update)
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import dialog_save
from ganxun.web.paging import page_of
from ganxun.web.tables import Column

TITLE = "师资库"
LIST_COLUMNS = [Column(label) for label in ("教师编码", "姓名", "教师类型", "职称", "擅长专题", "所属资源库", "状态", "操作")]
STATUS_TONES = {TeacherStatus.ACTIVE: "success", TeacherStatus.PENDING: "warning", TeacherStatus.EXITED: "secondary"}


def _filter_from(request) -> TeacherFilter:
    g = request.GET
    return TeacherFilter(q=g.get("q", ""), kind=g.get("kind", ""), status=g.get("status", ""),
                         institution=g.get("institution", ""), org=g.get("org", ""))


@scoped_view
def teacher_list(request):
    flt = _filter_from(request)
    qs = teachers_filtered(request.user, flt)
    counts = teacher_counts(qs)
    page = page_of(request, qs, count=counts["total"])
    rows = [{"url": reverse("resources:teacher_detail", args=[t.code]),
             "edit_url": reverse("resources:teacher_edit", args=[t.code])
             if can_edit_library_item(request.user, t) else "",
             "cells": [t.code, t.name, t.get_kind_display(), t.title.label if t.title_id else "",
                       {"wrap": t.subjects}, {"wrap": t.holder_label},
                       {"badge": t.get_status_display(), "tone": STATUS_TONES[t.status]}]}
            for t in page.object_list]
    return render(request, "resources/library_list.html", {
        "title": TITLE, "key": "teacher", "icon": "bi-person-video3", "page": page, "rows": rows,
        "columns": LIST_COLUMNS, "query": request.GET.urlencode(),
        "search": [{"name": "q", "label": "姓名/擅长专题/教师编码", "value": flt.q, "width": 3},
                   {"name": "kind", "label": "教师类型", "value": flt.kind, "options": TeacherKind.choices},
                   {"name": "status", "label": "状态", "value": flt.status, "options": TeacherStatus.choices},
                   *holder_search(flt)],
        "can_write": can_write_library(request.user), "new_url": reverse("resources:teacher_new"),
        "import_kind": "teachers", "export_url": reverse("resources:teacher_export"),
        "count_text": f"共 {counts['total']} 名教师，其中在库 {counts['active']} 名、领导干部（含退休）{counts['leaders']} 名",
        "empty_text": "没有符合条件的教师" if any(vars(flt).values()) else "师资库中还没有教师",
    })


@scoped_view
def teacher_detail(request, code):
    t = access_teacher(request.user, code)
    tab = "history" if request.GET.get("tab") == "history" else "info"
    can_edit = can_edit_library_item(request.user, t)
    fields = [("教师编码", t.code), ("姓名", t.name), ("教师类型", t.get_kind_display()),
              ("职称", t.title.label if t.title_id else ""), ("工作单位", t.work_unit), ("职务", t.post),
              ("擅长专题", t.subjects), ("联系电话", t.phone), ("所属资源库", holder_label(t)),
              ("干部档案", f"{t.cadre.name}（人员编码 {t.cadre.person_code}）" if t.cadre_id else ""),
              ("状态", t.get_status_display()),
              ("入库日期", t.admitted_on.isoformat() if t.admitted_on else ""), ("入库说明", t.admission_reason),
              ("出库日期", t.exited_on.isoformat() if t.exited_on else ""), ("出库原因", t.exit_reason),
              ("简介", t.description)]
    return render(request, "resources/teacher_detail.html", {
        "object": t, "teacher": t, "key": "teacher", "title": TITLE, "icon": "bi-person-video3",
        "list_url": reverse("resources:teachers"), "tab": tab, "fields": fields, "can_edit": can_edit,
        "subtitle": f"{t.get_kind_display()} · {t.holder_label}",
        "badges": [{"badge": t.get_status_display(), "tone": STATUS_TONES[t.status]}],
        "edit_url": reverse("resources:teacher_edit", args=[t.code]) if can_edit else "",
        "read_only_note": can_write_library(request.user) and not can_edit,
        "courses": list(t.courses.order_by("code")[:50]) if tab == "info" else [],
        "history": history_rows(library_history("teacher", t.code)[:100]) if tab == "history" else [],
    })


def _form(request, form, *, teacher=None):
    heading = f"修改教师：{teacher.name}" if teacher else "新增教师"
    cancel = reverse("resources:teacher_detail", args=[teacher.code]) if teacher else reverse("resources:teachers")
    return form_page(request, form, key="teacher", title=TITLE, list_url=reverse("resources:teachers"),
                     heading=heading, cancel_url=cancel)


@scoped_view
def teacher_new(request):
    if not can_write_library(request.user):
        raise Http404("无权新增教师")
    form = TeacherForm(request.POST or None, initial={**holder_initial(request.user), "kind": "part_time"},
                       title_choices=dictionary_choices(TITLE_DOMAIN), holder_fixed=holder_fixed(request.user))
    if request.method == "POST" and form.is_valid():
        if saved := dialog_save(request, form, lambda: teacher_create(acting_user=request.user, values=form.values()),
                                message=lambda t: f"已新增教师 {t.name}（{t.code}），状态为待入库",
                                target=lambda t: reverse("resources:teacher_detail", args=[t.code]), aliases=FORM_FIELD):
            return saved
    return _form(request, form)


@scoped_view
def teacher_edit(request, code):
    teacher = access_teacher(request.user, code)
    if not can_edit_library_item(request.user, teacher):
        raise Http404("无权修改该教师")
    initial = {"code": teacher.code, "name": teacher.name, "kind": teacher.kind,
               "title": teacher.title.code if teacher.title_id else "", "subjects": teacher.subjects,
               "work_unit": teacher.work_unit, "post": teacher.post, "phone": teacher.phone,
               "person_code": teacher.cadre.person_code if teacher.cadre_id else "",
               "description": teacher.description, **holder_initial_of(teacher)}
    form = TeacherForm(request.POST or None, initial=initial, editing=True,
                       title_choices=dictionary_choices(TITLE_DOMAIN, keep=teacher.title),
                       holder_fixed=holder_fixed(request.user))
    if request.method == "POST" and form.is_valid():
        if saved := dialog_save(request, form, lambda: teacher_update(
                acting_user=request.user, code=code, values=form.values(), reason=form.cleaned_data["reason"]),
                message="已保存", target=reverse("resources:teacher_detail", args=[code]), aliases=FORM_FIELD):
            return saved
    return _form(request, form, teacher=teacher)


def _status_view(request, code, *, exiting: bool):
    from datetime import date

    teacher = access_teacher(request.user, code)
    if not can_edit_library_item(request.user, teacher):
        raise Http404("无权修改该教师")
    form = TeacherStatusForm(request.POST or None, initial={"on": date.today()}, exiting=exiting)
    if request.method == "POST" and form.is_valid():
        change = teacher_exit if exiting else teacher_admit
        if saved := dialog_save(request, form, lambda: change(acting_user=request.user, code=code,
                                                              on=form.cleaned_data["on"],
                                                              reason=form.cleaned_data["reason"]),
                                message=f"{teacher.name} 已{'出库' if exiting else '入库'}",
                                target=reverse("resources:teacher_detail", args=[code])):
            return saved
    return form_page(request, form, key="teacher-status", title=TITLE, list_url=reverse("resources:teachers"),
                     heading=f"{'出库' if exiting else '入库'}：{teacher.name}",
                     cancel_url=reverse("resources:teacher_detail", args=[code]))


@scoped_view
def teacher_admit_view(request, code):
    return _status_view(request, code, exiting=False)


@scoped_view
def teacher_exit_view(request, code):
    return _status_view(request, code, exiting=True)


@scoped_view
def teacher_export(request):
    from ganxun.resources.exporters import export_teachers_response

    return export_teachers_response(request.user, _filter_from(request))
