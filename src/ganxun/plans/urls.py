from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

app_name = "plans"

@login_required
def _pending(request):
    return render(request, "web/home.html", {"summary": {}})

urlpatterns = [
    path("list/", _pending, name="list"),
]
