from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The public site: published reports, downloads and open data, without login."""

    name = "portal"
    verbose_name = "公开门户"
