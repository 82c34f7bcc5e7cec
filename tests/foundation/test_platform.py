"""The platform under the application: real services, production settings, headers, error pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-variety-0123456789-XYZ",
    "DATABASE_URL": "postgres://nianbao:pw@db.internal:5432/nianbao",
    "DJANGO_ALLOWED_HOSTS": "nianbao.example.gov.cn",
    "REDIS_URL": "redis://redis.internal:6379/0",
    # The test run's signing pair (tests/services.py): production refuses to start without one.
    "NIANBAO_SIGNING_KEY": os.environ["NIANBAO_SIGNING_KEY"],
    "NIANBAO_SIGNING_CERT": os.environ["NIANBAO_SIGNING_CERT"],
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "NIANBAO_SIGNING_"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.mark.django_db
def test_database_is_a_real_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL 15")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_a_real_worker_on_redis(celery_worker_process):
    from django.conf import settings

    from agencies.tasks import ping
    from tests.factories import UserFactory

    assert settings.CELERY_BROKER_URL.startswith("redis://127.0.0.1:")
    UserFactory.create_batch(3)
    result = ping.delay("hello").get(timeout=30)
    assert result == {"token": "hello", "database": "postgresql", "users": 3}


def test_check_deploy_with_production_settings_reports_nothing():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_web_and_worker_processes_keep_their_database_connection_checked():
    result = _manage("shell", "-c", "from django.conf import settings; from config.celery_app import app; "
                     "db = settings.DATABASES['default']; "
                     "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], app.conf.get('CELERY_DB_REUSE_MAX'))",
                     env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].split() == ["60", "True", "500"]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_settings(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.parametrize("missing", ["NIANBAO_SIGNING_KEY", "NIANBAO_SIGNING_CERT"])
def test_production_refuses_to_start_without_the_districts_signing_key(missing, tmp_path):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr
    elsewhere = _manage("check", env={**env, missing: str(tmp_path / "not-there.pem")})
    assert elsewhere.returncode != 0 and "not-there.pem" in elsewhere.stderr


def test_production_refuses_to_start_without_a_broker_and_a_shared_cache(tmp_path):
    """No silent fallback to a broker on the local disk or a per-process cache; nothing is created."""
    env = {k: v for k, v in PROD_ENV.items() if k != "REDIS_URL"}
    result = _manage("check", env={**env, "CELERY_BROKER_DIR": str(tmp_path / "broker")})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "REDIS_URL" in result.stderr
    filesystem = _manage("check", env={**env, "CELERY_BROKER_URL": "filesystem://"})
    assert filesystem.returncode != 0 and "broker" in filesystem.stderr
    no_cache = _manage("check", env={**env, "CELERY_BROKER_URL": "redis://redis.internal:6379/1"})
    assert no_cache.returncode != 0 and "cache" in no_cache.stderr
    assert not (tmp_path / "broker").exists()


def test_the_filesystem_broker_belongs_to_the_local_settings(tmp_path):
    code = ("from django.conf import settings; print(settings.CELERY_BROKER_URL); "
            "print(settings.CACHES['default']['BACKEND'])")
    result = _manage("shell", "-v0", "-c", code, env={"DJANGO_SETTINGS_MODULE": "config.settings.local",
                                              "CELERY_BROKER_DIR": str(tmp_path / "broker")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["filesystem://", "django.core.cache.backends.locmem.LocMemCache"]
    assert (tmp_path / "broker" / "out").is_dir()


def test_docker_compose_describes_the_production_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "proxy"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS", "REDIS_URL"} <= set(env)
    assert services["postgres"]["image"].startswith("postgres:15")
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "fonts-noto-cjk" in dockerfile and "libharfbuzz-subset0" in dockerfile
    # Every project package Django loads is copied into the image.
    from django.conf import settings

    packages = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert packages and all(f"COPY {package} {package}" in dockerfile for package in packages), packages
    proxy_conf = (ROOT / "deploy" / "nginx.conf").read_text()
    # Stored files are objects in the shared bucket, served by the application's views only.
    assert "location /static/" in proxy_conf and "location /media/" not in proxy_conf


@pytest.mark.django_db
def test_security_headers_and_strict_csp(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "<script>" not in response.content.decode() and "style=" not in response.content.decode()


@pytest.mark.django_db
def test_pages_are_in_chinese_with_clear_error_pages(client):
    login = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-Hans">' in login and "登录年报系统" in login
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()


def test_server_error_page_is_in_chinese(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "系统出错" in response.content.decode()


def test_dates_are_written_the_chinese_way():
    from datetime import date

    from django.utils import formats, translation

    with translation.override("zh-hans"):
        assert formats.date_format(date(2026, 1, 31)) == "2026年1月31日"


def test_the_production_image_can_collect_its_static_files(tmp_path):
    """The hashed, compressed static files of production: every url() they refer to exists."""
    result = _manage("collectstatic", "--noinput", "-v0", env={**PROD_ENV, "DJANGO_STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.min.css" in manifest and "js/rules.js" in manifest


def test_every_password_hasher_of_the_settings_can_be_used():
    """A hasher whose library is missing (Argon2 without argon2-cffi) fails only when it is first used."""
    from django.utils.module_loading import import_string

    from config.settings import base

    for path in base.PASSWORD_HASHERS:
        hasher = import_string(path)()
        assert hasher.verify("Nianbao@2026", hasher.encode("Nianbao@2026", hasher.salt())), path


def test_a_production_web_process_loads_every_view_then_freezes_what_it_loaded():
    """config/wsgi.py (gunicorn's entry): the URLconf and every view imported and every template of
    templates/ compiled (kept by the cached loader) and the URL lookups by name built at start, and
    what is loaded kept out of the garbage collector's full collections (config/warm.py)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "NIANBAO_SIGNING_"))}
    code = ("import gc, sys; import config.wsgi; from django.template import engines; "
            "from django.urls import URLResolver, get_resolver; root = get_resolver(); "
            "kept = engines['django'].engine.template_loaders[0].get_template_cache; "
            "looked_up = [r._reverse_dict for r in [root, *(p for p in root.url_patterns if isinstance(p, URLResolver))]]; "
            "print(gc.get_freeze_count(), 'reports.review.views' in sys.modules, 'portal.views' in sys.modules, "
            "all('zh-hans' in d for d in looked_up), '|'.join(kept))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **PROD_ENV},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    frozen, review_views, portal_views, urls_looked_up, kept = done.stdout.split()
    assert int(frozen) > 50_000 and review_views == portal_views == "True"
    assert urls_looked_up == "True"  # reverse() by name ready (the root's lookups and its namespaces')
    templates = ROOT / "templates"
    ours = {path.relative_to(templates).as_posix() for path in templates.rglob("*") if path.suffix in {".html", ".txt"}}
    assert {"reports/review/review.html", "reports/district/board.html"} <= ours <= set(kept.split("|"))
