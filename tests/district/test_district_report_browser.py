"""The district's own report in Chromium, end to end: the administrator starts it from the summary
page's own button, edits a section and submits it; the 区政府's 部门负责人 and 主管主任 approve it from
their inbox; the real Celery worker publishes it; the portal shows it first, marked 区政府年度报告.
Then a body's report is corrected and published again by the worker: the administrator is told,
and shown which summary cells changed, old and new value."""

import re
import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from agencies.models import Role
from reports.district_report.models import DistrictReport
from reports.district_report.services import district_government_ensure
from reports.models import AnnualReport, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.services import report_reopen
from reports.review.secrecy import ALL_POINTS
from reports.review.services import report_approve, report_submit
from reports.selectors import ReportContent, report_check
from reports.services import report_explanations_save, report_section_save
from reports.summary.summary import district_summary
from tests.factories import RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory
from tests.review.conftest import approve_on_page

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _context(browser):
    return browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()


def _wait(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection.close()  # see the worker's commits
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for: {what}")


def _status(report):
    return AnnualReport.objects.get(pk=report.pk).status


def _approve(page, live_server):
    page.get_by_role("link", name="待办（1）").click()
    row = page.locator("#inbox tbody tr")
    expect(row).to_contain_text("2026年3月31日")  # the district report's own deadline
    row.get_by_role("link", name="审核").click()
    approve_on_page(page, "经保密审查，同意。")


def test_start_edit_review_publish_portal_and_correction(page, browser, live_server, people, login,
                                                          celery_worker_process, settings):
    year = ReportingYearFactory(district=people.district, year=2025)
    published = AnnualReportFactory(reporting_year=year, body=people.body, published=True)
    AnnualReportFactory(reporting_year=year, body=people.other_body, filled=True)  # still a draft: missing
    government = district_government_ensure(district=people.district, by=people.admin)
    gov_head = RoleAssignmentFactory(user__username="t.gov_head", user__full_name="公开办主任",
                                     role=Role.DEPT_HEAD, body=government).user
    gov_director = RoleAssignmentFactory(user__username="t.gov_dir", user__full_name="分管副区长",
                                         role=Role.DIRECTOR, body=government).user
    sums = district_summary(year).sums

    # The administrator starts it from the summary page's own button.
    login(page, people.admin)
    page.locator("nav.navbar").get_by_role("link", name="汇总").click()
    page.locator("#district-report-panel").get_by_role("link", name="编制区政府年度报告").click()
    expect(page.locator("#district-missing")).to_contain_text("天坛街道办事处")
    expect(page.locator("#district-deadline")).to_have_text("2026年3月31日")
    expect(page.locator("#district-reviewers")).to_contain_text("公开办主任")
    page.get_by_role("button", name="开始编制").click()
    expect(page.locator(".messages")).to_contain_text("统计数据已由区级汇总预填")
    started = DistrictReport.objects.get(reporting_year=year)
    report = started.report
    # Each prefilled figure leads to the bodies that contributed it.
    figure = page.locator('#table-s3 td[data-cell="s3.R1.G"] a')
    expect(figure).to_have_text(str(sums["s3.R1.G"]))
    figure.click()
    expect(page.locator("#main")).to_contain_text(people.body.name)
    page.go_back()

    # It is edited through the report's own pages, then submitted.
    page.get_by_role("link", name="填写和提交报告").click()
    expect(page.locator("#main")).to_contain_text("报送截止：2026年3月31日")
    expect(page.locator("#district-report-note")).to_contain_text("由区级汇总（各单位已发布的报告）预填")
    page.locator("#section-overview tr", has_text="五、").get_by_role("link", name="填写").click()
    box = page.locator('textarea[name="text:s5.p0"]')
    expect(box).to_have_value(re.compile("草稿"))
    box.fill("全区个别单位主动公开栏目更新不及时，明年将加强督促检查。")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#report-status")).to_have_text("待部门负责人审核")
    texts = ReportContent.of(report).texts
    assert texts["s5.p0"].startswith("全区个别单位") and "天坛街道办事处" in texts["s6.p0"]

    # The district's two reviewers approve from their inbox.
    head = _context(browser)
    login(head, gov_head)
    _approve(head, live_server)
    expect(head.locator("#report-status")).to_have_text("待主管主任审核")
    director = _context(browser)
    login(director, gov_director)
    _approve(director, live_server)

    # The real worker publishes it; the portal shows it first, marked as the district's report.
    _wait(lambda: _status(report) == ReportStatus.PUBLISHED, 120, "district report published")
    public = _context(browser)
    public.goto(f"{live_server.url}/portal/?year=2025")
    first = public.locator("#report-list tbody tr").first
    expect(first).to_contain_text("区政府年度报告")
    expect(first).to_contain_text(report.body_name)
    first.get_by_role("link", name=report.body_name).click()
    expect(public.locator("#main")).to_contain_text("全区个别单位主动公开栏目更新不及时")

    # A body's report is corrected and published again: the administrator is told the difference.
    cell = "s3.R1.A"
    old_sum = district_summary(year).sums[cell]
    report_reopen(report=published, by=people.admin, reason="申请数量统计有误。")
    section = published.sections.get(key="s3")
    granted = "s3.R3_1.A"  # 予以公开 · 自然人: the four new requests were granted (the rules still hold)
    report_section_save(report=published, key="s3", cells={cell: str(section.values[cell] + 4),
                                                           granted: str(section.values[granted] + 4)},
                        texts={}, base_version=section.version, by=people.filler)
    warnings = [r.rule_id for r in report_check(published).results if not r.ok and not r.skipped]
    report_explanations_save(report=published, explanations=dict.fromkeys(warnings, "总体情况的文字待下次更正时一并修改。"),
                             by=people.filler)
    report_submit(report=published, by=people.filler)
    report_approve(report=published, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    report_approve(report=published, by=people.director, comment="同意。", confirmed=ALL_POINTS)
    _wait(lambda: ReportPdf.objects.filter(report=published, version=2, status="done").exists(), 120,
          "correction published")
    page.goto(f"{live_server.url}/workspace/")
    page.locator("nav.navbar").get_by_role("link", name=re.compile(r"^通知")).click()
    notice = page.locator("#notices").get_by_role("link", name=re.compile("区级汇总有 .* 项数据变化"))
    expect(notice).to_contain_text(published.body_name)
    notice.click()
    change = page.locator("#changes .summary-change").first
    expect(change).to_contain_text(f"{published.body_name}：更正后第2版")
    row = change.locator("tr", has_text=published.format.cell(cell).label)
    expect(row.locator("td").nth(0)).to_have_text(str(old_sum))
    expect(row.locator("td").nth(1)).to_have_text(str(old_sum + 4))
