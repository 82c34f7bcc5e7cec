"""docker-compose.yml: MinIO with a one-shot that creates the bucket, two web and two worker containers
sharing nothing but PostgreSQL, Redis and the bucket. There is no Docker engine where the tests run, so
the file is checked as YAML, and the application's environment it declares is loaded by the
production settings for real."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from config.settings.s3 import s3_problems

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "web2", "worker", "worker2", "beat", "migrate")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _interpolate(value: str) -> str:
    """What `docker compose` makes of ${VAR:?…} and ${VAR:-default}, with a stand-in for each secret."""
    def one(match):
        name, _, rest = match.group(1).partition(":")
        return rest[1:] if rest.startswith("-") else f"stand-in-{name.lower().replace('_', '-')}-0123456789abcdef"
    return re.sub(r"\$\{([^}]+)\}", one, str(value))


def test_minio_and_the_bucket_creating_one_shot():
    services = _compose()["services"]
    minio = services["minio"]
    assert minio["image"].startswith("minio/minio:RELEASE.") and "server" in minio["command"]
    assert "miniodata:/data" in minio["volumes"] and minio["healthcheck"]["test"]
    init = services["minio-init"]
    assert init["image"].startswith("minio/mc:") and init["restart"] == "no"
    assert init["depends_on"]["minio"]["condition"] == "service_healthy"
    script = "\n".join(init["command"])
    assert "mc mb --ignore-existing" in script and "mc anonymous set none" in script
    assert "mc admin user add" in script and "nianbao-app" in script  # the app's key is not the root key


def test_two_web_and_two_worker_containers_share_only_the_services():
    services = _compose()["services"]
    assert {"web", "web2", "worker", "worker2", "beat", "migrate", "proxy"} <= set(services)
    for name in APP_SERVICES:
        service = services[name]
        env = {key: _interpolate(value) for key, value in service["environment"].items()}
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env["NIANBAO_S3_BUCKET"] == "nianbao" and env["NIANBAO_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"] and s3_problems(env) == []
        assert "DJANGO_MEDIA_ROOT" not in env
        assert not any("media" in str(volume) for volume in service.get("volumes", [])), name  # no local files
        assert service["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    for name in ("web", "web2"):
        assert "gunicorn" in services[name]["command"]
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in ("worker", "worker2"):
        assert services[name]["command"][:4] == ["celery", "-A", "config.celery_app", "worker"]
        # the web's requests first where they share a host (a niceness stays inside its container)
        assert services[name]["cpu_shares"] < services["web"].get("cpu_shares", 1024)
    assert services["worker"]["hostname"] != services["worker2"]["hostname"]
    assert "migrate" in " ".join(services["migrate"]["command"]) and "migrate" not in services["web"]["command"]
    assert set(services["proxy"]["depends_on"]) == {"web", "web2"}
    upstream = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000;" in upstream and "server web2:8000;" in upstream
    assert "miniodata" in _compose()["volumes"] and "media" not in _compose()["volumes"]


def test_the_production_settings_load_the_declared_environment_onto_the_bucket():
    env = {key: _interpolate(value) for key, value in _compose()["services"]["web2"]["environment"].items()}
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("@postgres:", "@127.0.0.1:")
    # The signing pair is mounted from deploy/signing/ in the containers; here, the test run's own.
    assert env["NIANBAO_SIGNING_KEY"] == "/app/signing/signing-key.pem"
    env["NIANBAO_SIGNING_KEY"] = os.environ["NIANBAO_SIGNING_KEY"]
    env["NIANBAO_SIGNING_CERT"] = os.environ["NIANBAO_SIGNING_CERT"]
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "NIANBAO_", "AWS_"))}
    code = ("from django.core.files.storage import storages; s = storages['default']; "
            "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.location)")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT,
                            env={**clean, **env}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "nianbao", "http://minio:9000", "nianbao"]
