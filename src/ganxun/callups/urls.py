from django.urls import path

from ganxun.callups import views

app_name = "callups"
urlpatterns = [
    path("", views.callup_list, name="list"),
    path("new/", views.callup_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("conflicts/", views.conflicts_view, name="conflicts"),
    path("rates/", views.rates_view, name="rates"),
    path("suggest/", views.suggest, name="suggest"),
    path("suggest/<int:job_id>/", views.suggestion, name="suggestion"),
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/<int:submission_id>/decide/", views.submission_decide, name="submission_decide"),
    path("submissions/<int:submission_id>/proof/", views.submission_proof, name="submission_proof"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/publish/", views.plan_publish_view, name="plan_publish"),
    path("plans/<int:plan_id>/classes/", views.plan_class_view, name="plan_class"),
    path("<str:code>/", views.callup_detail, name="detail"),
    path("<str:code>/issue/", views.callup_issue_view, name="issue"),
    path("<str:code>/nominate/", views.nominate_view, name="nominate"),
    path("<str:code>/audit/", views.audit_view, name="audit"),
    path("<str:code>/notice.docx", views.notice_docx, name="notice_docx"),
    path("<str:code>/nominations/<int:nomination_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<str:code>/nominations/<int:nomination_id>/confirm/", views.confirm_view, name="confirm"),
    path("<str:code>/nominations/<int:nomination_id>/leave/", views.leave_view, name="leave"),
    path("<str:code>/leave/<int:leave_id>/", views.leave_decide_view, name="leave_decide"),
]
