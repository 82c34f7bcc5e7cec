"""Settings shared by every environment; read from the environment (django-environ)."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

from .s3 import default_storage_from

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
SITE_NAME = env("NIANBAO_SITE_NAME", default="政府信息公开工作年度报告")

# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's SQLite under concurrent requests (two approvals at once, an autosave storm): WAL lets
    # readers run beside the writer; IMMEDIATE takes the write lock when a transaction begins, so a
    # request waits its turn (up to `timeout` seconds) instead of failing with "database is locked"
    # when its read lock cannot be upgraded. A wait that still times out is answered by
    # config.middleware.DatabaseBusyMiddleware with the same refusal as a PostgreSQL lock conflict.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "config.apps.StaticFilesConfig",  # django.contrib.staticfiles, leaving out assets never served
    "django.contrib.admin",
    "django.contrib.humanize",
    # PostgreSQL's index expressions (the portal search's pg_trgm index); harmless on SQLite.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_structlog",
    "simple_history",
    "pgtrigger",  # the append-only records are enforced by PostgreSQL triggers (config/append_only.py)
    "agencies",
    "reports",
    "reports.review",
    "reports.publishing",
    "reports.importing",
    "reports.district_report",
    "portal",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from static/ (no CDN)
    "api",
]

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out accounts before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# 等保 2.0 二级: 10+ characters mixing at least three character classes.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "agencies.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# CLIENT ADDRESS (config/client_ip.py): how many reverse proxies of ours stand in front of the
# application, each appending to X-Forwarded-For. 0: none, the header is ignored (a client can forge it).
NIANBAO_TRUSTED_PROXY_COUNT = env.int("NIANBAO_TRUSTED_PROXY_COUNT", default=0)

# django-axes (agencies/throttle.py): within 15 minutes, 5 wrong passwords for one account from one
# address lock that account *at that address* (its owner still signs in elsewhere), and 20 failures from
# one address, whatever the user names, lock the address. 20: an office behind one NAT address, where a
# few people mistype at the season's deadline, stays well under it; a spray is held to 20 guesses per
# 15 minutes (under 2,000 a day) across every account. An administrator lifts either lock.
AXES_FAILURE_LIMIT = 5
NIANBAO_ADDRESS_FAILURE_LIMIT = env.int("NIANBAO_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "agencies.throttle.ThrottleHandler"
AXES_RESET_ON_SUCCESS = True
# A try refused during a lock is not counted again: the lock ends 15 minutes after it began, as the
# lock page says, and the 安全日志 records the lock once rather than every refused try.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "agencies.views.auth.lockout"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_VERBOSE = False

# SESSIONS: idle sessions end after 30 minutes. The expiry moves with every request the person makes,
# not with the page's own polls (config.middleware.IdleSessionMiddleware, header X-Nianbao-Poll: 1).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
# The idle timeout moves on with a person's requests, written at most this often (config/middleware.py).
SESSION_IDLE_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.middleware.csrf_failure"

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.HtmxRedirectMiddleware",
    "config.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.SignInAgainMiddleware",  # inside MessageMiddleware: its message is stored
    "config.middleware.MethodNotAllowedPageMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "agencies.middleware.PasswordChangeRequiredMiddleware",
    "config.middleware.DatabaseBusyMiddleware",
    # axes last: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# SECURITY
# ------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# A strict CSP from the start: our own origin only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its form controls with data: SVGs in its stylesheet.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# STATIC & MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Every stored file (PDFs, Word copies, images of published versions; uploads staged for the
# importer's workers) goes through STORAGES["default"]: an S3-compatible bucket shared by every web
# and worker machine when NIANBAO_S3_BUCKET is set, else the file system (config/settings/s3.py).
STORAGES = {
    "default": default_storage_from(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# TEMPLATES
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.navigation.navigation",
            ],
        },
    },
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# CACHES & BROKER
# ------------------------------------------------------------------------------
# Redis for both when REDIS_URL is set (production requires it: config/settings/production.py).
# Without it, base and test have no broker and a per-process cache; config/settings/local.py adds
# the filesystem broker of `make demo`.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# CELERY
# ------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# Longer than any task's hard time limit and any countdown, or Redis redelivers running tasks.
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 6 * 3600}
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
# A task is acknowledged when it finishes, so a worker that dies mid-render gives it back:
# every task must therefore be idempotent. One task at a time per process, so a slow PDF
# does not hold queued ones; processes are recycled to cap leaks.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 50
# …and by memory: a prefork child whose resident memory passed this (KiB) after a task is replaced
# before the next one. A render peaks near 250 MB (benchmarks/pdf.py); a child above this has leaked.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=350_000)
# Celery's Django fixup closes every database connection before and after every task unless this is
# set: a new PostgreSQL backend for each task (five a publication, with its mails and Word copy). With
# it the fixup closes them only every so many tasks, and config/celery_app.py closes, as Django does
# around a request, a connection older than CONN_MAX_AGE or one that broke.
CELERY_DB_REUSE_MAX = 500
# A worker's processes run at this niceness (config/celery_app.py): renders, Word copies and mails
# yield the CPU to the web processes' requests on a machine they share. Measured by benchmarks/peak.py
# on 2 cores while a burst of 40 approvals was rendered: the requests' p95, second by second, fell from
# 130–200 ms to 60–100 ms, and the renders stayed above 2/s on the CPU the requests leave. 0 leaves
# the priority alone.
NIANBAO_WORKER_NICENESS = env.int("NIANBAO_WORKER_NICENESS", default=10)
# The board's 体检得分 column (reports/health/board.py) shows the year's scores kept in the shared cache
# for this many seconds, then still while a worker computes them again (and, none kept, the worker
# computes the first while the board says so); 0 computes them on every load, as without Redis (a
# per-process cache is not the workers').
NIANBAO_BOARD_SCORES_FRESH_FOR = env.int("NIANBAO_BOARD_SCORES_FRESH_FOR", default=30 if REDIS_URL else 0)
# A report's 内容雷同 (reports/summary/comparison.py) as last compared, whether by one of its pages or by
# the board's refresh, is shown again for this many seconds while its own texts are unchanged: the
# other bodies' texts are those of that moment. 0 compares on every load (as without Redis).
NIANBAO_SIMILAR_KEPT_FOR = env.int("NIANBAO_SIMILAR_KEPT_FOR", default=60 if REDIS_URL else 0)
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Approved reports still without a PDF after PUBLISHING_SWEEP_AFTER (the broker was down when the
    # approval committed, a worker died with the message): queue their render again.
    "publishing-sweep": {"task": "publishing.sweep", "schedule": 120.0},
    # Uploads of the 导入历史报告 page older than a day (reports/importing/batch.py BATCH_HOURS).
    "importing-sweep": {"task": "importing.sweep_batches", "schedule": 3600.0},
}

# PUBLISHING (reports/publishing): PDFs of published reports
# ------------------------------------------------------------------------------
# PDFs are stored through STORAGES["default"] (see STATIC & MEDIA above).
# Renders of one report are bounded: after this many attempts (redeliveries included) it is 发布失败.
# A Word copy taken by a worker within this many seconds of a publication (approvals arriving) is sent
# back as long (reports/publishing/enqueue.py): at the January peak the workers' cores are the renders'.
NIANBAO_WORD_DEFER_SECONDS = env.int("NIANBAO_WORD_DEFER_SECONDS", default=10)
PUBLISHING_MAX_ATTEMPTS = env.int("PUBLISHING_MAX_ATTEMPTS", default=5)
# Far below the broker's visibility_timeout (6 h): a render is never redelivered while it runs.
PUBLISHING_SOFT_TIME_LIMIT = env.int("PUBLISHING_SOFT_TIME_LIMIT", default=120)
PUBLISHING_TIME_LIMIT = env.int("PUBLISHING_TIME_LIMIT", default=180)
PUBLISHING_SWEEP_AFTER = timedelta(seconds=env.int("PUBLISHING_SWEEP_AFTER_SECONDS", default=180))
# SIGNING (reports/publishing/signing.py): every published PDF carries the district's PAdES signature.
# PEM files: the private key (encrypted with NIANBAO_SIGNING_PASSPHRASE if it is), the signing
# certificate and, optionally, the CA certificates it chains to (also the 验证 page's trust roots).
# Production requires them (NIANBAO_SIGNING_REQUIRED defaults to on there); `manage.py
# make_signing_cert` makes a self-signed pair, and NIANBAO_SIGNING_SELF_SIGNED makes one when missing.
NIANBAO_SIGNING_KEY = env("NIANBAO_SIGNING_KEY", default="")
NIANBAO_SIGNING_CERT = env("NIANBAO_SIGNING_CERT", default="")
NIANBAO_SIGNING_CHAIN = env.list("NIANBAO_SIGNING_CHAIN", default=[])
NIANBAO_SIGNING_PASSPHRASE = env("NIANBAO_SIGNING_PASSPHRASE", default="")
NIANBAO_SIGNING_REQUIRED = env.bool("NIANBAO_SIGNING_REQUIRED", default=False)
NIANBAO_SIGNING_SELF_SIGNED = env.bool("NIANBAO_SIGNING_SELF_SIGNED", default=False)
# Daily at 08:00: deadline reminders, escalation of overdue reports, reviewers waiting > 3 days.
CELERY_BEAT_SCHEDULE["review-reminders"] = {"task": "review.send_reminders", "schedule": crontab(hour=8, minute=0)}

# COMPARISON (reports/summary/comparison.py): year-over-year warnings
# ------------------------------------------------------------------------------
# A figure is flagged when it moved by more than NIANBAO_YOY_FACTOR times, up or down, AND by at least
# NIANBAO_YOY_MIN_CHANGE: 0 → 5 or 2 → 9 is ordinary for a small body and not worth a warning.
NIANBAO_YOY_FACTOR = env.float("NIANBAO_YOY_FACTOR", default=3)
NIANBAO_YOY_MIN_CHANGE = env.int("NIANBAO_YOY_MIN_CHANGE", default=10)

# API (api/): the read-only /api/v1/ for the city or province; tokens issued by a 区管理员
# ------------------------------------------------------------------------------
# Calls per token (DRF's rate syntax: "120/min", "5000/day"), counted in the shared cache (Redis).
NIANBAO_API_RATE = env("NIANBAO_API_RATE", default="120/min")
REST_FRAMEWORK = {
    # The API's own views set their authentication, scope and rate (api/views.py ApiView); these
    # defaults keep any other DRF view just as closed: a token, JSON only, nothing unsafe.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "年报数据接口",
    "DESCRIPTION": "政府信息公开工作年度报告系统的只读接口（供市、省政府信息公开办公室及评估机构使用）。"
                   "每次调用须带区管理员签发的令牌；只能读取令牌所属区的数据。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "BodyKindEnum": "agencies.models.BodyKind",
        "EventKindEnum": "reports.models.EventKind",
        "ReportStatusEnum": "reports.models.ReportStatus",
    },
}

# EMAIL
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="年报系统 <nianbao@localhost>")
# Mail is sent by a Celery task (reports/review/tasks.py), never inside a request; a mail server
# that hangs is given up after this many seconds and the task retries later.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
# Where the site is reached from outside, for the links in e-mails (no trailing slash needed).
SITE_URL = env("NIANBAO_SITE_URL", default="http://localhost:8000")
# The overview and review pages ask for the report's status this often (seconds).
REPORT_STATUS_POLL_SECONDS = env.int("NIANBAO_STATUS_POLL_SECONDS", default=10)

# DEMO: each app adds its part of `manage.py seed_demo`, in this order.
DEMO_SEEDERS = ["agencies.demo.seed", "reports.demo.seed", "reports.importing.demo.seed"]
DEMO_SEEDERS.append("reports.review.demo.seed")  # after reports.demo: it moves this year's reports along
DEMO_SEEDERS.append("reports.publishing.demo.seed")  # last year's reports published, with their PDFs

# ADMIN
# ------------------------------------------------------------------------------
ADMIN_URL = env("DJANGO_ADMIN_URL", default="support-admin/")

# LOGGING: structlog; JSON in production, readable in development. Every line carries the
# request id and the user (django-structlog binds them per request).
# ------------------------------------------------------------------------------
LOG_JSON = env.bool("DJANGO_LOG_JSON", default=False)
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
DJANGO_STRUCTLOG_CELERY_ENABLED = True

from config.logging import configure_structlog, logging_dict  # noqa: E402

LOGGING = logging_dict(json=LOG_JSON, level=LOG_LEVEL)
configure_structlog()
