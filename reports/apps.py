from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "年度报告"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules)
        from .district import receivers  # noqa: F401  (reports for bodies added during a year)
