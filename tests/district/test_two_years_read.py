"""Every page of a report compares it with the body's report of the year before; both years' content
is read in one query (selectors.contents_of_two_years), and what it reads is what reading each on its
own (ReportContent.of, previous_report) gives, in every case a body's history can be in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import ReportSection
from reports.selectors import ReportContent, contents_of_two_years, previous_report
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


def _as_read(content):
    return None if content is None else (content.values, content.texts, content.raw,
                                          {key: (s.pk, s.content_digest) for key, s in content.sections.items()})


def _each_on_its_own(report):
    previous = previous_report(report)
    return _as_read(ReportContent.of(report)), previous, _as_read(ReportContent.of(previous) if previous else None)


def _together(report):
    content, previous, prev_content = contents_of_two_years(report)
    return _as_read(content), previous, _as_read(prev_content)


def test_both_years_in_one_query_as_each_read_on_its_own(pair):
    last, this = pair
    ReportSection.objects.filter(report=this, key="s3").update(raw={"s3.x": "十二"})
    with CaptureQueriesContext(connection) as queries:
        content, previous, prev_content = _together(this)
    assert len(queries) == 1
    assert previous == last and previous.year == 2024
    assert (content, previous, prev_content) == _each_on_its_own(this)
    assert content[2] == {"s3.x": "十二"} and prev_content[0] and prev_content[0] != content[0]


def test_the_first_year_has_nothing_before_it(pair):
    last, _this = pair
    assert _together(last) == _each_on_its_own(last) == (_together(last)[0], None, None)


def test_a_report_of_last_year_without_sections_is_still_last_years_report(pair):
    last, this = pair
    ReportSection.objects.filter(report=last).delete()
    content, previous, prev_content = _together(this)
    assert previous == last and prev_content == _as_read(ReportContent.of(last))
    assert (content, previous, prev_content) == _each_on_its_own(this)


def test_another_bodys_reports_and_a_later_year_are_not_read(pair, people):
    last, this = pair
    AnnualReportFactory(reporting_year=last.reporting_year, body=people.other_body, filled=True, sections__seed=5)
    AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2026), body=people.body,
                        filled=True, sections__seed=6)
    assert _together(this) == _each_on_its_own(this)
    assert _together(this)[1] == last
