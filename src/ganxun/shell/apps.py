from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The shell: composes the apps (工作台, the page layout's context, serving). No app imports it."""

    name = "ganxun.shell"
    verbose_name = "工作台"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("", "ganxun.shell.urls"),)
