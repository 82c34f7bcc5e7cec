from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "单位与人员"

    def ready(self):
        from . import permissions, signals  # noqa: F401
