"""moto's standalone S3 server for the shared-storage tests: a real HTTP server, started once per
session (`moto_server` in a subprocess), that django-storages and boto3 reach as they would MinIO.

Tests marked `s3` (or asking for the `s3_storage` fixture) run with STORAGES["default"] on its bucket,
built by config/settings/s3.py from the same environment variables that production reads; a Celery
worker started with `S3Server.env` sees exactly the same store.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

BUCKET = "nianbao-test"
PREFIX = "nianbao"
KEY, SECRET, REGION = "test-access-key", "test-secret-key", "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Server:
    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.log = workdir / f"moto-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """What a web or worker process is given to use this store (config/settings/s3.py)."""
        return {"NIANBAO_S3_BUCKET": BUCKET, "NIANBAO_S3_ENDPOINT_URL": self.url, "NIANBAO_S3_REGION": REGION,
                "NIANBAO_S3_PREFIX": PREFIX, "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET}

    def start(self) -> S3Server:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited: {self.log.read_text(errors='replace')[-3000:]}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("moto_server did not listen within 60 s")
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=REGION, aws_access_key_id=KEY,
                            aws_secret_access_key=SECRET)

    def keys(self, prefix: str = "") -> list[str]:
        """Every object's key under PREFIX/prefix, as S3 lists it (boto3 over HTTP)."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"{PREFIX}/{prefix}")
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def get(self, name: str) -> bytes:
        return self.client().get_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}")["Body"].read()

    def delete(self, name: str) -> None:
        self.client().delete_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}")
