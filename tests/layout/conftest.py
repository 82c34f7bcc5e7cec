import pytest

from reports.publishing.tasks import publish
from tests.report_factories import AnnualReportFactory, ReportingYearFactory


@pytest.fixture
def season(people):
    """2024 published for the filler's body (the portal's report pages); 2025 in progress: the filler's body
    has a draft with content, the other body is published (the portal's current year); 2023's report of the
    filler's body waits for its head (the reviewers' inbox)."""
    waiting = ReportingYearFactory(district=people.district, year=2023)
    AnnualReportFactory(reporting_year=waiting, body=people.body, submitted=True)
    previous = ReportingYearFactory(district=people.district, year=2024)
    current = ReportingYearFactory(district=people.district, year=2025)
    old = AnnualReportFactory(reporting_year=previous, body=people.body, approved=True)
    assert publish(old.pk) == "published"
    other = AnnualReportFactory(reporting_year=current, body=people.other_body, approved=True)
    assert publish(other.pk) == "published"
    draft = AnnualReportFactory(reporting_year=current, body=people.body, filled=True)
    old.refresh_from_db()
    other.refresh_from_db()
    return {"previous": previous, "current": current, "published": old, "current_published": other,
            "draft": draft}
