"""Benchmark: the district summary (区级汇总) and the progress board with 300 bodies × 6 years of
generated reports, against rendering one report's HTML page in the same run.

Starts its own PostgreSQL and Redis (tests/services.py via benchmarks/common.py), generates the
reports with bulk inserts, then times each page through Django's test client (the whole view:
middleware, queries, template) and prints median and p90 time, the ratio of the medians to the
baseline (goal ≤ 3), and the number of queries per page with 20 and with 300 bodies (goal: the same).

    .venv/bin/python benchmarks/summary.py [--repeat 30]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import analyze, generate_district, setup_django, start_services  # noqa: E402


def _events_for_the_open_year(district, year: int) -> None:
    """2025 as a board sees it in January: every state, with a timeline per report."""
    from reports.models import AnnualReport, ReportEvent, ReportStatus
    from reports.publishing.models import ReportPdf

    S, K = ReportStatus, ReportEvent.Kind
    path = [(K.OPENED, "", S.DRAFT), (K.SAVED, "", ""), (K.SUBMITTED, S.DRAFT, S.PENDING_HEAD),
            (K.APPROVED_HEAD, S.PENDING_HEAD, S.PENDING_DIRECTOR),
            (K.APPROVED_DIRECTOR, S.PENDING_DIRECTOR, S.APPROVED), (K.PUBLISHED, S.APPROVED, S.PUBLISHED)]
    states = [S.DRAFT, S.PENDING_HEAD, S.PENDING_DIRECTOR, S.APPROVED, S.PUBLISHED, S.PUBLISHED, S.PUBLISHED]
    reports = list(AnnualReport.objects.filter(reporting_year__district=district, reporting_year__year=year,
                                               events__isnull=True))
    events = []
    for index, report in enumerate(reports):
        status = states[index % len(states)]
        report.status = status
        steps = {S.DRAFT: 2, S.PENDING_HEAD: 3, S.PENDING_DIRECTOR: 4, S.APPROVED: 5, S.PUBLISHED: 6}[status]
        events += [ReportEvent(report=report, kind=k, from_status=f, to_status=t) for k, f, t in path[:steps]]
    AnnualReport.objects.bulk_update(reports, ["status"], batch_size=1000)
    ReportPdf.objects.filter(report__in=[r for r in reports if r.status != S.PUBLISHED]).delete()
    ReportEvent.objects.bulk_create(events, batch_size=2000)


def _measure(client, url: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(ctx.captured_queries)
    for _ in range(2):  # warm up (template loading, format caches)
        client.get(url)
    samples = []
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - start)
    return samples, queries


def _queries(client, urls: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[name] = len(ctx.captured_queries)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    stop = start_services()
    try:
        setup_django()
        from django.test import override_settings

        # The board as its costliest load: the scores computed by the request, not kept ones (reports/health/board.py),
        # as where nothing is kept a while (without Redis: neither the scores nor each report's 内容雷同).
        override_settings(NIANBAO_BOARD_SCORES_FRESH_FOR=0, NIANBAO_SIMILAR_KEPT_FOR=0).enable()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from agencies.models import Role, RoleAssignment
        from reports.models import AnnualReport, ReportingYear

        district = generate_district(20)
        _events_for_the_open_year(district, 2025)
        admin = get_user_model().objects.create_user("bench.admin", password="Bench-Passw0rd!", full_name="压测管理员")
        RoleAssignment.objects.create(user=admin, role=Role.DISTRICT_ADMIN, district=district)
        year = ReportingYear.objects.get(district=district, year=2025)
        one = AnnualReport.objects.filter(reporting_year=year, status="published").order_by("pk").first()
        urls = {
            "one report's HTML page (baseline)": f"/reports/{one.pk}/preview/",
            "district summary": f"/summary/years/{year.pk}/",
            "district summary (approved)": f"/summary/years/{year.pk}/?basis=approved",
            "progress board": f"/district/years/{year.pk}/board/",
        }
        client = Client()
        client.force_login(admin)
        queries_20 = _queries(client, urls)

        generate_district(280, start=20)
        _events_for_the_open_year(district, 2025)
        analyze()
        bodies = AnnualReport.objects.filter(reporting_year=year).count()
        results = {name: _measure(client, url, args.repeat) for name, url in urls.items()}
    finally:
        stop()

    baseline = statistics.median(results[next(iter(urls))][0])
    print(f"Benchmark: district summary and progress board, {bodies} bodies × 6 years, "
          f"{args.repeat} runs each, Django test client against PostgreSQL")
    failures = []
    for name, (samples, queries) in results.items():
        median = statistics.median(samples)
        p90 = sorted(samples)[int(0.9 * (len(samples) - 1))]
        ratio = median / baseline
        same = queries == queries_20[name]
        line = (f"  {name:38} median {median * 1000:7.1f} ms, p90 {p90 * 1000:7.1f} ms, ratio {ratio:4.2f}; "
                f"queries {queries_20[name]} with 20 bodies, {queries} with {bodies} ({'same' if same else 'DIFFERENT'})")
        print(line)
        if name != next(iter(urls)) and (ratio > 3 or not same):
            failures.append(name)
    print("  goal: ratio ≤ 3 and the same query count for 20 and for 300 bodies: "
          + ("met" if not failures else "NOT met for " + ", ".join(failures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
