import datetime

import pytest
from django.utils import timezone

from reports.models import ReportSection
from tests.report_factories import AnnualReportFactory, ReportingYearFactory


@pytest.fixture
def open_year(people):
    """2025's reports, due in a month (so a draft is not late)."""
    return ReportingYearFactory(district=people.district, year=2025,
                                deadline=timezone.localdate() + datetime.timedelta(days=30))


@pytest.fixture
def clean_report(people, open_year):
    """A generated report with every part written: it scores full marks."""
    return AnnualReportFactory(body=people.body, reporting_year=open_year, filled=True)


def edit(report, key, *, texts=None, values=None):
    """Change one section's stored content (texts/values merged into what is there)."""
    section = ReportSection.objects.get(report=report, key=key)
    section.texts = {**section.texts, **(texts or {})}
    section.values = {**section.values, **(values or {})}
    section.save()
