from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "ganxun.records"
    verbose_name = "学时台账"
