import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
application = get_wsgi_application()

from config.warm import freeze_loaded_code  # noqa: E402  (as config/wsgi.py does)

freeze_loaded_code()
