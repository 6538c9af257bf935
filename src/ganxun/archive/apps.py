from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "ganxun.archive"
    verbose_name = "电子档案"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("archive/", "ganxun.archive.urls"), ("", "ganxun.archive.public_urls"))
