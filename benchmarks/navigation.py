"""Benchmark: what the navigation costs a 部门负责人 with 1, 10 and 100 reports waiting, on a full page
and on the 2-second status poll (a fragment: no navigation at all).

Starts its own PostgreSQL and Redis (benchmarks/common.py), generates the reports with bulk inserts,
then requests each page through Django's test client and prints the queries per request and the
median time as a ratio to the 1-report case (goal: the same queries, ratio ≈ 1).

    .venv/bin/python benchmarks/navigation.py [--repeat 20]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import generate_district, setup_django, start_services  # noqa: E402


def _waiting(head, district, count: int) -> int:
    """Make `count` reports of 2025 wait for `head` (部门负责人 of their bodies); returns one report id."""
    from datetime import date

    from agencies.models import Role, RoleAssignment
    from reports.models import AnnualReport, ReportEvent, ReportStatus

    S, K = ReportStatus, ReportEvent.Kind
    reports = list(AnnualReport.objects.filter(reporting_year__district=district, reporting_year__year=2025)
                   .exclude(status=S.PENDING_HEAD).order_by("pk")[:count])
    for report in reports:
        report.status = S.PENDING_HEAD
    AnnualReport.objects.bulk_update(reports, ["status"])
    ReportEvent.objects.bulk_create(
        [ReportEvent(report=r, kind=K.SUBMITTED, from_status=S.DRAFT, to_status=S.PENDING_HEAD) for r in reports])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=head, role=Role.DEPT_HEAD, body_id=r.body_id,
                                                       start_date=date(2020, 1, 1)) for r in reports])
    return reports[0].pk


def _measure(client, url, repeat, **headers):
    from django.db import connection

    assert client.get(url, headers=headers).status_code == 200
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, headers=headers)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
    return len(queries), statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    stop = start_services()
    try:
        setup_django()
        from django.test import Client

        from agencies.models import User

        district = generate_district(120, years=[2025])
        head = User.objects.create_user("bench.head", password="x", full_name="部门负责人")
        client = Client()
        client.force_login(head)
        rows, waited = [], 0
        for total in (1, 10, 100):
            report_id = _waiting(head, district, total - waited)
            waited = total
            page = _measure(client, "/workspace/", args.repeat)
            poll = _measure(client, f"/review/{report_id}/status/?seen=pending_head", args.repeat,
                            **{"X-Nianbao-Poll": "1", "HX-Request": "true"})
            rows.append((total, page, poll))
        base_page, base_poll = rows[0][1][1], rows[0][2][1]
        print(f"{'waiting':>8} {'page queries':>13} {'page ratio':>11} {'poll queries':>13} {'poll ratio':>11}")
        for total, (page_q, page_t), (poll_q, poll_t) in rows:
            print(f"{total:>8} {page_q:>13} {page_t / base_page:>11.2f} {poll_q:>13} {poll_t / base_poll:>11.2f}")
    finally:
        stop()


if __name__ == "__main__":
    main()
