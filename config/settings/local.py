"""Development and `make demo`: SQLite and the filesystem broker unless the environment says otherwise."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, CELERY_BROKER_URL, INSTALLED_APPS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-nianbao-change-me-0123456789")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Serve static files from the app folders without collectstatic (the demo runs with DEBUG off too).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]

# CELERY: without REDIS_URL, kombu's filesystem transport (zero set-up for `make demo`). It has no
# visibility timeout: a message is gone once a worker took it, so a worker killed mid-render loses
# it, and the publishing sweep (celery beat, which scripts/demo.sh runs) queues the render again.
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(BASE_DIR / "var" / "broker")))
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }

# SIGNING: a self-signed certificate of the demo district, made on the first publication (or by
# `manage.py make_signing_cert`) under var/signing/ unless the environment names real files.
NIANBAO_SIGNING_KEY = env("NIANBAO_SIGNING_KEY", default=str(BASE_DIR / "var" / "signing" / "signing-key.pem"))
NIANBAO_SIGNING_CERT = env("NIANBAO_SIGNING_CERT", default=str(BASE_DIR / "var" / "signing" / "signing-cert.pem"))
NIANBAO_SIGNING_SELF_SIGNED = env.bool("NIANBAO_SIGNING_SELF_SIGNED", default=True)
