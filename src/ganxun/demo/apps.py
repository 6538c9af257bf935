from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ganxun.demo"
    verbose_name = "演示数据"
