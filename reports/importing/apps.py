from django.apps import AppConfig


class ImportingConfig(AppConfig):
    """Importing published reports of earlier years (no models; hosts the import_report command)."""

    name = "reports.importing"
    label = "importing"
    verbose_name = "导入历史报告"
