"""Development and `make demo`: SQLite and the filesystem broker unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-nianbao-change-me-0123456789")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Serve static files from the app folders without collectstatic (the demo runs with DEBUG off too).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]
