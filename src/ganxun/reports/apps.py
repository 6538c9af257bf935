from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ganxun.reports"
    verbose_name = "督查与报告"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("reports/", "ganxun.reports.urls"),)
