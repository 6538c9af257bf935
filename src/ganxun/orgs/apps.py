from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ganxun.orgs"
    verbose_name = "组织机构"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("orgs/", "ganxun.orgs.urls"),)
