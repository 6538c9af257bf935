from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ganxun.core"
    verbose_name = "基础"
