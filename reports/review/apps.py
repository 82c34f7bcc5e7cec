from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Two-level review of annual reports (its own app label so its models migrate on their own)."""

    name = "reports.review"
    label = "review"
    verbose_name = "审核"

    def ready(self):
        from . import permissions, receivers  # noqa: F401  registers the rules; notices of publishing
