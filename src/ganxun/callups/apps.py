from django.apps import AppConfig


class CallupsConfig(AppConfig):
    name = "ganxun.callups"
    verbose_name = "年度计划与调训"
    urls = (("callups/", "ganxun.callups.urls"),)

    def ready(self):
        from ganxun.callups import rates  # noqa: F401 — registers 调训率 with the plans' figures
