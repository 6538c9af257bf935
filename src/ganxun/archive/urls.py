from django.urls import path

from ganxun.archive import views

app_name = "archive"

urlpatterns = [
    path("mine/", views.my_archive, name="mine"),
    # Public (no login): the verification page also lives here, so it works before the site mounts
    # ``public_urlpatterns`` and keeps working for PDFs printed with this address.
    path("verify/<str:code>", views.verify, name="verify"),
    path("<str:person_code>/", views.cadre_archive, name="cadre"),
    path("<str:person_code>/pdf", views.cadre_archive_pdf, name="pdf"),
    path("<str:person_code>/xlsx", views.cadre_archive_xlsx, name="xlsx"),
]

# Routes mounted at the site root, outside /archive/ (see ``ganxun.archive.public_urls``):
# the short address printed on every PDF. No login.
public_urlpatterns = [
    path("verify/<str:code>", views.verify, name="verify_archive"),
]
