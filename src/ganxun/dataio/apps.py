from django.apps import AppConfig


class DataioConfig(AppConfig):
    """数据导入导出: the import page and ``ganxun import`` / ``ganxun export``, over the registry of kinds
    that each app fills from its ``importers.py`` and ``exporters.py`` (``ganxun.core.dataio``)."""

    name = "ganxun.dataio"
    verbose_name = "数据导入导出"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("import/", "ganxun.dataio.urls"),)

    def ready(self):
        # Each app registers its kinds when its importers and exporters are loaded.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("importers", "exporters")
