"""Tests: a real PostgreSQL and Redis, started by tests/services.py before Django loads."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-nianbao-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["TEST"] = {"NAME": "test_nianbao"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default="/tmp/nianbao-test-media")
# Every published PDF is signed: tests/services.py makes a self-signed pair and names it in the
# environment (NIANBAO_SIGNING_KEY / _CERT / _PASSPHRASE), shared with the Celery worker processes.
NIANBAO_SIGNING_REQUIRED = env.bool("NIANBAO_SIGNING_REQUIRED", default=True)
# A test waiting for its worker's Word copy waits 1 s for the peak's pause, not 10 (each worker test
# published once or twice and waited 10–20 s).
NIANBAO_WORD_DEFER_SECONDS = env.int("NIANBAO_WORD_DEFER_SECONDS", default=1)
# The test worker keeps its priority: the tests wait for its renders while both test processes and
# their browsers run (tests/foundation/test_worker_priority.py checks the niceness itself).
NIANBAO_WORKER_NICENESS = env.int("NIANBAO_WORKER_NICENESS", default=0)
# A test expects the board to show a change on its next load; tests/health/test_board_scores.py turns it on.
NIANBAO_BOARD_SCORES_FRESH_FOR = env.int("NIANBAO_BOARD_SCORES_FRESH_FOR", default=0)
NIANBAO_SIMILAR_KEPT_FOR = env.int("NIANBAO_SIMILAR_KEPT_FOR", default=0)
