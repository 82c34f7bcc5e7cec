"""The whole review in Chromium with three people at their own browsers: the filler submits, the
部门负责人 approves, the 主管主任 returns with a comment on a table cell, the filler fixes that
cell and resubmits, both reviewers see the redline and approve: 已批准·待发布."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import ReportEvent, ReportSection, ReportStatus
from tests.review.conftest import CELL, approve_on_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CELL_LABEL = "第二十条第（五）项·行政许可·本年处理决定数量"


def test_submit_approve_return_fix_redline_approve(page, browser, live_server, people, login, report):
    overview = f"{live_server.url}/reports/{report.pk}/"
    old_value = str(ReportSection.objects.get(report=report, key="s2").values[CELL])
    new_value = str(int(old_value) + 7)
    filler = page
    head = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    director = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()

    # The filler submits.
    login(filler, people.filler)
    filler.goto(overview)
    filler.get_by_role("button", name="提交审核").click()
    expect(filler.locator(".messages")).to_contain_text("报告已提交")
    expect(filler.locator("#report-status")).to_have_text("待部门负责人审核")
    expect(filler.locator("#section-overview")).to_contain_text("查看")  # locked while under review

    # The 部门负责人 finds it in 待办 and approves.
    login(head, people.head)
    expect(head.locator("#review-workspace")).to_contain_text("待办审核：1 份报告等待您审核")  # the workspace
    head.get_by_role("link", name="待办（1）").click()
    row = head.locator("#inbox tbody tr")
    expect(row).to_contain_text(people.body.name)
    expect(row).to_contain_text("2026年1月31日")
    row.get_by_role("link", name="审核").click()
    expect(head.locator("#review-document")).to_contain_text(report.title)
    approve_on_page(head, "数据已核对。")
    expect(head.locator(".messages")).to_contain_text("部门负责人审核通过")
    expect(head.locator("#report-status")).to_have_text("待主管主任审核")
    expect(head.locator("#main-nav").get_by_role("link", name="待办", exact=True)).to_be_visible()  # nothing left
    head.locator("#main-nav").get_by_role("link", name="工作台").click()
    expect(head.locator("#review-workspace")).to_contain_text("待办审核：0 份报告等待您审核")

    # The 主管主任 returns it with a comment on one table cell, picked by clicking it.
    login(director, people.director)
    director.get_by_role("link", name="待办（1）").click()
    director.locator("#inbox").get_by_role("link", name="审核").click()
    director.locator(f'#review-document td[data-cell="{CELL}"]').click()
    expect(director.get_by_label("意见位置 1")).to_have_value(CELL)
    director.get_by_label("意见内容 1").fill("与区政务服务中心台账不一致，请核实。")
    director.get_by_role("button", name="退回修改").click()
    expect(director.locator(".messages")).to_contain_text("退回修改须写明退回理由")  # the reason is required
    expect(director.get_by_label("意见内容 1")).to_have_value("与区政务服务中心台账不一致，请核实。")
    director.get_by_label("退回理由").fill("个别数据需要核实。")
    director.get_by_role("button", name="退回修改").click()
    expect(director.locator("#report-status")).to_have_text("退回修改")

    # The filler sees the comment, follows it to the cell and fixes it.
    filler.reload()
    notice = filler.locator("#return-notice")
    expect(notice).to_contain_text("个别数据需要核实。")
    expect(notice).to_contain_text("与区政务服务中心台账不一致，请核实。")
    notice.get_by_role("link", name=CELL_LABEL).click()
    expect(filler).to_have_url(re.compile(rf"/reports/{report.pk}/sections/s2/#cell-s2-t5-r1-c1$"))
    expect(filler.locator("html[data-entry-ready]")).to_have_count(1)  # the entry script is listening
    expect(filler.locator("#cell-s2-t5-r1-c1")).to_have_attribute("data-cell", "s2.t5.r1.c1")
    filler.get_by_label(CELL_LABEL).fill(new_value)
    expect(filler.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10000)
    filler.goto(overview)
    filler.get_by_role("button", name="重新提交审核").click()
    expect(filler.locator("#report-status")).to_have_text("待部门负责人审核")

    # Both reviewers see the redline: the cell before and after, and the comment it answers.
    for reviewer, level in ((head, "部门负责人"), (director, "主管主任")):
        reviewer.goto(f"{live_server.url}/review/{report.pk}/")
        change = reviewer.locator(f'#redline-cells tr[data-cell="{CELL}"]')
        expect(change.locator("del")).to_have_text(old_value)
        expect(change.locator("ins")).to_have_text(new_value)
        expect(change).to_contain_text("与区政务服务中心台账不一致，请核实。")
        # The document shows the fixed figure, not the one shown before the return (the page keeps it).
        cell = reviewer.locator(f'#review-document td[data-cell="{CELL}"]')
        expect(cell).to_have_text(new_value)
        approve_on_page(reviewer, "已按意见修改，经保密审查，同意。")
        expect(reviewer.locator(".messages")).to_contain_text(f"{level}审核通过")
        expect(cell).to_have_text(new_value)
    expect(director.locator("#report-status")).to_have_text("已批准·待发布")

    # The timeline tells the story, to the filler too.
    filler.goto(overview)
    kinds = filler.locator("#timeline-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.kind)")
    # A real worker may already have published it (the session's worker, once a test started it).
    assert kinds in (story := ["submitted", "approved_head", "returned", "saved", "submitted", "approved_head",
                               "approved_director"], [*story, "published"])
    expect(filler.locator("#timeline-table")).to_contain_text("个别数据需要核实。")
    expect(filler.locator("#timeline-table")).to_contain_text(f"{old_value} → {new_value}")
    report.refresh_from_db()
    assert report.status in (ReportStatus.APPROVED, ReportStatus.PUBLISHED)  # see above
    assert report.events.get(kind=ReportEvent.Kind.RETURNED).review_comments.get().target == CELL
