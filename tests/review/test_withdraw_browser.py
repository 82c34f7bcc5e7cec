"""In Chromium, the two forms of the review no other browser test pressed: the filler's 撤回提交 on the
report's page (and its refusal once the 部门负责人 has acted), and 全部标为已读 on the 通知 page of the
部门负责人 who was told of the submission and of its withdrawal."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import ReportEvent, ReportStatus
from reports.review.models import Notification
from reports.review.secrecy import ALL_POINTS
from reports.review.services import report_approve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submitted(page, live_server, people, login, report):
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#report-status")).to_have_text("待部门负责人审核")


def test_the_filler_withdraws_and_the_reviewer_marks_the_notices_read(page, browser, live_server, people, login,
                                                                      report):
    _submitted(page, live_server, people, login, report)
    page.get_by_role("button", name="撤回提交").click()
    expect(page.locator(".messages")).to_contain_text("已撤回提交，报告可以继续修改。")
    expect(page.locator("#report-status")).to_have_text("草稿")
    expect(page.get_by_role("button", name="提交审核")).to_be_visible()
    expect(page.get_by_role("button", name="撤回提交")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.events.filter(kind=ReportEvent.Kind.WITHDRAWN, actor=people.filler).count() == 1

    head = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    login(head, people.head)
    unread = Notification.objects.filter(recipient=people.head, read_at__isnull=True).count()
    assert unread >= 1
    head.locator("nav.navbar").get_by_role("link", name=f"通知（{unread}）").click()
    notices = head.locator("#notices")
    expect(notices).to_contain_text(f"{report.title}已撤回")
    expect(notices.locator(".badge", has_text="未读")).to_have_count(unread)
    head.get_by_role("button", name="全部标为已读").click()
    expect(head.locator(".messages")).to_contain_text(f"已将 {unread} 条通知标为已读。")
    expect(head.locator("#notices .badge", has_text="未读")).to_have_count(0)
    expect(head.locator("#notices")).to_contain_text(f"{report.title}已撤回")  # still listed, read
    expect(head.locator("nav.navbar").get_by_role("link", name=re.compile(r"^通知"))).to_have_text("通知")
    assert not Notification.objects.filter(recipient=people.head, read_at__isnull=True).exists()


def test_a_withdrawal_after_the_first_review_is_refused_with_a_message(page, live_server, people, login, report):
    _submitted(page, live_server, people, login, report)
    expect(page.get_by_role("button", name="撤回提交")).to_be_visible()
    # Meanwhile the 部门负责人 approves, at their own desk.
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    page.get_by_role("button", name="撤回提交").click()
    expect(page.locator(".messages")).to_contain_text("操作未执行")
    expect(page.locator("#report-status")).to_have_text("待主管主任审核")
    expect(page.get_by_role("button", name="撤回提交")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_DIRECTOR
    assert not report.events.filter(kind=ReportEvent.Kind.WITHDRAWN).exists()
