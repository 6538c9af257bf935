from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ganxun.web"
    verbose_name = "页面"
