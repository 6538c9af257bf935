from django.apps import AppConfig


class CallupsConfig(AppConfig):
    name = "ganxun.callups"
    verbose_name = "年度计划与调训"
    urls = (("callups/", "ganxun.callups.urls"),)
