from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "ganxun.cadres"
    verbose_name = "干部"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("cadres/", "ganxun.cadres.urls"),)
