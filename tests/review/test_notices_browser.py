"""In Chromium: the people of a report are told of its publication and of a correction (更正), a
一键催报 leaves a notice in the app, and the report's status refreshes itself on the open page."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import ReportStatus
from reports.publishing.tasks import publish
from reports.review.services import report_submit, report_withdraw
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser):
    return browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()


def _notices(page, live_server):
    page.goto(f"{live_server.url}/workspace/")
    page.locator("nav.navbar").get_by_role("link", name=re.compile(r"^通知")).click()
    return page.locator("#notices")


def test_publication_and_correction_notify_the_filler_and_the_reviewers(page, browser, live_server, people, login):
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    assert publish(report.pk) == "published"  # what the worker does after the final approval

    login(page, people.filler)
    notices = _notices(page, live_server)
    expect(notices).to_contain_text(f"{report.title}已发布")
    expect(page.get_by_role("link", name="通知（1）")).to_be_visible()

    admin = _context(browser)
    login(admin, people.admin)
    admin.goto(f"{live_server.url}/reports/{report.pk}/")
    admin.get_by_text("更正已发布的报告").click()
    admin.get_by_label("更正原因（将作为更正说明公开）").fill("第三部分申请数量统计有误。")
    admin.get_by_role("button", name="退回填报人更正").click()
    expect(admin.locator(".messages")).to_contain_text("报告已退回填报人更正")

    notices = _notices(page, live_server)
    expect(notices).to_contain_text(f"{report.title}需要更正")
    expect(notices).to_contain_text("更正原因：第三部分申请数量统计有误。")
    notices.get_by_role("link", name=f"{report.title}需要更正").click()
    expect(page).to_have_url(f"{live_server.url}/reports/{report.pk}/")
    expect(page.locator("#report-status")).to_have_text("退回修改")

    for reviewer in (people.head, people.director):
        other = _context(browser)
        login(other, reviewer)
        notices = _notices(other, live_server)
        expect(notices).to_contain_text(f"{report.title}已发布")
        expect(notices).to_contain_text(f"{report.title}需要更正")
    # The administrator who reopened it is not told what they did.
    _notices(admin, live_server)
    expect(admin.locator("#main")).to_contain_text("暂无通知")


def test_one_click_reminder_leaves_a_notice_in_the_app(page, browser, live_server, people, login):
    year = ReportingYearFactory(district=people.district, year=2025)
    AnnualReportFactory(reporting_year=year, body=people.body)
    AnnualReportFactory(reporting_year=year, body=people.other_body)
    login(page, people.admin)
    page.get_by_role("link", name="进度").click()
    page.get_by_role("button", name="一键催报：提醒 2 个尚未提交的单位").click()
    expect(page.locator(".messages")).to_contain_text("已向 2 个尚未提交的单位发送催报提醒")

    filler = _context(browser)
    login(filler, people.filler)
    notices = _notices(filler, live_server)
    expect(notices).to_contain_text("催报")
    expect(notices).to_contain_text("东花市街道办事处2025年政府信息公开工作年度报告尚未提交")
    expect(notices).to_contain_text("报送截止日期为2026年1月31日")


def test_the_open_review_page_shows_a_status_change_without_a_reload(page, live_server, people, login, settings):
    settings.REPORT_STATUS_POLL_SECONDS = 1
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, filled=True)
    report_submit(report=report, by=people.filler)
    polls = []
    page.on("request", lambda r: polls.append(r.headers) if "/status/" in r.url else None)
    login(page, people.head)
    page.goto(f"{live_server.url}/review/{report.pk}/")
    expect(page.locator("#report-status")).to_have_text("待部门负责人审核")
    report_withdraw(report=report, by=people.filler)  # the filler, elsewhere, takes it back
    expect(page.locator("#report-status")).to_have_text("草稿", timeout=10_000)
    expect(page.locator("#report-status-changed")).to_contain_text("报告状态已更新")
    assert polls and all(h.get("x-nianbao-poll") == "1" for h in polls)
    page.locator("#report-status-changed").get_by_role("link", name="刷新页面").click()
    expect(page.locator("#review-actions")).to_have_count(0)  # the buttons are gone: nothing to review
    expect(page.locator("#report-status-changed")).to_have_count(0)
    assert report.__class__.objects.get(pk=report.pk).status == ReportStatus.DRAFT
