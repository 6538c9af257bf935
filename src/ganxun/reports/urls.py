from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

app_name = "reports"

@login_required
def _pending(request):
    return render(request, "web/home.html", {"summary": {}})

urlpatterns = [
    path("dashboard/", _pending, name="dashboard"),
]
