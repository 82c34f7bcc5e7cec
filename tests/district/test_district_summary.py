"""The district summary: computed in the database, it equals the sum of each report computed
independently in Python; the hard rules are checked on the sums; drill-down, missing bodies,
XLSX in the official layout, the command line."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.formats.base import CellType
from reports.models import AnnualReport, ReportSection, ReportStatus
from reports.publishing.models import ReportPdf
from reports.selectors import ReportContent
from reports.summary.summary import cell_breakdown, district_summary
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


def _independent_sums(reporting_year, statuses):
    fmt = reporting_year.format
    sums = {cell_id: (Decimal("0") if cell.type is CellType.MONEY else 0) for cell_id, cell in fmt.cells().items()}
    for report in AnnualReport.objects.filter(reporting_year=reporting_year, status__in=statuses):
        for cell_id, value in ReportContent.of(report).values.items():
            sums[cell_id] += value
    return sums


@pytest.mark.parametrize("basis,statuses,count", [
    ("published", {ReportStatus.PUBLISHED}, 8),
    ("approved", {ReportStatus.APPROVED, ReportStatus.PUBLISH_FAILED, ReportStatus.PUBLISHED}, 10),
])
def test_summary_equals_the_sum_of_each_report(year_with_reports, basis, statuses, count):
    summary = district_summary(year_with_reports, basis=basis)
    assert len(summary.bodies) == count
    expected = _independent_sums(year_with_reports, statuses)
    assert summary.sums == expected
    assert any(v for v in expected.values())  # the data is not all zeros
    assert any(isinstance(v, Decimal) and v for v in expected.values())  # money summed as Decimal
    assert summary.rules and all(r.ok for r in summary.rules)  # sums of valid reports keep the rules
    missing = {m.name: m.status for m in summary.missing}
    assert len(missing) == 12 - count and missing["生成9街道办事处"] == "草稿"


def test_summary_is_one_query_per_table_whatever_the_number_of_bodies(year_with_reports):
    fmt = year_with_reports.format
    with CaptureQueriesContext(connection) as few:
        district_summary(year_with_reports)
    for i in range(15):
        AnnualReportFactory(reporting_year=year_with_reports, body__district=year_with_reports.district,
                            published=True, sections__seed=500 + i)
    with CaptureQueriesContext(connection) as many:
        summary = district_summary(year_with_reports)
    assert len(summary.bodies) == 23
    assert len(few) == len(many) <= len(fmt.tables()) + 4
    aggregates = [q["sql"] for q in many.captured_queries if "SUM(" in q["sql"].upper()]
    assert len(aggregates) == len(fmt.tables())


def test_broken_sums_are_reported(year_with_reports):
    """An imported report published with a wrong total makes the summed totals disagree too."""
    report = AnnualReport.objects.filter(reporting_year=year_with_reports, status=ReportStatus.PUBLISHED).first()
    # Imported history without a rendered version: it counts by its imported sections.
    ReportPdf.objects.filter(report=report).delete()
    AnnualReport.objects.filter(pk=report.pk).update(imported=True)
    section = ReportSection.objects.get(report=report, key="s3")
    section.values["s3.R1.G"] += 7
    section.save()
    summary = district_summary(year_with_reports)
    failed = [r for r in summary.rules if not r.ok]
    assert failed and any("s3.R1.G" in r.cells for r in failed)
    assert json.loads(json.dumps(summary.as_json()))["rules"]


def test_drilldown_adds_up_to_the_summary(year_with_reports):
    summary = district_summary(year_with_reports)
    for cell_id in ("s3.R1.A", "s2.t8.r1.c1", "s4.R1.E"):
        if cell_id not in year_with_reports.format.cells():
            continue
        values = cell_breakdown(year_with_reports, cell_id)
        assert len(values) == 8
        assert sum(v.value for v in values) == summary.sums[cell_id]


def test_command_json(year_with_reports, tmp_path):
    out = io.StringIO()
    target = tmp_path / "summary.xlsx"
    call_command("district_summary", "--year", "2025", "--json", "--xlsx", str(target), stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) >= {"year", "bodies", "missing", "cells", "rules"}
    assert data["year"] == 2025 and data["bodies"] == 8 and len(data["missing"]) == 4
    summary = district_summary(year_with_reports)
    assert data["cells"]["s3.R1.G"] == summary.sums["s3.R1.G"]
    assert data["cells"]["s2.t8.r1.c1"] == str(summary.sums["s2.t8.r1.c1"])
    assert all({"id", "ok", "message"} <= set(r) for r in data["rules"])
    wb = load_workbook(target)
    assert "全部单位" in wb.sheetnames


def test_xlsx_has_the_official_layout_and_every_body(client, people, year_with_reports):
    client.force_login(people.admin)
    response = client.get(reverse("summary:xlsx", args=[year_with_reports.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    fmt = year_with_reports.format
    summary = district_summary(year_with_reports)
    assert len(wb.sheetnames) == 1 + len(fmt.tables()) + 1  # 说明, one per table, all bodies
    sheet = next(wb[name] for name in wb.sheetnames if any(
        c.value == "申请人情况" for row in wb[name].iter_rows(max_row=6) for c in row))
    spans = {sheet.cell(r.min_row, r.min_col).value: (r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
             for r in sheet.merged_cells.ranges}
    assert spans["申请人情况"] == (1, 7) and spans["法人或其他组织"] == (1, 5) and spans["自然人"] == (2, 1)
    label_width = fmt.table("s3").row_label_width()
    first_data_row = next(r for r in range(1, sheet.max_row + 1)
                          if isinstance(sheet.cell(r, label_width + 1).value, int))
    assert sheet.cell(first_data_row, label_width + 7).value == summary.sums["s3.R1.G"]
    bodies = wb["全部单位"]
    ids = [c.value for c in bodies[2]]
    names = [row[0].value for row in bodies.iter_rows(min_row=3)]
    assert len(names) == 9 and names[-1] == "合计"
    column = ids.index("s3.R1.G")
    assert bodies.cell(bodies.max_row, column + 1).value == summary.sums["s3.R1.G"]
    assert sum(bodies.cell(r, column + 1).value for r in range(3, bodies.max_row)) == summary.sums["s3.R1.G"]


def test_summary_page_shows_sums_missing_and_switch(client, people, year_with_reports):
    client.force_login(people.admin)
    summary = district_summary(year_with_reports, basis="approved")
    html = client.get(reverse("summary:summary", args=[year_with_reports.pk]) + "?basis=approved").content.decode()
    assert "共 <strong>10</strong> 个单位" in html
    assert 'data-cell="s3.R1.G">' in html and summary.text("s3.R1.G") in html
    assert "生成9街道办事处" in html and "全部" in html and "均通过" in html
    url = reverse("summary:drilldown", args=[year_with_reports.pk, "s3.R1.G"]) + "?basis=approved"
    drill = client.get(url).content.decode()
    assert f'id="drilldown-total">{summary.text("s3.R1.G")}<' in drill
    assert client.get(reverse("summary:drilldown", args=[year_with_reports.pk, "nope"])).status_code == 404


@pytest.mark.parametrize("basis", ["published", "approved"])
def test_postgres_and_portable_aggregates_agree(year_with_reports, basis):
    from reports.summary.summary import _table_sums_orm, _table_sums_postgres

    for table in year_with_reports.format.tables():
        section = table.key.split(".")[0]
        fast = _table_sums_postgres(year_with_reports, section, table.cells(), basis)
        portable = _table_sums_orm(year_with_reports, section, table.cells(), basis)
        assert any(fast.values())
        assert {k: Decimal(v) for k, v in fast.items()} == {k: Decimal(v) for k, v in portable.items() if k in fast}
        assert all(not v for k, v in portable.items() if k not in fast)


@pytest.mark.parametrize("basis", ["published", "approved"])
def test_a_report_under_correction_still_counts_with_its_published_version(year_with_reports, people, client,
                                                                             basis):
    """Issue 11 item 10: the portal shows version 1 during a correction, and so does the summary."""
    from reports.publishing.services import report_reopen

    report = AnnualReport.objects.get(reporting_year=year_with_reports, body=people.body)
    published = ReportContent.of(report).values
    before = district_summary(year_with_reports, basis=basis)
    report_reopen(report=report, by=people.admin, reason="更正第三部分的数字")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    section = ReportSection.objects.get(report=report, key="s3")  # the filler is changing the figures
    section.values["s3.R1.A"] = published["s3.R1.A"] + 1000
    section.save()

    after = district_summary(year_with_reports, basis=basis)
    assert after.sums == before.sums
    assert (report.pk, report.body_name) in after.bodies and len(after.bodies) == len(before.bodies)
    assert report.body_name not in [m.name for m in after.missing]
    breakdown = {v.report_id: v.value for v in cell_breakdown(year_with_reports, "s3.R1.A", basis=basis)}
    assert breakdown[report.pk] == published["s3.R1.A"]
    assert sum(breakdown.values()) == after.sums["s3.R1.A"]

    client.force_login(people.admin)
    page = client.get(reverse("summary:summary", args=[year_with_reports.pk]) + f"?basis={basis}").content.decode()
    assert f"共 <strong>{len(before.bodies)}</strong> 个单位" in page
    assert 'data-cell="s3.R1.A"><a href' in page and before.text("s3.R1.A") in page
    sheet = load_workbook(io.BytesIO(client.get(
        reverse("summary:xlsx", args=[year_with_reports.pk]) + f"?basis={basis}").content))["全部单位"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == report.body_name)
    ids = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "（单元格编号）")
    assert row[ids.index("s3.R1.A")] == published["s3.R1.A"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_summary_workbook_explains_rules_in_words(page, live_server, people, login):
    """The 说明 sheet shows each rule's description from the format definition, never its id."""
    from reports.formats.blocks import describe_rule

    year = ReportingYearFactory(district=people.district, year=2025)
    AnnualReportFactory(reporting_year=year, body=people.body, published=True)
    login(page, people.admin)
    page.get_by_role("link", name="汇总", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()))["说明"]
    rows = list(sheet.iter_rows(values_only=True))
    start = rows.index(("勾稽关系校验（按汇总数）", "结果")) + 1
    fmt = year.format
    rules = {rule.id: rule for rule in fmt.rules}
    described = [row[0] for row in rows[start:] if row[0]]
    assert described == [describe_rule(fmt, rules[r.rule_id]) for r in district_summary(year).rules]
    assert not [text for row in rows for text in row if text in rules]
    assert not [text for text in described if re.match(r"^(sum|balance|cross_year|text)\.", text)]
    assert "一、本年新收政府信息公开申请数量·总计 = 各分项之和（6 项）" in described
