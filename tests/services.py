"""Real PostgreSQL and Redis for the test run, started in a temporary directory and stopped after.

Loaded with `-p tests.services` (pyproject): its hook wraps pytest-django's, so DATABASE_URL and
REDIS_URL exist before Django reads its settings. PostgreSQL refuses to run as root, so as root
the cluster runs as an unprivileged system user (`runuser`). Nothing here reuses a server that
happens to be running already.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

_started: list = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return candidates[-1]
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} not found: install the Debian package postgresql")
    return found


def _as_service_user(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


def _service_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for candidate in ("postgres", "nobody"):
        if subprocess.run(["id", "-u", candidate], capture_output=True).returncode == 0:
            return candidate
    raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")


def _wait_for_port(port: int, what: str, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout}s")


def start_postgres(root: Path) -> str:
    user = _service_user()
    data, sock = root / "pgdata", root / "pgsock"
    sock.mkdir()
    if user:
        shutil.chown(root, user)
        shutil.chown(sock, user)
    subprocess.run(
        _as_service_user([_pg_bin("initdb"), "-D", str(data), "-U", "nianbao", "--auth=trust",
                          "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], user),
        check=True, capture_output=True,
    )
    port = _free_port()
    log = root / "postgres.log"
    log.touch()
    if user:
        shutil.chown(log, user)
    proc = subprocess.Popen(
        _as_service_user([_pg_bin("postgres"), "-D", str(data), "-p", str(port), "-k", str(sock),
                          "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                          "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                          "-c", "max_connections=200"], user),
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )
    _started.append(proc)
    _wait_for_port(port, "PostgreSQL", proc, log)
    return f"postgres://nianbao@127.0.0.1:{port}/nianbao"


def start_redis(root: Path) -> str:
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("redis-server not found: install the Debian package redis-server")
    port = _free_port()
    log = root / "redis.log"
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(root), "--save", "", "--databases", "64",
         "--appendonly", "no", "--protected-mode", "yes"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )
    _started.append(proc)
    _wait_for_port(port, "Redis", proc, log)
    return f"redis://127.0.0.1:{port}/0"


SIGNER = "北京市东城区人民政府（测试）"


def make_signing_cert(folder: Path) -> None:
    """The self-signed key (with a passphrase) and certificate every published PDF of the run is
    signed with; named in the environment, so the Celery worker processes sign with the same."""
    from reports.publishing.signing import make_self_signed

    os.environ.setdefault("NIANBAO_SIGNING_KEY", str(folder / "signing-key.pem"))
    os.environ.setdefault("NIANBAO_SIGNING_CERT", str(folder / "signing-cert.pem"))
    os.environ.setdefault("NIANBAO_SIGNING_PASSPHRASE", "test-signing-passphrase")
    make_self_signed(Path(os.environ["NIANBAO_SIGNING_KEY"]), Path(os.environ["NIANBAO_SIGNING_CERT"]),
                     name=SIGNER, passphrase=os.environ["NIANBAO_SIGNING_PASSPHRASE"].encode())


def share_with_worker(worker: str) -> None:
    """An xdist worker (gw0, gw1, …) uses the servers the main process started, with its own Redis
    database (cache, broker and results: its Celery worker takes only its own tasks) and its own
    media folder; pytest-django gives it its own test database (test_nianbao_gw0, …)."""
    number = int(worker.removeprefix("gw")) + 1  # the main process keeps database 0 (64 in all)
    os.environ["REDIS_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{number}"
    media = Path(os.environ["DJANGO_MEDIA_ROOT"]) / worker
    media.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_MEDIA_ROOT"] = str(media)


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # xdist names a worker in the environment before its configuration is made (`workerinput`
    # comes later): the servers are started once, by the main process, and shared.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        share_with_worker(worker)
    else:
        root = Path(tempfile.mkdtemp(prefix="nianbao-services-"))
        os.chmod(root, 0o755)
        early_config._nianbao_services_root = root
        os.environ["DATABASE_URL"] = start_postgres(root)
        os.environ["REDIS_URL"] = start_redis(root)
        os.environ.setdefault("DJANGO_MEDIA_ROOT", str(root / "media"))
        make_signing_cert(root / "signing")
    return (yield)


def pytest_unconfigure(config):
    for proc in reversed(_started):
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    _started.clear()
    root = getattr(config, "_nianbao_services_root", None)
    if root:
        shutil.rmtree(root, ignore_errors=True)
