from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ganxun.core"
    verbose_name = "基础"

    def ready(self):
        from ganxun.core.textcheck import install_form_check

        install_form_check()
