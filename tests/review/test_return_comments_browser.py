"""In Chromium, the 部门负责人 returns a report with two comments: the first placed by clicking a cell,
the second in a row added with 添加一条意见 (a button no other browser test pressed) and placed with
its 意见位置 list. The filler sees both, and both are stored with the return."""

import pytest
from playwright.sync_api import expect

from reports.models import ReportEvent, ReportStatus
from reports.review.services import report_submit
from tests.review.conftest import CELL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_return_with_a_second_comment_row(page, browser, live_server, people, login, report):
    report_submit(report=report, by=people.filler)
    head = page
    login(head, people.head)
    head.get_by_role("link", name="待办（1）").click()
    head.locator("#inbox").get_by_role("link", name="审核").click()

    head.locator(f'#review-document td[data-cell="{CELL}"]').click()
    expect(head.get_by_label("意见位置 1")).to_have_value(CELL)
    head.get_by_label("意见内容 1").fill("与台账不一致，请核实。")
    rows = head.locator("#comment-rows .comment-row")
    blank = rows.count()  # the form comes with a few rows; a second comment goes in a new one
    added = blank + 1
    expect(head.get_by_label(f"意见位置 {added}")).to_have_count(0)
    head.get_by_role("button", name="添加一条意见").click()
    expect(rows).to_have_count(added)
    expect(head.get_by_label(f"意见位置 {added}")).to_be_focused()
    expect(head.get_by_label(f"意见内容 {added}")).to_have_value("")
    other_id = head.locator(f'#review-document td[data-cell]:not([data-cell="{CELL}"])').first.get_attribute(
        "data-cell")
    head.get_by_label(f"意见位置 {added}").select_option(other_id)
    head.get_by_label(f"意见内容 {added}").fill("请补充说明口径。")
    expect(head.get_by_label("意见位置 1")).to_have_value(CELL)  # the first row keeps its place
    head.get_by_label("退回理由").fill("两处数据需要核实。")
    head.get_by_role("button", name="退回修改").click()
    expect(head.locator("#report-status")).to_have_text("退回修改")

    returned = report.events.get(kind=ReportEvent.Kind.RETURNED)
    assert sorted((c.target, c.text) for c in returned.review_comments.all()) == sorted(
        [(CELL, "与台账不一致，请核实。"), (other_id, "请补充说明口径。")])
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    filler = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    login(filler, people.filler)
    filler.goto(f"{live_server.url}/reports/{report.pk}/")
    notice = filler.locator("#return-notice")
    expect(notice).to_contain_text("两处数据需要核实。")
    expect(notice).to_contain_text("与台账不一致，请核实。")
    expect(notice).to_contain_text("请补充说明口径。")
