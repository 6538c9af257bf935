from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "ganxun.cadres"
    verbose_name = "干部"
