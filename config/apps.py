from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    """collectstatic leaves out what no page of ours loads, so that the production image's static
    files (hashed and compressed one by one) stay small: DRF's browsable API (the API answers JSON
    only), and of drf-spectacular-sidecar all but Swagger UI's bundle and stylesheet (the docs page,
    templates/api/docs.html): Redoc, the standalone preset, the OAuth2 redirect, the scripts' source maps."""

    ignore_patterns = [
        *DjangoStaticFilesConfig.ignore_patterns,
        "rest_framework",
        "drf_spectacular_sidecar/redoc/*",
        "drf_spectacular_sidecar/*.js.map",
        "drf_spectacular_sidecar/*standalone-preset*",
        "drf_spectacular_sidecar/*oauth2-redirect*",
    ]
