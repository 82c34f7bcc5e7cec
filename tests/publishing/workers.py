"""Real Celery workers and a dedicated Redis for the publishing tests that kill or cut things.

The session's worker (tests/conftest.py) serves the ordinary round trip; tests that kill -9 a
worker or stop the broker get their own redis-server and workers, so nothing else is disturbed.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, message: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s: {message}")


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        log = (self.workdir / f"redis-{self.port}.log").open("ab")
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)], stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: _listening(self.port), 20, "redis-server listening")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        wait_until(lambda: not _listening(self.port), 10, "redis-server stopped")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Worker:
    """`celery worker` in a subprocess on the test database and the given broker."""

    def __init__(self, broker: str, workdir: Path, *, pool: str = "solo", app: str = "config.celery_app",
                 env: dict | None = None, unset: tuple[str, ...] = ()):
        db = settings.DATABASES["default"]
        self.name = f"pub-{uuid.uuid4().hex[:6]}"
        self.log = workdir / f"{self.name}.log"
        full_env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": broker, "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker,
            **(env or {}),
        }
        for name in unset:
            full_env.pop(name, None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app, "worker", f"--pool={pool}",
             "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
             f"--hostname={self.name}@%h"],
            cwd=ROOT, env=full_env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout=60):
        wait_until(lambda: self.proc.poll() is not None or "ready." in self.log.read_text(errors="replace"),
                   timeout, f"worker {self.name} ready")
        assert self.proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
        return self

    def kill(self, sig=signal.SIGKILL):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            self.proc.wait(timeout=20)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def app_broker(url: str, transport_options: dict | None = None):
    """Point this process's Celery app (what `.delay()` publishes to) at another broker."""
    from config.celery_app import app

    def reset():
        # app._pool is kombu's process-wide pool for the URL: closing it alone leaves the closed pool
        # registered, and the next publish to that URL fails ("Acquire on closed pool"). Clear them all.
        from kombu import pools

        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    old, old_options = app.conf.broker_url, app.conf.broker_transport_options
    reset()
    app.conf.broker_url = url
    if transport_options is not None:
        app.conf.broker_transport_options = transport_options
    try:
        yield app
    finally:
        reset()
        app.conf.broker_url, app.conf.broker_transport_options = old, old_options


def filesystem_broker_options(folder: Path) -> dict:
    """The transport options config/settings/local.py gives the demo, for a broker in `folder`."""
    for name in ("out", "processed", "control"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return {"data_folder_in": str(folder / "out"), "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"), "control_folder": str(folder / "control"),
            "store_processed": False}


class DemoWorker(Worker):
    """A worker as `make demo` runs it: the local settings and the filesystem broker in `folder`
    (on the test database, so that the test sees what it does)."""

    def __init__(self, folder: Path, workdir: Path, *, app: str = "config.celery_app", env: dict | None = None):
        super().__init__("filesystem://", workdir, app=app, env={
            "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false",
            "CELERY_BROKER_DIR": str(folder), **(env or {})}, unset=("REDIS_URL", "CELERY_RESULT_BACKEND"))
