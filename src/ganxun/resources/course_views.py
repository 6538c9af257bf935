from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ganxun.core.choices import ContentCategory, TeachingMethod
from ganxun.resources.course_services import course_create, course_update
from ganxun.resources.forms import CourseForm
from ganxun.resources.library_views import (FORM_FIELD, YES_NO, form_page, history_rows, holder_fixed,
                                            holder_initial, holder_initial_of, holder_label, holder_search)
from ganxun.resources.selectors import (CourseFilter, access_course, can_edit_library_item, can_write_library,
                                        course_counts, courses_filtered, library_history)
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import dialog_save
from ganxun.web.paging import page_of
from ganxun.web.tables import Column

TITLE = "课程库"
LIST_COLUMNS = [Column("课程编码"), Column("课程名称"), Column("内容类别"), Column("教学方法"), Column("学时", css="num"),
                Column("所属资源库"), Column("版本"), Column("标识"), Column("操作")]


def _filter_from(request) -> CourseFilter:
    g = request.GET
    return CourseFilter(q=g.get("q", ""), category=g.get("category", ""), method=g.get("method", ""),
                        featured=g.get("featured", ""), institution=g.get("institution", ""), org=g.get("org", ""),
                        teacher=g.get("teacher", ""))


@scoped_view
def course_list(request):
    flt = _filter_from(request)
    qs = courses_filtered(request.user, flt)
    counts = course_counts(qs)
    page = page_of(request, qs, count=counts["total"])
    rows = [{"url": reverse("resources:course_detail", args=[c.code]),
             "edit_url": reverse("resources:course_edit", args=[c.code])
             if can_edit_library_item(request.user, c) else "",
             "cells": [c.code, c.name, c.get_category_display(), c.get_method_display(), c.hours,
                       {"wrap": c.holder_label}, f"第 {c.version} 版",
                       {"badge": "精品课程", "tone": "danger"} if c.featured else ""]}
            for c in page.object_list]
    return render(request, "resources/library_list.html", {
        "title": TITLE, "key": "course", "icon": "bi-easel", "page": page, "rows": rows, "columns": LIST_COLUMNS,
        "query": request.GET.urlencode(),
        "search": [{"name": "q", "label": "课程名称/课程编码", "value": flt.q, "width": 3},
                   {"name": "category", "label": "内容类别", "value": flt.category, "options": ContentCategory.choices},
                   {"name": "method", "label": "教学方法", "value": flt.method, "options": TeachingMethod.choices},
                   {"name": "featured", "label": "精品课程", "value": flt.featured, "options": YES_NO},
                   {"name": "teacher", "label": "授课教师编码", "value": flt.teacher}, *holder_search(flt)],
        "can_write": can_write_library(request.user), "new_url": reverse("resources:course_new"),
        "import_kind": "courses", "export_url": reverse("resources:course_export"),
        "count_text": f"共 {counts['total']} 门课程，其中精品课程 {counts['featured']} 门，合计 {counts['hours'] or 0} 学时",
        "empty_text": "没有符合条件的课程" if any(vars(flt).values()) else "课程库中还没有课程",
    })


@scoped_view
def course_detail(request, code):
    c = access_course(request.user, code)
    tab = "history" if request.GET.get("tab") == "history" else "info"
    can_edit = can_edit_library_item(request.user, c)
    fields = [("课程编码", c.code), ("课程名称", c.name), ("内容类别", c.get_category_display()),
              ("教学方法", c.get_method_display()), ("学时", c.hours), ("精品课程", "是" if c.featured else "否"),
              ("所属资源库", holder_label(c)), ("现行版本", f"第 {c.version} 版"), ("教学大纲", c.outline),
              ("简介", c.description)]
    return render(request, "resources/course_detail.html", {
        "object": c, "course": c, "key": "course", "title": TITLE, "icon": "bi-easel",
        "list_url": reverse("resources:courses"), "tab": tab, "fields": fields,
        "subtitle": f"{c.get_category_display()} · {c.get_method_display()} · {c.hours} 学时 · {c.holder_label}",
        "badges": [{"badge": "精品课程", "tone": "danger"}] if c.featured else [],
        "edit_url": reverse("resources:course_edit", args=[c.code]) if can_edit else "",
        "read_only_note": can_write_library(request.user) and not can_edit,
        "teachers": list(c.teachers.order_by("code")) if tab == "info" else [],
        "versions": list(c.versions.all()) if tab == "info" else [],
        "history": history_rows(library_history("course", c.code)[:100]) if tab == "history" else [],
    })


def _form(request, form, *, course=None):
    heading = f"修改课程：{course.name}" if course else "新增课程"
    cancel = reverse("resources:course_detail", args=[course.code]) if course else reverse("resources:courses")
    return form_page(request, form, key="course", title=TITLE, list_url=reverse("resources:courses"),
                     heading=heading, cancel_url=cancel)


@scoped_view
def course_new(request):
    if not can_write_library(request.user):
        raise Http404("无权新增课程")
    form = CourseForm(request.POST or None, initial=holder_initial(request.user),
                      holder_fixed=holder_fixed(request.user))
    if request.method == "POST" and form.is_valid():
        if saved := dialog_save(request, form, lambda: course_create(acting_user=request.user, values=form.values()),
                                message=lambda c: f"已新增课程 {c.name}（{c.code}）",
                                target=lambda c: reverse("resources:course_detail", args=[c.code]), aliases=FORM_FIELD):
            return saved
    return _form(request, form)


@scoped_view
def course_edit(request, code):
    course = access_course(request.user, code)
    if not can_edit_library_item(request.user, course):
        raise Http404("无权修改该课程")
    initial = {"code": course.code, "name": course.name, "category": course.category, "method": course.method,
               "hours": course.hours, "outline": course.outline, "description": course.description,
               "featured": course.featured, "teachers": "、".join(t.code for t in course.teachers.order_by("code")),
               **holder_initial_of(course)}
    form = CourseForm(request.POST or None, initial=initial, editing=True, holder_fixed=holder_fixed(request.user))
    if request.method == "POST" and form.is_valid():
        if saved := dialog_save(request, form, lambda: course_update(
                acting_user=request.user, code=code, values=form.values(), reason=form.cleaned_data["reason"]),
                message="已保存", target=reverse("resources:course_detail", args=[code]), aliases=FORM_FIELD):
            return saved
    return _form(request, form, course=course)


@scoped_view
def course_export(request):
    from ganxun.resources.exporters import export_courses_response

    return export_courses_response(request.user, _filter_from(request))
