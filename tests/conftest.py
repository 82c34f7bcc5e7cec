import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import DEFAULT_PASSWORD, UserFactory, make_district_with_people
from tests.s3 import S3Server

CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def people(db):
    """A district with two bodies and one person per role (see tests/factories.py)."""
    return make_district_with_people()


@pytest.fixture
def login(live_server):
    """Signs a person in through the real login page."""

    def _login(page, user, password=DEFAULT_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        return page

    return _login


_WORKERS: list = []  # the session's Celery worker, once a test started it, and its busy file


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker process on the test Redis, reading the test database."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    log = Path(os.environ.get("DJANGO_MEDIA_ROOT", "/tmp")).parent / f"worker-{uuid.uuid4().hex[:6]}.log"
    busy = log.with_suffix(".busy")
    env["NIANBAO_TEST_WORKER_BUSY"] = str(busy)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=INFO", f"--hostname=test-{uuid.uuid4().hex[:6]}@%h",
         "--include=tests.worker_busy"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    _WORKERS.append((proc, busy))
    from config.celery_app import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Celery worker exited: {log.read_text(errors='replace')[-3000:]}")
        if app.control.ping(timeout=0.5):
            break
    else:
        proc.kill()
        raise RuntimeError(f"Celery worker did not answer: {log.read_text(errors='replace')[-3000:]}")
    yield proc
    _WORKERS.remove((proc, busy))
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Before a transactional test's database is emptied: the session's worker has finished its task.
    It serves every later test of the process, and a render queued by a final approval near the end of
    a test otherwise writes while the database is truncated (a deadlock, an error at teardown)."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    if _WORKERS and ((marker and marker.kwargs.get("transaction")) or "transactional_db" in names
                     or "live_server" in names):
        for proc, busy in list(_WORKERS):
            deadline = time.monotonic() + 60
            while busy.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
    yield


def _until_alone_on(name: str, timeout: float) -> None:
    """PostgreSQL ends a closed connection's session a moment after its process exits (the Celery
    worker's); the test database is dropped next, which it refuses while another session is on it.
    A session still there after `timeout` (a connection some test's thread never closed) is ended."""
    from django.db import connection

    others = "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    with connection.cursor() as cursor:
        for wait, terminate in ((timeout, False), (5, True)):
            if terminate:
                cursor.execute(f"SELECT pg_terminate_backend(pid) {others}", [name])  # noqa: S608 - constant
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                cursor.execute(f"SELECT count(*) {others}", [name])  # noqa: S608 - constant
                if not cursor.fetchone()[0]:
                    return
                time.sleep(0.1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, and before it drops the test database at the end: no other session on it."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        _until_alone_on(connection.settings_dict["NAME"], timeout=10)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's standalone S3 server (tests/s3.py), once per session, with the test bucket."""
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    """STORAGES["default"] on the moto bucket, built from the environment production reads."""
    from config.settings.s3 import default_storage_from

    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from(s3_server.env)}
    return s3_server


@pytest.fixture(autouse=True)
def _s3_marker(request):
    """`@pytest.mark.s3`: the test's files go to moto's S3 server (the s3_storage fixture)."""
    if request.node.get_closest_marker("s3"):
        request.getfixturevalue("s3_storage")


__all__ = ["UserFactory"]


class MailQueue:
    """The notice e-mails queued for Celery (reports/review/tasks.py) during a test. `deliver()` runs
    the task here as the worker would (locmem backend: the mails land in django.core.mail.outbox)."""

    def __init__(self):
        self.batches: list[list[int]] = []

    def deliver(self) -> int:
        from reports.review.tasks import send_notification_emails_task

        batches, self.batches = self.batches, []
        results = [send_notification_emails_task.apply(args=(batch,)) for batch in batches]
        return sum(r.result for r in results if r.successful())


@pytest.fixture(autouse=True)
def _word_copies_in_this_process(request, monkeypatch):
    """A transactional test that publishes in its own process (publish(), not the worker) makes the
    Word copy in its own process too, as an eager task would. Queued, it would reach the session's
    real worker if one runs, which writes into its own media folder, not this test's: the portal
    then finds the copy recorded and its file missing. Tests marked `worker` or `s3` share storage
    with their worker and keep the real queue."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction")
    if not transactional or request.node.get_closest_marker("worker") or request.node.get_closest_marker("s3"):
        return
    from reports.publishing import services, tasks

    def in_this_process(report_id: int) -> bool:
        tasks.word_copies(report_id)
        return True

    monkeypatch.setattr(services, "enqueue_word_copies", in_this_process)


@pytest.fixture
def mail_queue(monkeypatch):
    """Catches what would go to the broker, so that a test can look at the queue and deliver it."""
    from reports.review.tasks import send_notification_emails_task

    queue = MailQueue()

    def enqueue(args=None, kwargs=None, **options):
        queue.batches.append(list(args[0]))

    monkeypatch.setattr(send_notification_emails_task, "apply_async", enqueue)
    return queue
