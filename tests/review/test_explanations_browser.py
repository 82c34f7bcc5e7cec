"""In Chromium, the 预警说明 form of a report's page (保存说明), which no other browser test pressed: a
soft warning blocks the submission until it is explained; an over-long explanation is refused with
the typed text kept; the saved explanations are in the page and the timeline, and the report can
then be submitted."""

import pytest
from playwright.sync_api import expect

from reports.models import ReportEvent, ReportSection, ReportStatus
from reports.typed import EXPLANATION_LIMIT
from tests.review.conftest import save_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_explain_the_warnings_then_submit(page, live_server, people, login, report):
    text = ReportSection.objects.get(report=report, key="s1").texts["s1.p2"]
    save_text(report, people.filler, "s1.p2",
              text.replace("共收到政府信息公开申请", "共收到申请约") + "共收到政府信息公开申请99999件。")
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages")).to_contain_text("暂不能提交")
    expect(page.locator("#submit-problems")).to_contain_text("预警未说明")
    expect(page.locator("#report-status")).to_have_text("草稿")

    section = page.locator("section[aria-labelledby=warnings-heading]")
    boxes = section.locator("textarea")
    count = boxes.count()
    assert count >= 1
    # Too long: nothing saved, the text stays on the page.
    boxes.first.fill("长" * (EXPLANATION_LIMIT + 1))
    section.get_by_role("button", name="保存说明").click()
    expect(page.locator(".messages")).to_contain_text(f"每条预警说明最多 {EXPLANATION_LIMIT} 字")
    expect(page.locator("section[aria-labelledby=warnings-heading] textarea").first).to_have_value(
        "长" * (EXPLANATION_LIMIT + 1))
    report.refresh_from_db()
    assert report.explanations == {}

    section = page.locator("section[aria-labelledby=warnings-heading]")
    for n in range(count):
        section.locator("textarea").nth(n).fill(f"口径不同，已核实（{n + 1}）。")
    section.get_by_role("button", name="保存说明").click()
    expect(page.locator(".messages")).to_contain_text("预警说明已保存。")
    expect(page.locator("section[aria-labelledby=warnings-heading] textarea").first).to_have_value("口径不同，已核实（1）。")
    expect(page.locator("#timeline")).to_contain_text("保存预警说明")
    report.refresh_from_db()
    assert sorted(report.explanations.values()) == [f"口径不同，已核实（{n + 1}）。" for n in range(count)]
    assert report.events.filter(kind=ReportEvent.Kind.EXPLAINED, actor=people.filler).count() == 1

    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#report-status")).to_have_text("待部门负责人审核")
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_HEAD
