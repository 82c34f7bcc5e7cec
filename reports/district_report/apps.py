from django.apps import AppConfig


class DistrictReportConfig(AppConfig):
    """The district government's own annual report (区政府年度报告), compiled from its bodies' reports."""

    name = "reports.district_report"
    label = "district_report"
    verbose_name = "区政府年度报告"

    def ready(self):
        from . import receivers  # noqa: F401  (a body's correction tells the district administrators)
