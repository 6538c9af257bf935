from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

app_name = "records"

@login_required
def _pending(request):
    return render(request, "web/home.html", {"summary": {}})

urlpatterns = [
    path("list/", _pending, name="list"),
    path("review/", _pending, name="review"),
    path("self_study/", _pending, name="self_study"),
]
