"""Production: refuses to start without its secrets; nothing has a default that could be wrong."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, CELERY_BROKER_URL, STORAGES, env
from .s3 import s3_problems

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is checked before its first use in each request and task (config/celery_app.py),
# so that one PostgreSQL closed meanwhile (a restart, a failover) is opened again instead of failing.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# BROKER AND CACHE: shared by every web and worker process. A per-process cache or a broker on the
# local disk would work on one machine and silently lose renders and reminders on the next, so
# production refuses to start without them (the filesystem broker is for `make demo` only).
if not CELERY_BROKER_URL or CELERY_BROKER_URL.split(":", 1)[0] in {"filesystem", "memory"}:
    raise ImproperlyConfigured(
        "Production needs a real Celery broker: set REDIS_URL (or CELERY_BROKER_URL), e.g. redis://redis:6379/0."
    )
if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    raise ImproperlyConfigured("Production needs a shared cache: set REDIS_URL, e.g. redis://redis:6379/0.")

# SIGNING: every published PDF is signed by the district; without its key and certificate the
# workers would publish unsigned files, so production refuses to start (NIANBAO_SIGNING_REQUIRED=false
# only where another system signs). Never a self-signed certificate made on the fly here.
NIANBAO_SIGNING_REQUIRED = env.bool("NIANBAO_SIGNING_REQUIRED", default=True)
NIANBAO_SIGNING_SELF_SIGNED = False
if NIANBAO_SIGNING_REQUIRED:
    for _name in ("NIANBAO_SIGNING_KEY", "NIANBAO_SIGNING_CERT"):
        _path = env(_name, default="")
        if not _path or not Path(_path).is_file():
            raise ImproperlyConfigured(
                f"Production signs every published PDF: set {_name} to the district's PEM file "
                f"(now {_path or 'unset'!r}; see `manage.py make_signing_cert` and NIANBAO_SIGNING_PASSPHRASE)."
            )

# SECURITY (behind the reverse proxy of docker-compose.yml, which terminates TLS)
# ------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# FILES: the S3-compatible bucket that every web and worker machine shares (config/settings/s3.py),
# or the file system of a single machine. Half a bucket configuration would store files where the
# other machines never look: refuse to start, naming what is missing.
_s3_problems = s3_problems(os.environ)
if _s3_problems:
    raise ImproperlyConfigured("Shared file storage (S3) is configured partially: " + "; ".join(_s3_problems)
                               + ". Set all of NIANBAO_S3_BUCKET, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                               "(and NIANBAO_S3_ENDPOINT_URL for MinIO/OSS/COS), or none of them.")
# STATIC: hashed names, compressed, served by WhiteNoise or the proxy.
STORAGES = {
    "default": STORAGES["default"],
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# EMAIL
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)

# LOGGING: JSON lines for the log collector.
from config.logging import logging_dict  # noqa: E402

LOG_JSON = True
LOGGING = logging_dict(json=True, level=env("DJANGO_LOG_LEVEL", default="INFO"))
