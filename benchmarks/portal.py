"""Benchmark: the public portal at city scale (issue 14.3): 16 districts × 300 bodies × 7 years
(33,600 published reports), against a single report's page in the same run.

Starts its own PostgreSQL and Redis (benchmarks/common.py), first generates one district of 20
bodies and counts each page's queries, then grows it to the city (bulk inserts, then ANALYZE as
autovacuum would) and times each page through Django's test client (the whole view: middleware,
queries, template; no cache in front). Prints per page the median and p90, the ratio of the median
to the report page's (goal ≤ 3) and the query count with 20 reports and at city scale (goal: the
same). The last line reads `portal: goal met` or names the pages that miss it.

    .venv/bin/python benchmarks/portal.py [--repeat 20] [--districts 16] [--bodies 300]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import generate_district, setup_django, start_services  # noqa: E402

YEARS = range(2019, 2026)  # 7 years


def _count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _time(client, url: str, repeat: int) -> list[float]:
    for _ in range(2):  # warm up (templates, format caches)
        client.get(url)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--bodies", type=int, default=300)
    args = parser.parse_args()
    stop = start_services()
    try:
        setup_django()
        from django.db import connection
        from django.test import Client

        from agencies.models import City
        from reports.models import AnnualReport

        city = City.objects.create(code="110000", name="北京市")
        generate_district(20, YEARS, city=city)
        one = AnnualReport.objects.filter(reporting_year__year=2025).order_by("pk").first()
        urls = {
            "one report's page (baseline)": f"/portal/reports/{one.pk}/",
            "year page (the city)": "/portal/?year=2025",
            "year page (one district)": "/portal/?year=2025&district=110101",
            "year page, page 3": "/portal/?year=2025&page=3",
            "search (a body)": "/portal/?year=2025&q=第7街道",
            "search (the full text)": "/portal/?year=2025&q=主动公开",
            "report open data (JSON)": f"/portal/reports/{one.pk}/data.json",
            "report open data (CSV)": f"/portal/reports/{one.pk}/data.csv",
            "archive": "/portal/archive/",
            "feed": "/portal/feed.atom",
        }
        client = Client()
        small = {name: _count(client, url) for name, url in urls.items()}
        started = time.perf_counter()
        generate_district(args.bodies - 20, YEARS, start=20, city=city)
        for index in range(1, args.districts):
            code = f"1101{index + 1:02d}"
            generate_district(args.bodies, YEARS, code=code, name=f"北京市第{index + 1}区", city=city)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        generated = time.perf_counter() - started
        reports = AnnualReport.objects.count()
        large = {name: _count(client, url) for name, url in urls.items()}
        results = {name: _time(client, url, args.repeat) for name, url in urls.items()}
    finally:
        stop()

    baseline_name = next(iter(urls))
    baseline = statistics.median(results[baseline_name])
    print(f"Benchmark: the portal with {reports} published reports ({args.districts} districts × {args.bodies} "
          f"bodies × {len(YEARS)} years, generated in {generated:.0f} s), {args.repeat} runs each, Django test "
          "client against PostgreSQL")
    missed = []
    for name, samples in results.items():
        median = statistics.median(samples)
        p90 = sorted(samples)[int(0.9 * (len(samples) - 1))]
        ratio = median / baseline
        same = small[name] == large[name]
        print(f"  {name:30} median {median * 1000:7.1f} ms, p90 {p90 * 1000:7.1f} ms, ratio {ratio:4.2f}; "
              f"queries {small[name]} with 20 bodies, {large[name]} with {reports} reports "
              f"({'same' if same else 'DIFFERENT'})")
        if name != baseline_name and (ratio > 3 or not same):
            missed.append(name)
    print("portal: goal (ratio ≤ 3, the same queries) " + ("met" if not missed else "NOT met for " + ", ".join(missed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
