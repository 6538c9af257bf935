from django.apps import AppConfig


class DataioConfig(AppConfig):
    """数据导入导出: the import page and ``ganxun import`` / ``ganxun export``, over the registry of kinds
    that each app fills from its ``importers.py`` and ``exporters.py`` (``ganxun.core.dataio``), read when the
    registry is first asked (``core.discovery``)."""

    name = "ganxun.dataio"
    verbose_name = "数据导入导出"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("import/", "ganxun.dataio.urls"),)
