from django.urls import path

from ganxun.classes import certificate_views, running_views, views

app_name = "classes"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_new, name="new"),
    path("export.xlsx", views.class_export, name="export"),
    path("year/", views.institution_year, name="year"),
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
    path("<str:code>/timetable.pdf", views.timetable_pdf, name="timetable_pdf"),
    path("<str:code>/attendance.xlsx", views.attendance_export, name="attendance_xlsx"),
    path("signin/<str:token>/", running_views.signin, name="signin"),
    path("<str:code>/sessions/<int:session_id>/roll-call/", running_views.roll_call, name="roll_call"),
    path("<str:code>/sessions/<int:session_id>/qr/", running_views.session_qr, name="session_qr"),
    path("<str:code>/attendance/", running_views.attendance_bulk, name="attendance_bulk"),
    path("<str:code>/leave/", running_views.leave_new, name="leave_new"),
    path("<str:code>/leave/<int:request_id>/", running_views.leave_decision, name="leave_decide"),
    path("<str:code>/assessments/", running_views.assessments_save, name="assessments"),
    path("<str:code>/observations/", running_views.observation_new, name="observation_new"),
    path("<str:code>/documents/", running_views.document_upload, name="document_upload"),
    path("<str:code>/documents/<int:document_id>/", running_views.document_download, name="document"),
    path("<str:code>/close/", running_views.close_view, name="close"),
    path("<str:code>/reopen/", running_views.reopen_view, name="reopen"),
    path("<str:code>/revoke/", running_views.revoke_view, name="revoke"),
    path("<str:code>/certificates.zip", certificate_views.certificates_zip, name="certificates_zip"),
    path("<str:code>/certificates/<str:certificate_number>.pdf", certificate_views.certificate_pdf,
         name="certificate_pdf"),
]
