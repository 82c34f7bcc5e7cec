from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Rendering approved reports to PDF and publishing them."""

    name = "reports.publishing"
    label = "publishing"
    verbose_name = "发布"

    def ready(self):
        from . import permissions, receivers, warmup  # noqa: F401  (rules; the report_approved receiver; a worker's start)
