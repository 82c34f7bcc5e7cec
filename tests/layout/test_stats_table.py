"""A statistics table, read-only (reports/templatetags/stats.py, built with format_html) and on the
filler's entry page (its template, which takes the header rows and row labels from the same tags):
the same headers, labels and cells in the same places, everything escaped."""

import dataclasses

import pytest
from django.template.loader import render_to_string
from pyquery import PyQuery

from reports.publishing.document import AnnualReportDocument
from reports.templatetags.stats import stats_table
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year, version", [(2020, "2019"), (2025, "2021")])
def test_read_only_and_entry_tables_have_the_same_headers_labels_and_cells(people, year, version):
    report = AnnualReportFactory(body=people.body, filled=True,
                                 reporting_year=ReportingYearFactory(district=people.district, year=year,
                                                                     format_version=version))
    tables = [t for section in AnnualReportDocument(report).sections for t in section.tables]
    assert len(tables) >= 5
    for table in tables:
        shown = PyQuery(str(stats_table(table)))
        entry = PyQuery(render_to_string("reports/includes/stats_table.html", {"table": table}))
        assert shown("table").attr("id") == entry("table").attr("id") == f"table-{table.key.replace('.', '')}"
        assert shown("thead").html().strip() == entry("thead").html().strip()
        assert [th.attrib for th in shown("tbody th")] == [th.attrib for th in entry("tbody th")]
        assert shown("tbody th").text() == entry("tbody th").text()
        assert [td.get("data-cell") for td in shown("tbody td")] == [i.get("data-cell") for i in entry("tbody [data-cell]")]
        values = {i.get("data-cell"): i.get("value", i.text) for i in entry("tbody [data-cell]")}
        assert {td.get("data-cell"): td.text or "" for td in shown("tbody td")} == {k: v or "" for k, v in values.items()}
        assert len(shown("tbody tr")) == len(table.rows) and shown("caption").text() == (table.caption or "")


def test_a_read_only_table_escapes_what_it_prints_and_links_a_drilled_cell(people):
    report = AnnualReportFactory(body=people.body, filled=True,
                                 reporting_year=ReportingYearFactory(district=people.district, year=2025))
    table = next(t for s in AnnualReportDocument(report).sections for t in s.tables if t.key == "s3")
    row = dataclasses.replace(table.rows[0], cells=[
        dataclasses.replace(c, href=f"/summary/?cell={c.id}&x=<b>", label='自然人"<i>') for c in table.rows[0].cells])
    html = str(stats_table(dataclasses.replace(table, rows=[row], caption="表<一>", note="说明&<注>")))
    assert "<b>" not in html and "<i>" not in html and "表&lt;一&gt;" in html and "说明&amp;&lt;注&gt;" in html
    link = PyQuery(html)("tbody td a").eq(0)
    assert link.attr("href") == f"/summary/?cell={row.cells[0].id}&x=<b>"
    assert link.attr("aria-label") == f'自然人"<i>：{row.cells[0].text}，查看各单位数值' and link.text() == row.cells[0].text
