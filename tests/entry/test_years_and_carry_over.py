"""Opening a year: a draft for every active body, the format chosen by year, last year's figures carried."""

from datetime import date

import pytest

from agencies.models import BodyName
from reports.errors import ReportError
from reports.models import AnnualReport, ReportStatus
from reports.selectors import ReportContent
from reports.services import reporting_year_open
from tests.factories import BodyFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


def test_opening_a_year_creates_a_draft_for_every_active_body(people):
    closed = BodyFactory(code="closed", district=people.district, active_to=date(2023, 6, 30))
    later = BodyFactory(code="later", district=people.district, active_from=date(2026, 3, 1))
    year = reporting_year_open(district=people.district, year=2025, by=people.admin)
    assert year.format_version == "2021" and year.deadline == date(2026, 1, 31)
    bodies = set(AnnualReport.objects.filter(reporting_year=year).values_list("body__code", flat=True))
    assert bodies == {"donghuashi", "tiantan"}
    assert closed.code not in bodies and later.code not in bodies
    report = AnnualReport.objects.get(reporting_year=year, body=people.body)
    assert report.status == ReportStatus.DRAFT
    assert sorted(report.sections.values_list("key", flat=True)) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    with pytest.raises(ReportError, match="2025年度已经开启"):
        reporting_year_open(district=people.district, year=2025, by=people.admin)


@pytest.mark.parametrize(("year", "version"), [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2026, "2021")])
def test_the_format_follows_the_year(people, year, version):
    assert reporting_year_open(district=people.district, year=year, by=None).format_version == version


def test_carry_over_fills_last_years_closing_figures_and_marks_them(people):
    last_year = ReportingYearFactory(district=people.district, year=2024)
    last = AnnualReportFactory(reporting_year=last_year, body=people.body, published=True)
    last_values = ReportContent.of(last).values
    year = reporting_year_open(district=people.district, year=2025, by=people.admin)
    report = AnnualReport.objects.get(reporting_year=year, body=people.body)
    values = ReportContent.of(report).values
    for column in "ABCDEF":
        assert values[f"s3.R2.{column}"] == last_values[f"s3.R4.{column}"]
        assert report.carried_over[f"s3.R2.{column}"] == {"from": 2024, "value": last_values[f"s3.R4.{column}"]}
    assert values["s3.R2.G"] == last_values["s3.R4.G"]  # the total is computed from the carried cells
    assert values["s2.t1.r2.c3"] == last_values["s2.t1.r2.c3"]  # 现行有效件数 base
    assert "_missing" not in report.carried_over


def test_missing_previous_report_is_explained(people):
    year = reporting_year_open(district=people.district, year=2025, by=people.admin)
    report = AnnualReport.objects.get(reporting_year=year, body=people.body)
    assert report.carried_over["_missing"] == "没有找到本单位2024年度的报告，上年结转数据请手工填写。"
    assert ReportContent.of(report).values == {}


def test_a_renamed_body_reports_under_the_name_it_had_that_year(people):
    BodyName.objects.create(body=people.body, name="东花市街道（旧称）", valid_from=date(2019, 1, 1),
                            valid_to=date(2020, 12, 31))
    old = reporting_year_open(district=people.district, year=2020, by=None)
    new = reporting_year_open(district=people.district, year=2021, by=None)
    assert AnnualReport.objects.get(reporting_year=old, body=people.body).body_name == "东花市街道（旧称）"
    assert AnnualReport.objects.get(reporting_year=new, body=people.body).body_name == "东花市街道办事处"
    assert str(AnnualReport.objects.get(reporting_year=old, body=people.body)) == \
        "东花市街道（旧称）2020年政府信息公开工作年度报告"
