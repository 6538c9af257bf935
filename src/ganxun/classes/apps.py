from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "ganxun.classes"
    verbose_name = "培训班次"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("classes/", "ganxun.classes.urls"),)

    def ready(self):
        from ganxun.classes import checks  # noqa: F401 — registers the class subject with compliance
        from ganxun.classes import certificates  # noqa: F401 — registers the 结业证书 verifier for /verify/<code>
