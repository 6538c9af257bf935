from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "ganxun.plans"
    verbose_name = "规划与指标"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("plans/", "ganxun.plans.urls"),)

    def ready(self):
        # the verdict store listens for the writes that move verdicts (core.changes)
        from ganxun.plans import store  # noqa: F401
