"""Shared by the benchmark scripts: real PostgreSQL and Redis, Django set up, generated reports."""

import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_services():
    from tests.services import _started, start_postgres, start_redis

    root = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    os.chmod(root, 0o755)
    os.environ["DATABASE_URL"] = start_postgres(root)
    os.environ["REDIS_URL"] = start_redis(root)
    os.environ["DJANGO_MEDIA_ROOT"] = str(root / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

    def stop():
        for proc in reversed(_started):
            proc.terminate()
            proc.wait(timeout=15)
        shutil.rmtree(root, ignore_errors=True)

    return stop


def setup_django():
    import django
    from django.core.management import call_command

    django.setup()
    # The benchmark database is the cluster's own "nianbao" database; create it.
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", verbosity=0)


def analyze() -> None:
    """Statistics for the freshly bulk-loaded tables, as autovacuum gives a real database: without
    them PostgreSQL takes a few rows for every table and picks plans no production database would
    (the board's published versions: a nested loop over every report of the year for each version,
    24 ms instead of 1)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def generate_district(n_bodies: int, years=range(2020, 2026), *, start: int = 0, code: str = "110101",
                      name: str = "北京市东城区", city=None):
    """n bodies × the years, every report filled (bulk inserts: this is set-up, not what is measured)."""
    from django.utils import timezone

    from agencies.models import Body, BodyKind, District
    from reports.generate import as_json, plausible_texts, plausible_values
    from reports.models import AnnualReport, ReportingYear, ReportSection, ReportStatus
    from reports.publishing.models import ReportPdf
    from reports.publishing.search import format_text

    district, _ = District.objects.get_or_create(code=code, defaults={"name": name, "city": city})
    prefix = "b" if code == "110101" else f"d{code}-"
    bodies = Body.objects.bulk_create([
        Body(district=district, code=f"{prefix}{i:04d}", name=f"{name[3:] if city else ''}第{i}街道办事处",
             kind=BodyKind.STREET_OFFICE, sort_order=i)
        for i in range(start, start + n_bodies)
    ])
    rng = random.Random(n_bodies)
    for year in years:
        reporting_year, _ = ReportingYear.objects.get_or_create(
            district=district, year=year,
            defaults={"format_version": "2019" if year <= 2020 else "2021", "deadline": ReportingYear.default_deadline(year)},
        )
        fmt = reporting_year.format
        labels = format_text(fmt)  # the headings, captions and labels every published version holds
        reports = AnnualReport.objects.bulk_create([
            AnnualReport(reporting_year=reporting_year, body=b, body_name=b.name, status=ReportStatus.PUBLISHED)
            for b in bodies
        ])
        sections, versions = [], []
        for report in reports:
            values = plausible_values(fmt, rng)
            data = as_json(fmt, values)
            texts = plausible_texts(fmt, values, body_name=report.body_name, year=year)
            for section in fmt.sections:
                ids = {c.id for t in section.tables for c in t.cells()}
                sections.append(ReportSection(
                    report=report, key=section.key, values={k: v for k, v in data.items() if k in ids},
                    texts={k: v for k, v in texts.items() if k.startswith(section.key + ".")},
                ))
            # Published: version 1 with its snapshot (what the portal and the summary read).
            versions.append(ReportPdf(
                report=report, version=1, status=ReportPdf.Status.DONE, file=f"bench/{report.pk}.pdf",
                sha256="0" * 64, published_at=timezone.now(),
                search_text="\n".join([report.body_name, f"{report.body_name}{year}年政府信息公开工作年度报告",
                                        *texts.values(), labels]),
                content={"title": report.body_name, "body_name": report.body_name, "year": year,
                         "format": fmt.key, "values": data, "texts": texts},
            ))
        ReportSection.objects.bulk_create(sections, batch_size=2000)
        ReportPdf.objects.bulk_create(versions, batch_size=1000)
    return district


def summarise(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered), p99
