from django.urls import path

from ganxun.classes import certificate_views, views

app_name = "classes"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_new, name="new"),
    path("export.xlsx", views.class_export, name="export"),
    path("<str:code>/", views.class_detail, name="detail"),
    path("<str:code>/edit/", views.class_edit, name="edit"),
    path("<str:code>/checks/", views.class_checks, name="checks"),
    path("<str:code>/sessions/", views.session_add, name="session_add"),
    path("<str:code>/sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path("<str:code>/sessions/<int:session_id>/delete/", views.session_remove, name="session_delete"),
    path("<str:code>/enrol/", views.enrol_view, name="enrol"),
    path("<str:code>/trainees/", views.enrolment_action, name="enrolment_action"),
    path("<str:code>/roster.xlsx", views.roster_export, name="roster"),
    path("<str:code>/timetable.xlsx", views.timetable_export, name="timetable_xlsx"),
    path("<str:code>/certificates.zip", certificate_views.certificates_zip, name="certificates_zip"),
    path("<str:code>/certificates/<str:certificate_number>.pdf", certificate_views.certificate_pdf,
         name="certificate_pdf"),
]
