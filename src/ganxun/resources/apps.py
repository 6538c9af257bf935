from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "ganxun.resources"
    verbose_name = "培训资源"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("resources/", "ganxun.resources.urls"),)
