"""Demo reports: the last season filled in for every body (published by reports.publishing.demo), the
current season open with its carry-over (moved along by reports.review.demo).

Idempotent: a year that is already open is left as it is.
"""

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from agencies.demo import DEMO_DISTRICT_CODES
from agencies.models import District

from .formats import rules as format_rules
from .generate import as_json, plausible_texts, plausible_values
from .models import AnnualReport, ReportingYear, ReportSection
from .selectors import ReportContent, previous_report
from .services import reporting_year_open


def fill_report(report: AnnualReport, rng: random.Random) -> None:
    """Fill every section with content that passes the hard rules (keeping the carry-over)."""
    fmt = report.format
    carried = {k: v for k, v in ReportContent.of(report).values.items() if k in report.carried_over}
    previous = previous_report(report)
    values = plausible_values(
        fmt, rng, carried=carried,
        previous=ReportContent.of(previous).values if previous else None,
        previous_version=previous.reporting_year.format_version if previous else None,
    )
    texts = plausible_texts(fmt, values, body_name=report.body_name, year=report.year)
    data = as_json(fmt, values)
    for section in ReportSection.objects.filter(report=report):
        ids = {c.id for t in fmt.section(section.key).tables for c in t.cells()}
        section.values = {k: v for k, v in data.items() if k in ids}
        section.texts = {k: v for k, v in texts.items() if k.split(".")[0] == section.key}
        section.save()
    assert not format_rules.hard_failures(format_rules.evaluate(fmt, values)), report


def demo_seasons(today: date | None = None) -> tuple[int, int]:
    """(last season, current season) on `today`. The reports on year Y are due on 31 January of Y+1:
    until then Y is the season in progress; from 1 February the next one is. So on 2 December 2026
    the demo shows 2025 published and 2026 in progress (due 2027-01-31), and on 1 February 2027,
    2026 published and 2027 in progress: the demo stays right in later years."""
    today = today or timezone.localdate()
    current = today.year - 1 if today <= date(today.year, 1, 31) else today.year
    return current - 1, current


@transaction.atomic
def seed():
    last_season, current = demo_seasons()
    rng = random.Random(2026)
    for district in District.objects.filter(code__in=DEMO_DISTRICT_CODES).order_by("code"):
        last = ReportingYear.objects.filter(district=district, year=last_season).first()
        if last is None:
            last = reporting_year_open(district=district, year=last_season, by=None)
            for report in last.reports.select_related("body", "reporting_year"):
                fill_report(report, rng)
        if not ReportingYear.objects.filter(district=district, year=current).exists():
            reporting_year_open(district=district, year=current, by=None, deadline=date(current + 1, 1, 31))
    return []
