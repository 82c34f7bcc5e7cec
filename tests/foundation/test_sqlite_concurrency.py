"""The demo's SQLite under concurrent requests: two people approving at once and an autosave storm get
their answer (done, or the usual refusal), never a 500 "database is locked".

A real server as `make demo` runs it (config.settings.local, runserver, a SQLite file), fed by threads.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from reports.review.secrecy import ALL_POINTS

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from django.test import Client
from agencies.models import Role
from tests.factories import RoleAssignmentFactory, make_district_with_people
from tests.report_factories import AnnualReportFactory

people = make_district_with_people()
other_head = RoleAssignmentFactory(user__username="t.head2", role=Role.DEPT_HEAD, body=people.other_body).user
mine = AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2025,
                           submitted=True)
theirs = AnnualReportFactory(body=people.other_body, reporting_year__district=people.district,
                             reporting_year__year=2025, submitted=True)
draft = AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2024,
                            filled=True)
sessions = {}
for user in (people.head, other_head, people.filler):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    sessions[user.username] = client.cookies["sessionid"].value
print(json.dumps({"sessions": sessions, "mine": mine.pk, "theirs": theirs.pk, "draft": draft.pk}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="false",
               DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", CELERY_BROKER_DIR=str(tmp_path / "broker"),
               DJANGO_MEDIA_ROOT=str(tmp_path / "media"))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    setup = subprocess.run([*manage, "shell", "-v0", "-c", "import json\n" + SETUP], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stderr
    data = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert server.poll() is None, (tmp_path / "server.log").read_text()
        time.sleep(0.2)
    yield port, data, tmp_path / "server.log", env
    server.terminate()
    server.wait(timeout=20)


class Person:
    """One signed-in person: their session cookie and a CSRF token taken from a page, as a browser has."""

    def __init__(self, port: int, session: str):
        self.port, self.cookies = port, {"sessionid": session}

    def request(self, method, path, fields=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        body = urlencode(fields) if fields is not None else None
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookies["csrftoken"] = value.split(";", 1)[0].split("=", 1)[1]
        connection.close()
        return response.status, text

    def page_form(self, path):
        status, html = self.request("GET", path)
        assert status == 200, (path, status)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        version = re.search(r'name="version" value="(\d+)"', html)
        return token, (int(version.group(1)) if version else None)


def test_concurrent_approvals_and_an_autosave_storm_never_give_a_500(demo_server):
    port, data, log, env = demo_server
    head, other_head, filler = (Person(port, data["sessions"][name]) for name in ("t.head", "t.head2", "t.filler"))
    head_token, _ = head.page_form(f"/review/{data['mine']}/")
    other_token, _ = other_head.page_form(f"/review/{data['theirs']}/")
    section = f"/reports/{data['draft']}/sections/s2/"
    filler_token, _ = filler.page_form(section)

    def approve(person, token, pk):
        return person.request("POST", f"/review/{pk}/approve/", [
            ("csrfmiddlewaretoken", token), ("expected_status", "pending_head"), ("comment", "同意。"),
            *(("points", point) for point in ALL_POINTS)])

    def autosave(i):
        _, version = filler.page_form(section)
        return filler.request("POST", section, {
            "csrfmiddlewaretoken": filler_token, "version": version, "cell:s2.t5.r1.c1": str(i)},
            headers={"X-Requested-With": "fetch", "Accept": "application/json"})

    barrier = threading.Barrier(8)

    def at_once(call, *args):
        barrier.wait(timeout=30)
        return call(*args)

    with ThreadPoolExecutor(max_workers=16) as pool:
        jobs = [pool.submit(at_once, approve, head, head_token, data["mine"]),
                pool.submit(at_once, approve, head, head_token, data["mine"]),  # the same button, twice
                pool.submit(at_once, approve, other_head, other_token, data["theirs"])]
        jobs += [pool.submit(at_once, autosave, i) for i in range(5)]
        jobs += [pool.submit(autosave, i) for i in range(5, 60)]
        results = [job.result(timeout=240) for job in jobs]

    statuses = [status for status, _ in results]
    assert not [s for s in statuses if s >= 500], (statuses, log.read_text()[-3000:])
    assert statuses[:3] == [302, 302, 302]  # each approval answered with its page and its message
    saves = [json.loads(text) for status, text in results[3:] if status == 200]
    assert saves and all(body["ok"] for body in saves)
    assert "database is locked" not in log.read_text()
    # Both reports moved on exactly once: the double click was refused as on PostgreSQL.
    query = ("from reports.models import AnnualReport as R; import json; print(json.dumps("
             f"[[r.status, r.events.filter(kind='approved_head').count()] for r in R.objects.filter(pk__in="
             f"[{data['mine']}, {data['theirs']}])]))")
    after = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", query], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert json.loads(after.stdout.strip().splitlines()[-1]) == [["pending_director", 1], ["pending_director", 1]]


def _locked_view(request):
    from django.db import OperationalError

    raise OperationalError("database is locked")


@pytest.mark.parametrize("headers", [{"HTTP_ACCEPT": "application/json", "HTTP_X_REQUESTED_WITH": "fetch"}, {}])
def test_a_lock_timeout_is_refused_like_a_postgresql_lock_conflict(rf, headers):
    from config.middleware import DatabaseBusyMiddleware

    request = rf.post("/reports/1/sections/s2/", **headers)
    middleware = DatabaseBusyMiddleware(_locked_view)
    try:
        _locked_view(request)
    except Exception as exc:
        response = middleware.process_exception(request, exc)
    assert response.status_code == 503 and response["Retry-After"]
    if headers:
        body = json.loads(response.content)
        assert body["ok"] is False and body["busy"] is True and "系统正忙" in body["message"]
    else:
        assert "系统繁忙" in response.content.decode() and "没有丢失" in response.content.decode()


def test_postgresql_lock_and_serialization_conflicts_count_as_busy():
    import psycopg.errors
    from django.db import OperationalError

    from config.middleware import is_database_busy

    for cause in (psycopg.errors.LockNotAvailable(), psycopg.errors.SerializationFailure(),
                  psycopg.errors.DeadlockDetected()):
        error = OperationalError(str(cause))
        error.__cause__ = cause
        assert is_database_busy(error)
    assert not is_database_busy(OperationalError("no such table: x"))
    assert not is_database_busy(ValueError("database is locked"))
