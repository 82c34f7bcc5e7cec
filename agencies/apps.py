from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "单位与人员"

    def ready(self):
        import config.http  # noqa: F401  (registers the check that every view declares its methods)

        from . import permissions, signals  # noqa: F401
