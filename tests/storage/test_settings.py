"""STORAGES from the environment: the S3-compatible bucket when it is fully configured, the file system
when nothing is; production refuses half a configuration, naming what is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.s3 import default_storage_from, s3_problems

ROOT = Path(__file__).resolve().parents[2]
FULL = {"NIANBAO_S3_BUCKET": "nianbao", "NIANBAO_S3_ENDPOINT_URL": "http://minio:9000",
        "AWS_ACCESS_KEY_ID": "nianbao", "AWS_SECRET_ACCESS_KEY": "a-secret"}
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-variety-0123456789-XYZ",
    "DATABASE_URL": "postgres://nianbao:pw@db.internal:5432/nianbao",
    "DJANGO_ALLOWED_HOSTS": "nianbao.example.gov.cn",
    "REDIS_URL": "redis://redis.internal:6379/0",
}
SHOW = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"


def _shell(env):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "NIANBAO_S3_", "AWS_"))}
    return subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", SHOW], cwd=ROOT,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_a_full_configuration_is_the_bucket():
    storage = default_storage_from(FULL)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "nianbao" and options["endpoint_url"] == "http://minio:9000"
    assert options["access_key"] == "nianbao" and options["secret_key"] == "a-secret"
    assert options["addressing_style"] == "path" and options["location"] == "nianbao"
    assert options["default_acl"] == "private" and options["file_overwrite"] is True
    assert s3_problems(FULL) == []
    aws = default_storage_from({k: v for k, v in FULL.items() if k != "NIANBAO_S3_ENDPOINT_URL"})
    assert aws["OPTIONS"]["endpoint_url"] is None and aws["OPTIONS"]["addressing_style"] is None


def test_nothing_configured_is_the_file_system():
    assert default_storage_from({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert s3_problems({}) == []
    # AWS keys alone (for something else) are not a half-configured store.
    assert s3_problems({"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}) == []


@pytest.mark.parametrize("missing", ["NIANBAO_S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
def test_half_a_configuration_names_what_is_missing(missing):
    env = {k: v for k, v in FULL.items() if k != missing}
    assert s3_problems(env) == [f"{missing} is not set"]
    assert default_storage_from(env)["BACKEND"].endswith("FileSystemStorage")  # never a half-made bucket


def test_bad_values_are_named():
    assert "NIANBAO_S3_ENDPOINT_URL" in s3_problems({**FULL, "NIANBAO_S3_ENDPOINT_URL": "minio:9000"})[0]
    assert "NIANBAO_S3_ADDRESSING_STYLE" in s3_problems({**FULL, "NIANBAO_S3_ADDRESSING_STYLE": "sideways"})[0]


def test_production_uses_the_bucket_and_refuses_half_of_it():
    full = _shell({**PROD_ENV, **FULL})
    assert full.returncode == 0, full.stderr
    assert full.stdout.split() == ["storages.backends.s3.S3Storage"]
    half = _shell({**PROD_ENV, "NIANBAO_S3_BUCKET": "nianbao", "NIANBAO_S3_ENDPOINT_URL": "http://minio:9000"})
    assert half.returncode != 0
    assert "ImproperlyConfigured" in half.stderr and "configured partially" in half.stderr
    assert "AWS_ACCESS_KEY_ID is not set" in half.stderr and "AWS_SECRET_ACCESS_KEY is not set" in half.stderr
    single_machine = _shell(PROD_ENV)
    assert single_machine.returncode == 0, single_machine.stderr
    assert single_machine.stdout.split() == ["django.core.files.storage.FileSystemStorage"]


def test_the_demo_keeps_the_file_system(tmp_path):
    local = _shell({"DJANGO_SETTINGS_MODULE": "config.settings.local", "CELERY_BROKER_DIR": str(tmp_path)})
    assert local.returncode == 0, local.stderr
    assert local.stdout.split() == ["django.core.files.storage.FileSystemStorage"]
