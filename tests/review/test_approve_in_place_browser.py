"""审核通过 done in place: a 部门负责人 approving one report after another is not sent through a whole
new page after each. The page is the same page (nothing reloaded), and what a reload would have
changed is changed: the message, the status, the timeline, the 待办 badge; a half-written return
stays; a report changed by someone else, or a server that cannot answer, is said so."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import ReportStatus
from reports.review.secrecy import ALL_POINTS, POINTS
from reports.review.services import report_approve, report_submit
from tests.factories import DEFAULT_PASSWORD
from tests.report_factories import AnnualReportFactory
from tests.review.conftest import approve_on_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_waiting(people, report):
    """Two reports of the body waiting for its 部门负责人: the 2025 report, submitted two hours ago (so
    that since when it waits changes visibly when it is approved), and a 2024 one."""
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=True):
        report_submit(report=report, by=people.filler)
    older = AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                                reporting_year__year=2024, submitted=True)
    return report, older


def _mark_page(page):
    """A value only this page holds: gone if the browser loads a new page."""
    page.evaluate("window.nianbaoSamePage = true")


def _same_page(page) -> bool:
    return page.evaluate("window.nianbaoSamePage === true")


def test_a_reviewer_approves_in_place_and_goes_on_to_the_next_report(page, people, login, two_waiting):
    report, older = two_waiting
    head = login(page, people.head)
    nav = head.locator("#main-nav")
    nav.get_by_role("link", name="待办（2）").click()
    head.locator(f'#inbox tr[data-report="{report.pk}"]').get_by_role("link", name="审核").click()
    expect(head.locator("#review-document")).to_contain_text(report.title)

    # A return half written before deciding to approve after all: kept through a refused approval.
    head.get_by_label("退回理由").fill("先写了一半的退回理由")
    _mark_page(head)
    form = head.get_by_role("form", name="审核通过")
    form.get_by_label(POINTS[0].label).check()
    form.get_by_label("审核意见").fill("数据已核对。")
    form.get_by_role("button", name="审核通过").click()
    expect(head.locator(".messages")).to_contain_text("尚未确认")
    expect(head.locator("#secrecy-error")).to_contain_text(POINTS[1].label)
    expect(form.get_by_label(POINTS[0].label)).to_be_checked()
    expect(form.get_by_label("审核意见")).to_have_value("数据已核对。")
    expect(head.get_by_label("退回理由")).to_have_value("先写了一半的退回理由")
    assert _same_page(head)

    approve_on_page(head, "数据已核对，经保密审查，同意。")
    expect(head.locator(".messages")).to_have_text("部门负责人审核通过。")
    expect(head.locator("#report-status")).to_have_text("待主管主任审核")  # since when: now, no longer 2 hours ago
    approved_at = report.events.get(kind="approved_head").created_at.astimezone(ZoneInfo("Asia/Shanghai"))
    expect(head.locator("#review-since")).to_have_text(f" · 自{approved_at:%Y}年{approved_at.month}月{approved_at.day}日 "
                                                       f"{approved_at:%H:%M}起")
    expect(head.locator("#timeline-table tbody tr").last).to_contain_text("数据已核对，经保密审查，同意。")  # oldest first
    expect(head.get_by_role("form", name="审核通过")).to_have_count(0)
    expect(head.get_by_role("form", name="退回修改")).to_have_count(0)
    expect(nav.get_by_role("link", name="待办（1）")).to_be_visible()
    next_link = head.locator("#review-next").get_by_role("link", name="返回待办审核")
    expect(head.locator("#review-next")).to_contain_text("还有 1 份报告等待您审核")
    expect(next_link).to_be_focused()
    assert _same_page(head), "the page was loaded again"
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_DIRECTOR

    # On to the next: the inbox lists the other report only; the message is not said twice.
    next_link.click()
    expect(head.locator("#inbox tbody tr")).to_have_count(1)
    expect(head.locator(f'#inbox tr[data-report="{older.pk}"]')).to_contain_text("2024年度报告")
    expect(head.locator(".messages")).to_have_text("")
    head.locator("#inbox").get_by_role("link", name="审核").click()
    approve_on_page(head, "同意。")
    expect(head.locator("#review-next")).to_contain_text("没有其他报告等待您审核")
    expect(nav.get_by_role("link", name="待办", exact=True)).to_be_visible()


def test_a_report_approved_meanwhile_by_another_reloads_the_page_saying_so(page, live_server, people, login,
                                                                          two_waiting):
    report, _ = two_waiting
    head = login(page, people.head)
    head.goto(f"{live_server.url}/review/{report.pk}/")
    _mark_page(head)
    report_approve(report=report, by=people.head, comment="在另一个窗口通过。", confirmed=ALL_POINTS)
    approve_on_page(head, "同意。")
    expect(head.locator(".messages")).to_contain_text("操作未执行")
    expect(head.locator(".messages")).to_contain_text("已部门负责人审核通过")
    expect(head.locator("#report-status")).to_have_text("待主管主任审核")
    assert not _same_page(head)  # the whole page again: all of it may have changed
    expect(head.get_by_role("form", name="审核通过")).to_have_count(0)


def test_a_server_that_cannot_answer_is_said_and_nothing_typed_is_lost(page, live_server, people, login,
                                                                       two_waiting):
    report, _ = two_waiting
    head = login(page, people.head)
    head.goto(f"{live_server.url}/review/{report.pk}/")
    head.route("**/review/*/approve/", lambda route: route.fulfill(
        status=503, headers={"Retry-After": "5"}, content_type="text/html", body="busy"))
    approve_on_page(head, "数据已核对。")
    expect(head.locator(".messages .alert-danger")).to_contain_text("服务器暂时无法处理")
    form = head.get_by_role("form", name="审核通过")
    for point in POINTS:
        expect(form.get_by_label(point.label)).to_be_checked()
    expect(form.get_by_label("审核意见")).to_have_value("数据已核对。")
    expect(form.get_by_role("button", name="审核通过")).to_be_enabled()
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_HEAD

    # A form whose security token is no longer valid (signed in again in another tab): said so.
    head.unroute("**/review/*/approve/")
    head.route("**/review/*/approve/", lambda route: route.fulfill(status=403, content_type="text/html", body="csrf"))
    form.get_by_role("button", name="审核通过").click()
    expect(head.locator(".messages .alert-danger")).to_contain_text("页面已过期")
    expect(form.get_by_label("审核意见")).to_have_value("数据已核对。")

    head.unroute("**/review/*/approve/")  # the server answers again: the same click goes through
    form.get_by_role("button", name="审核通过").click()
    expect(head.locator(".messages")).to_have_text("部门负责人审核通过。")


def test_a_session_ended_meanwhile_leads_to_the_login_page_and_back_to_the_report(page, live_server, people,
                                                                                 login, two_waiting):
    report, _ = two_waiting
    head = login(page, people.head)
    head.goto(f"{live_server.url}/review/{report.pk}/")
    head.context.clear_cookies(name="sessionid")  # the session has ended (idle too long)
    form = head.get_by_role("form", name="审核通过")
    form.get_by_label("审核意见").fill("同意。")
    # The status badge asks by itself meanwhile: it is left as it is, and so is what was typed.
    with head.expect_response(re.compile(r"/review/\d+/status/")) as poll:
        pass
    assert poll.value.status == 204
    expect(head.locator("#report-status")).to_have_text("待部门负责人审核")
    expect(head.get_by_role("heading", name="登录年报系统")).to_have_count(0)
    expect(form.get_by_label("审核意见")).to_have_value("同意。")
    approve_on_page(head, "同意。")
    expect(head.get_by_role("heading", name="登录年报系统")).to_be_visible()  # the whole page, not in the form
    head.get_by_label("用户名").fill(people.head.username)
    head.get_by_label("密码").fill(DEFAULT_PASSWORD)
    head.get_by_role("button", name="登录").click()
    expect(head).to_have_url(f"{live_server.url}/review/{report.pk}/")
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_HEAD
    approve_on_page(head, "同意。")
    expect(head.locator(".messages")).to_have_text("部门负责人审核通过。")
