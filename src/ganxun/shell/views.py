"""工作台: one home page, what it shows depends on the role (shell.selectors)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from ganxun.core.roles import Role, is_cadre, role_of
from ganxun.orgs.selectors import scope_of
from ganxun.shell.selectors import cadre_home, home_summary, institution_home


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    if is_cadre(user):
        return render(request, "shell/home.html", {"cadre": cadre_home(user, as_of=today)})
    if role_of(user) == Role.INSTITUTION:
        from ganxun.classes.selectors import institution_day

        return render(request, "shell/home.html", {"school": institution_home(user, as_of=today),
                                                   "day": institution_day(user, today), "today": today})
    return render(request, "shell/home.html", {"summary": home_summary(user)})


@login_required
def my_institution(request):
    """本机构 in the menu: the record of the institution the staff member works for."""
    codes = scope_of(request.user).institution_codes
    if not codes:
        raise Http404("只有培训机构工作人员有本机构")
    return redirect("resources:institution_detail", codes[0])
