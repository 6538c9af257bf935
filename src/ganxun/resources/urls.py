from django.urls import path

from ganxun.resources.kinds import ITEM_KINDS
from ganxun.resources import course_views, dictionary_views, item_views, teacher_views, views

app_name = "resources"
urlpatterns = [
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/new/", views.institution_new, name="institution_new"),
    path("institutions/export.xlsx", views.institution_export, name="institution_export"),
    path("institutions/<str:code>/", views.institution_detail, name="institution_detail"),
    path("institutions/<str:code>/edit/", views.institution_edit, name="institution_edit"),
    path("teachers/", teacher_views.teacher_list, name="teachers"),
    path("teachers/new/", teacher_views.teacher_new, name="teacher_new"),
    path("teachers/export.xlsx", teacher_views.teacher_export, name="teacher_export"),
    path("teachers/<str:code>/", teacher_views.teacher_detail, name="teacher_detail"),
    path("teachers/<str:code>/edit/", teacher_views.teacher_edit, name="teacher_edit"),
    path("teachers/<str:code>/admit/", teacher_views.teacher_admit_view, name="teacher_admit"),
    path("teachers/<str:code>/exit/", teacher_views.teacher_exit_view, name="teacher_exit"),
    path("courses/", course_views.course_list, name="courses"),
    path("courses/new/", course_views.course_new, name="course_new"),
    path("courses/export.xlsx", course_views.course_export, name="course_export"),
    path("courses/<str:code>/", course_views.course_detail, name="course_detail"),
    path("courses/<str:code>/edit/", course_views.course_edit, name="course_edit"),
    path("dictionary/", dictionary_views.dictionary, name="dictionary"),
    path("dictionary/<str:domain>/new/", dictionary_views.dictionary_new, name="dictionary_new"),
    path("dictionary/<str:domain>/<str:code>/edit/", dictionary_views.dictionary_edit, name="dictionary_edit"),
    # 教材 materials, 案例 cases, 现场教学点 sites (resources.kinds); each list also by its own name (the menu)
    *[path(f"{key}/", item_views.item_list, {"kind": key}, name=key) for key in ITEM_KINDS],
    path("<str:kind>/", item_views.item_list, name="items"),
    path("<str:kind>/new/", item_views.item_new, name="item_new"),
    path("<str:kind>/<str:code>/", item_views.item_detail, name="item_detail"),
    path("<str:kind>/<str:code>/edit/", item_views.item_edit, name="item_edit"),
]
