from django.urls import path
from django.views.generic import RedirectView

from ganxun.records import views

app_name = "records"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="records:list"), name="index"),
    path("list/", views.record_list, name="list"),
    path("new/", views.record_new, name="new"),
    path("export.xlsx", views.record_export, name="export"),
    path("<int:record_id>/reverse/", views.record_reverse_view, name="reverse"),
    path("<int:record_id>/correct/", views.record_correct_view, name="correct"),
    path("review/", views.review_list, name="review"),
    path("review/bulk/", views.review_bulk, name="review_bulk"),
    path("review/<int:record_id>/approve/", views.review_approve, name="approve"),
    path("review/<int:record_id>/reject/", views.review_reject, name="reject"),
    path("self_study/", views.self_study, name="self_study"),
    path("trainees/", views.trainees_mine, name="trainees_mine"),
    path("trainees/<str:code>/", views.trainee_list, name="trainees"),
    path("trainees/<str:code>/export.xlsx", views.trainee_export, name="trainees_export"),
]
