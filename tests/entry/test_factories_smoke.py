import pytest

from reports.formats import rules as format_rules
from reports.selectors import ReportContent, report_check
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [2020, 2025])
def test_filled_factory_reports_pass_every_hard_rule_and_are_complete(year):
    report = AnnualReportFactory(filled=True, reporting_year__year=year, submitted=True)
    check = report_check(report)
    assert check.hard_failures == [] and check.complete
    assert report.sections.count() == 6
    assert ReportContent.of(report).values["s3.R1.G"] >= 0


def test_empty_report_is_incomplete():
    report = AnnualReportFactory()
    check = report_check(report)
    assert not check.complete
    assert not check.progress["s3"].complete
    assert format_rules.hard_failures(check.results) == []
