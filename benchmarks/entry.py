"""Benchmark: the 2021 section 三 entry page (GET and autosave POST) through gunicorn on loopback.

Prints median and p99 latency of each, and their ratio to a minimal Django page listing 200 rows
served by the same gunicorn in the same run (goal: ratio ≤ 2); and the number of database queries
per page with 20 and with 300 bodies × 6 years of reports (goal: the same).

    .venv/bin/python benchmarks/entry.py [--requests 200]
"""

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from common import ROOT, generate_district, setup_django, start_services, summarise


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _query_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    stop = start_services()
    try:
        setup_django()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from agencies.models import Body, Role, RoleAssignment
        from reports.models import AnnualReport

        generate_district(20)
        body = Body.objects.get(code="b0000")
        user = get_user_model().objects.create_user("bench.filler", password="Bench-Passw0rd!", full_name="压测")
        RoleAssignment.objects.create(user=user, role=Role.FILLER, body=body)
        report = AnnualReport.objects.get(body=body, reporting_year__year=2025)
        report.status = "draft"
        report.save()
        url = f"/reports/{report.pk}/sections/s3/"
        client = Client()
        client.force_login(user)
        queries_20 = _query_count(client, url)
        generate_district(280, start=20)
        queries_300 = _query_count(client, url)

        port = _free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
               "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'benchmarks'}"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "benchmarks.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--log-level", "warning"], cwd=ROOT, env=env,
        )
        try:
            _wait(port)
            session = client.cookies["sessionid"].value
            results = _measure(port, session, url, args.requests)
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        stop()

    base_med, base_p99 = summarise(results["baseline"])
    print("Benchmark: section 三 entry page (2021 format, 25×7 cells) via gunicorn, 2 workers, loopback")
    print(f"  requests per kind: {args.requests}")
    print(f"  baseline (200-row page): median {base_med * 1000:.1f} ms, p99 {base_p99 * 1000:.1f} ms")
    for kind in ("get", "post"):
        med, p99 = summarise(results[kind])
        print(f"  {kind.upper():4} section 三: median {med * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms; "
              f"ratio to baseline: median {med / base_med:.2f}, p99 {p99 / base_p99:.2f} (goal ≤ 2)")
    print(f"  queries per GET: {queries_20} with 20 bodies × 6 years, {queries_300} with 300 bodies × 6 years "
          f"({'same' if queries_20 == queries_300 else 'DIFFERENT'})")


def _wait(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _request(conn, method, path, session, body=None, headers=None):
    cookie = f"sessionid={session}; csrftoken=benchcsrftokenbenchcsrftokenbenc"
    all_headers = {"Cookie": cookie, "Host": "127.0.0.1", **(headers or {})}
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - start
    if response.status not in (200, 302):
        raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
    return elapsed, payload


def _measure(port, session, url, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    results = {"baseline": [], "get": [], "post": []}
    _, page = _request(conn, "GET", url, session)
    version = int(re.search(rb'name="version" value="(\d+)"', page).group(1))
    for _ in range(3):  # warm up both workers
        _request(conn, "GET", "/bench/rows/", session)
        _request(conn, "GET", url, session)
    for i in range(n):
        results["baseline"].append(_request(conn, "GET", "/bench/rows/", session)[0])
        results["get"].append(_request(conn, "GET", url, session)[0])
        form = {"version": version, "csrfmiddlewaretoken": "benchcsrftokenbenchcsrftokenbenc",
                "cell:s3.R1.A": str(i % 7), "cell:s3.R3_1.A": str(i % 7)}
        elapsed, payload = _request(
            conn, "POST", url, session, body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "fetch",
                     "Referer": f"http://127.0.0.1:{port}{url}"},
        )
        version = int(re.search(rb'"version": (\d+)', payload).group(1))
        results["post"].append(elapsed)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
