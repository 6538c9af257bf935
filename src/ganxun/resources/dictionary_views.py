"""数据字典: one page with every domain — the built-in ones shown and locked, the others maintained here."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ganxun.resources.dictionary_services import dictionary_entry_add, dictionary_entry_update
from ganxun.resources.forms import DictionaryEntryForm
from ganxun.resources.library_views import form_page
from ganxun.resources.models import BUILTIN_DOMAINS, DOMAIN_LABELS, USER_DOMAINS
from ganxun.resources.selectors import can_edit_dictionary, dictionary_entries, dictionary_entry
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import dialog_save

TITLE = "数据字典"


def _require(request):
    if not can_edit_dictionary(request.user):
        raise Http404("无权维护数据字典")


@scoped_view
def dictionary(request):
    _require(request)
    domain = request.GET.get("domain", "")
    if domain not in DOMAIN_LABELS:
        domain = next(iter(USER_DOMAINS))
    entries = list(dictionary_entries(domain))
    return render(request, "resources/dictionary.html", {
        "domain": domain, "domain_label": DOMAIN_LABELS[domain], "locked": domain in BUILTIN_DOMAINS,
        "user_domains": list(USER_DOMAINS.items()),
        "builtin_domains": [(k, v[0]) for k, v in BUILTIN_DOMAINS.items()],
        "entries": entries, "form": DictionaryEntryForm(),
    })


@scoped_view
def dictionary_new(request, domain):
    _require(request)
    if domain not in USER_DOMAINS:
        raise Http404("该字典类型不能修改")
    form = DictionaryEntryForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        if saved := dialog_save(request, form, lambda: dictionary_entry_add(
                acting_user=request.user, domain=domain, label=form.cleaned_data["label"],
                order=form.cleaned_data["order"]),
                message=lambda entry: f"已在{USER_DOMAINS[domain]}中新增「{entry.label}」", target=_back(domain)):
            return saved
    return form_page(request, form, key="dictionary", title=TITLE, list_url=reverse("resources:dictionary"),
                     heading=f"新增{USER_DOMAINS[domain]}", cancel_url=_back(domain))


@scoped_view
def dictionary_edit(request, domain, code):
    _require(request)
    if domain not in USER_DOMAINS:
        raise Http404("系统内置，规则依据，不能修改")
    entry = dictionary_entry(domain, code)
    form = DictionaryEntryForm(request.POST or None,
                               initial={"label": entry.label, "order": entry.order, "active": entry.active})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if saved := dialog_save(request, form, lambda: dictionary_entry_update(
                acting_user=request.user, domain=domain, code=code, label=data["label"], order=data["order"],
                active=data["active"]), message="已保存", target=_back(domain)):
            return saved
    return form_page(request, form, key="dictionary", title=TITLE, list_url=reverse("resources:dictionary"),
                     heading=f"修改{USER_DOMAINS[domain]}：{entry.label}", cancel_url=_back(domain))


def _back(domain: str) -> str:
    return reverse("resources:dictionary") + f"?domain={domain}"


__all__ = ["dictionary", "dictionary_new", "dictionary_edit"]
