from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "ganxun.archive"
    verbose_name = "电子档案"
