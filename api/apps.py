from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "数据接口"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import permissions, schema  # noqa: F401  (registers the rules, the token's OpenAPI description)
