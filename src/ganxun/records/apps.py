from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "ganxun.records"
    verbose_name = "学时台账"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("records/", "ganxun.records.urls"),)
