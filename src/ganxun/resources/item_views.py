"""The pages of the simple libraries (教材, 案例, 现场教学点): one set of views over ``resources.kinds``."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ganxun.resources.forms import item_form_class
from ganxun.resources.item_services import item_create, item_update
from ganxun.resources.kinds import ITEM_KINDS
from ganxun.resources.library_views import (FORM_FIELD, form_page, history_rows, holder_fixed, holder_initial,
                                            holder_initial_of, holder_label, holder_search)
from ganxun.resources.selectors import (ItemFilter, access_item, can_edit_library_item, can_write_library,
                                        dictionary_choices, items_filtered, library_history)
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import dialog_save
from ganxun.web.paging import page_of
from ganxun.web.tables import Column


def _kind(key: str):
    kind = ITEM_KINDS.get(key)
    if kind is None:
        raise Http404("没有这个资源库")
    return kind


def _shown(f, value):
    if f.kind == "bool":
        return "是" if value else "否"
    return "" if value is None else value


@scoped_view
def item_list(request, kind):
    kind = _kind(kind)
    g = request.GET
    flt = ItemFilter(q=g.get("q", ""), category=g.get("category", ""), institution=g.get("institution", ""),
                     org=g.get("org", ""))
    qs = items_filtered(request.user, kind, flt)
    page = page_of(request, qs)
    columns = [Column(kind.code_label), Column(kind.name_label), Column(kind.category_label),
               *[Column(f.label) for f in kind.extras], Column("所属资源库"), Column("操作")]
    rows = [{"url": reverse("resources:item_detail", args=[kind.key, i.code]),
             "edit_url": reverse("resources:item_edit", args=[kind.key, i.code])
             if can_edit_library_item(request.user, i) else "",
             "cells": [i.code, i.name, i.category.label if i.category_id else "",
                       *[_shown(f, getattr(i, f.name)) for f in kind.extras], {"wrap": i.holder_label}]}
            for i in page.object_list]
    return render(request, "resources/library_list.html", {
        "title": kind.label, "key": kind.key, "icon": kind.icon, "page": page, "rows": rows, "columns": columns,
        "query": g.urlencode(),
        "search": [{"name": "q", "label": f"{kind.name_label}/编码", "value": flt.q, "width": 3},
                   {"name": "category", "label": kind.category_label, "value": flt.category,
                    "options": dictionary_choices(kind.domain)}, *holder_search(flt)],
        "can_write": can_write_library(request.user), "new_url": reverse("resources:item_new", args=[kind.key]),
        "count_text": f"共 {page.paginator.count} 条",
        "empty_text": f"没有符合条件的{kind.label}" if any(vars(flt).values()) else f"还没有{kind.label}",
    })


@scoped_view
def item_detail(request, kind, code):
    kind = _kind(kind)
    item = access_item(request.user, kind, code)
    tab = "history" if request.GET.get("tab") == "history" else "info"
    can_edit = can_edit_library_item(request.user, item)
    fields = [(kind.code_label, item.code), (kind.name_label, item.name),
              (kind.category_label, item.category.label if item.category_id else ""),
              *[(f.label, _shown(f, getattr(item, f.name))) for f in kind.extras],
              ("所属资源库", holder_label(item)), ("简介", item.description)]
    return render(request, "resources/library_detail.html", {
        "object": item, "key": kind.key, "title": kind.label, "icon": kind.icon,
        "list_url": reverse("resources:items", args=[kind.key]), "tab": tab, "fields": fields,
        "subtitle": f"{kind.label} · {item.holder_label}", "badges": [],
        "edit_url": reverse("resources:item_edit", args=[kind.key, item.code]) if can_edit else "",
        "read_only_note": can_write_library(request.user) and not can_edit,
        "history": history_rows(library_history("resource", item.code, kind.key)[:100]) if tab == "history" else [],
    })


def _form(request, kind, form, *, item=None):
    heading = f"修改{kind.label}：{item.name}" if item else f"新增{kind.label}"
    cancel = (reverse("resources:item_detail", args=[kind.key, item.code]) if item
              else reverse("resources:items", args=[kind.key]))
    return form_page(request, form, key=kind.key, title=kind.label,
                     list_url=reverse("resources:items", args=[kind.key]), heading=heading, cancel_url=cancel)


@scoped_view
def item_new(request, kind):
    kind = _kind(kind)
    if not can_write_library(request.user):
        raise Http404(f"无权新增{kind.label}")
    form = item_form_class(kind)(request.POST or None, initial=holder_initial(request.user),
                                 holder_fixed=holder_fixed(request.user),
                                 category_choices=dictionary_choices(kind.domain))
    if request.method == "POST" and form.is_valid():
        if saved := dialog_save(request, form, lambda: item_create(acting_user=request.user, kind=kind,
                                                                   values=form.values()),
                                message=lambda i: f"已新增{kind.label} {i.name}（{i.code}）",
                                target=lambda i: reverse("resources:item_detail", args=[kind.key, i.code]),
                                aliases=FORM_FIELD):
            return saved
    return _form(request, kind, form)


@scoped_view
def item_edit(request, kind, code):
    kind = _kind(kind)
    item = access_item(request.user, kind, code)
    if not can_edit_library_item(request.user, item):
        raise Http404(f"无权修改该{kind.label}")
    initial = {"code": item.code, "name": item.name, "category": item.category.code if item.category_id else "",
               "description": item.description, **holder_initial_of(item),
               **{f.name: getattr(item, f.name) for f in kind.extras}}
    form = item_form_class(kind)(request.POST or None, initial=initial, editing=True,
                                 holder_fixed=holder_fixed(request.user),
                                 category_choices=dictionary_choices(kind.domain, keep=item.category))
    if request.method == "POST" and form.is_valid():
        if saved := dialog_save(request, form, lambda: item_update(
                acting_user=request.user, kind=kind, code=code, values=form.values(),
                reason=form.cleaned_data["reason"]),
                message="已保存", target=reverse("resources:item_detail", args=[kind.key, code]), aliases=FORM_FIELD):
            return saved
    return _form(request, kind, form, item=item)
