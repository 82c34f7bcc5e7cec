"""In Chromium: the filler reads the year-over-year and 内容雷同 warnings on the overview and opens
逐项对比全部; the district administrator opens a year's summary from 报告年度 and reads the bodies'
图解 tables (rows written by template tags, reports/templatetags)."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import ReportSection
from reports.summary.summary import all_bodies_values, district_summary
from tests.report_factories import AnnualReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COPIED = ("本单位重点公开了义务教育招生、学位分配和课后服务收费等信息，家长可在区教委网站和微信公众号查询，"
          "招生季前后还举办了三场线上政策解读直播，回答家长提问二百余条。")


def _set(report, key, values=None, texts=None):
    section = ReportSection.objects.get(report=report, key=key)
    section.values.update(values or {})
    section.texts.update(texts or {})
    section.save()


def test_the_filler_reads_the_warnings_and_every_cell_beside_last_year(page, live_server, people, login, pair):
    last, this = pair
    other = AnnualReportFactory(reporting_year=this.reporting_year, body=people.other_body, filled=True,
                                sections__seed=3)
    _set(last, "s2", {"s2.t6.r1.c1": 10})
    _set(this, "s2", {"s2.t6.r1.c1": 45})
    _set(other, "s6", texts={"s6.p0": COPIED})
    _set(this, "s6", texts={"s6.p0": COPIED})
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/")
    page.locator(f'a[href="/reports/{this.pk}/"]').first.click()  # its row of 2025 (2024's is listed too)
    expect(page.locator("#similar-texts")).to_contain_text(f"与{people.other_body.name}的相应内容 100% 相同")
    expect(page.locator('#yoy-flags tr[data-cell="s2.t6.r1.c1"]')).to_contain_text("+35")
    every = page.locator("#yoy-all")
    expect(every).to_be_hidden()
    page.get_by_text(re.compile(r"逐项对比全部 \d+ 项数据")).click()
    expect(every).to_be_visible()
    row = every.locator("tbody tr", has=page.get_by_role("rowheader", name=this.format.cell("s2.t6.r1.c1").label,
                                                          exact=True))
    expect(row).to_have_class("table-warning")
    expect(row.locator("td")).to_have_text(["10", "45", "+35"])
    assert every.locator("tbody tr").count() > 100


def test_the_administrator_reads_the_bodies_tables_of_a_years_summary(page, live_server, people, login,
                                                                      year_with_reports):
    login(page, people.admin)
    page.goto(f"{live_server.url}/district/years/")
    page.locator("tr", has_text="2025年度").get_by_role("link", name="汇总").click()
    expect(page.get_by_role("heading", name=re.compile("2025年度区级汇总"))).to_be_visible()
    table = page.locator("#bodies-applicants")
    values = dict(all_bodies_values(year_with_reports, basis="published"))
    names = [name for _, name in district_summary(year_with_reports, basis="published").bodies]
    expect(table.locator("tbody tr")).to_have_count(len(names))
    for name in names[:3]:
        row = table.locator("tbody tr", has=page.get_by_role("rowheader", name=name, exact=True))
        expect(row.locator("td").first).to_have_text(str(values[name]["s3.R1.A"]))
        expect(row.locator("td").last).to_have_text(str(values[name]["s3.R1.G"]))
