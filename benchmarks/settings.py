"""Benchmarks run the test settings plus one baseline page (see benchmarks/urls.py), with production's
database connections: a web or worker process keeps its connection (CONN_MAX_AGE, 60 s by default in
config/settings/production.py) instead of opening one per request or task as the tests do, which
measured PostgreSQL forking a backend for every request rather than the application."""

from config.settings import base
from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
NIANBAO_WORD_DEFER_SECONDS = 10  # production's pause, not the tests' (config/settings/test.py)
NIANBAO_WORKER_NICENESS = base.NIANBAO_WORKER_NICENESS  # production's priority for the render workers, not the tests'
NIANBAO_BOARD_SCORES_FRESH_FOR = base.NIANBAO_BOARD_SCORES_FRESH_FOR  # production's board scores, kept a while
NIANBAO_SIMILAR_KEPT_FOR = base.NIANBAO_SIMILAR_KEPT_FOR  # production's 内容雷同, kept a while
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
