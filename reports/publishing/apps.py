from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Rendering approved reports to PDF and publishing them."""

    name = "reports.publishing"
    label = "publishing"
    verbose_name = "发布"
