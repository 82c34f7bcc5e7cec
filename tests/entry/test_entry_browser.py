"""Filling in a report in Chromium: live totals and rules, keyboard, paste from Excel, autosave, conflicts."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import ReportSection
from reports.selectors import ReportContent
from tests.report_factories import AnnualReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report(people):
    return AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2025)


def cell(page, cell_id):
    return page.locator(f'[data-cell="{cell_id}"]')


def open_section(page, live_server, report, key):
    page.goto(f"{live_server.url}/reports/{report.pk}/sections/{key}/")
    expect(page.locator("#section-form")).to_be_visible()


def test_totals_and_rules_update_live_and_autosave_keeps_the_draft(page, live_server, people, login, report):
    login(page, people.filler)
    open_section(page, live_server, report, "s3")
    cell(page, "s3.R1.A").fill("3")
    cell(page, "s3.R3_1.A").fill("2")
    expect(cell(page, "s3.R1.G")).to_have_text("3")
    expect(cell(page, "s3.R3_7.A")).to_have_text("2")
    messages = page.locator("#rule-messages")
    expect(messages).to_contain_text("第一项加第二项之和应等于第三项加第四项之和（自然人）")
    cell(page, "s3.R4.A").fill("1")
    expect(messages).not_to_contain_text("（自然人）")
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10000)
    stored = ReportContent.of(report).values
    assert stored["s3.R1.A"] == 3 and stored["s3.R3_7.A"] == 2 and stored["s3.R4.A"] == 1
    page.reload()
    expect(cell(page, "s3.R1.A")).to_have_value("3")
    expect(cell(page, "s3.R1.G")).to_have_text("3")


def test_a_bad_number_is_marked_on_its_cell_and_the_typed_text_survives(page, live_server, people, login, report):
    login(page, people.filler)
    open_section(page, live_server, report, "s3")
    cell(page, "s3.R1.B").fill("-2")
    expect(page.locator('[data-error-for="s3.R1.B"]')).to_have_text("不能为负数")
    expect(cell(page, "s3.R1.B")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10000)
    assert ReportSection.objects.get(report=report, key="s3").raw == {"s3.R1.B": "-2"}
    page.reload()
    expect(cell(page, "s3.R1.B")).to_have_value("-2")
    expect(page.locator('[data-error-for="s3.R1.B"]')).to_have_text("不能为负数")


def test_enter_moves_down_and_a_block_pasted_from_excel_fills_the_grid(page, live_server, people, login, report):
    login(page, people.filler)
    open_section(page, live_server, report, "s3")
    cell(page, "s3.R1.A").click()
    page.keyboard.press("Enter")
    expect(cell(page, "s3.R2.A")).to_be_focused()
    page.keyboard.press("Tab")
    expect(cell(page, "s3.R2.B")).to_be_focused()
    cell(page, "s3.R3_1.A").focus()
    page.evaluate("""() => {
        const target = document.querySelector('[data-cell="s3.R3_1.A"]');
        const data = new DataTransfer();
        data.setData('text/plain', '1\\t2\\t0\\n3\\t4\\t5\\r\\n');
        target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    expect(cell(page, "s3.R3_1.A")).to_have_value("1")
    expect(cell(page, "s3.R3_1.B")).to_have_value("2")
    expect(cell(page, "s3.R3_2.A")).to_have_value("3")
    expect(cell(page, "s3.R3_2.C")).to_have_value("5")
    expect(cell(page, "s3.R3_7.A")).to_have_text("4")
    expect(cell(page, "s3.R3_2.G")).to_have_text("12")


def test_text_sections_show_guidance_and_count_characters(page, live_server, people, login, report):
    login(page, people.filler)
    open_section(page, live_server, report, "s1")
    expect(page.locator("label", has_text="（一）主动公开")).to_be_visible()
    expect(page.locator("#guide-s1p1")).not_to_be_empty()
    box = page.get_by_label(re.compile("（二）依申请公开"))
    box.fill("全年共收到政府信息公开申请5件。")
    expect(page.locator('[data-count-for="text-s1p2"]')).to_have_text("16 / 20000 字")  # the limit is shown
    page.get_by_role("button", name="保存并继续").click()
    expect(page.get_by_role("heading", name="二、主动公开政府信息情况")).to_be_visible()
    assert ReportContent.of(report).texts["s1.p2"] == "全年共收到政府信息公开申请5件。"


def test_overview_and_preview_in_the_official_layout(page, live_server, people, login):
    report = AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                                 reporting_year__year=2025, filled=True)
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    rows = page.locator("#section-overview tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("已完成")
    page.get_by_role("link", name="预览全文").click()
    expect(page.get_by_role("heading", name=f"{report.body_name}2025年政府信息公开工作年度报告")).to_be_visible()
    table = page.locator("#table-s3")
    expect(table.get_by_role("columnheader", name="法人或其他组织")).to_have_attribute("colspan", "5")
    expect(table.get_by_role("rowheader", name="（三）不予公开")).to_have_attribute("rowspan", "8")
    expect(page.locator("#table-s4").get_by_role("columnheader", name="行政诉讼")).to_have_attribute("colspan", "10")


def test_left_and_right_move_between_cells_when_the_caret_is_at_the_edge(page, live_server, people, login, report):
    login(page, people.filler)
    open_section(page, live_server, report, "s3")
    expect(page.locator("html[data-entry-ready]")).to_have_count(1)
    cell(page, "s3.R1.A").click()
    page.keyboard.press("ArrowRight")  # an empty cell: the caret is at its end
    expect(cell(page, "s3.R1.B")).to_be_focused()
    page.keyboard.type("12")
    page.keyboard.press("ArrowLeft")  # inside the text: the caret moves, the focus stays
    page.keyboard.press("ArrowLeft")
    expect(cell(page, "s3.R1.B")).to_be_focused()
    page.keyboard.press("ArrowLeft")  # at the start: to the cell on the left
    expect(cell(page, "s3.R1.A")).to_be_focused()
    page.keyboard.press("ArrowRight")  # arriving selects the text: Right moves on
    expect(cell(page, "s3.R1.B")).to_be_focused()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(cell(page, "s3.R1.F")).to_be_focused()  # the computed 总计 (G) is skipped: the row ends at F
    page.keyboard.press("ArrowRight")
    expect(cell(page, "s3.R1.F")).to_be_focused()
    expect(cell(page, "s3.R1.B")).to_have_value("12")


def test_a_number_with_a_space_inside_gets_a_message_and_stays_as_typed(page, live_server, people, login, report):
    login(page, people.filler)
    open_section(page, live_server, report, "s3")
    cell(page, "s3.R1.A").fill("12 34")
    expect(page.locator('[data-error-for="s3.R1.A"]')).to_have_text("数字中间不能有空格，请删去空格或分开填写")
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10000)
    assert ReportSection.objects.get(report=report, key="s3").raw == {"s3.R1.A": "12 34"}
    page.reload()
    expect(cell(page, "s3.R1.A")).to_have_value("12 34")


def test_an_over_long_text_is_refused_with_the_limit_and_stays_on_the_page(page, live_server, people, login, report):
    login(page, people.filler)
    open_section(page, live_server, report, "s3")
    expect(page.locator("html[data-entry-ready]")).to_have_count(1)
    counter = page.locator('[data-count-for="text-s3note"]')
    expect(counter).to_have_text("0 / 20000 字")
    box = page.get_by_label("说明", exact=True)
    long_text = "说" * 20010
    box.fill(long_text)  # as a paste would: no maxlength cuts it
    expect(counter).to_have_text("20010 / 20000 字（超出 10 字）")
    expect(page.locator('[data-error-for="s3.note"]')).to_contain_text("最多 20000 字，现有 20010 字")
    cell(page, "s3.R1.A").fill("3")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("有 1 项没有保存", timeout=10000)
    expect(status).not_to_have_text(re.compile("^已自动保存"))
    expect(box).to_have_value(long_text)
    stored = ReportSection.objects.get(report=report, key="s3")
    assert "s3.note" not in stored.texts and stored.values["s3.R1.A"] == 3
    box.press("End")
    for _ in range(10):
        box.press("Backspace")
    expect(status).to_have_text(re.compile("^已自动保存"), timeout=10000)
    assert ReportSection.objects.get(report=report, key="s3").texts["s3.note"] == "说" * 20000


def test_a_returns_comments_show_beside_their_cell_and_paragraph(page, live_server, people, login):
    from reports.review.secrecy import ALL_POINTS
    from reports.review.services import report_approve, report_return, report_submit

    report = AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                                 reporting_year__year=2025, filled=True)
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    report_return(report=report, by=people.director, reason="个别数据需要核实。", comments=[
        {"target": "s2.t5.r1.c1", "text": "与区政务服务中心台账不一致，请核实。"},
        {"target": "s5.p0", "text": "改进措施请写具体。"},
        {"target": "s5", "text": "本节请对照上年问题逐条说明。"},
    ])
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.locator("#return-notice").get_by_role("link", name="第二十条第（五）项·行政许可·本年处理决定数量").click()
    td = page.locator("td.has-review-note")
    expect(td).to_have_count(1)
    expect(td.locator("#cell-s2-t5-r1-c1")).to_be_visible()
    note = td.locator(".review-note")
    expect(note).to_contain_text("与区政务服务中心台账不一致，请核实。")
    expect(note).to_contain_text(people.director.display_name)
    expect(page.locator("#cell-s2-t5-r1-c1")).to_have_attribute("aria-describedby", re.compile("note-s2-t5-r1-c1"))
    assert td.evaluate("n => getComputedStyle(n).backgroundColor") != "rgba(0, 0, 0, 0)"  # highlighted

    page.goto(f"{live_server.url}/reports/{report.pk}/sections/s5/")
    part = page.locator(".text-part.has-review-note")
    expect(part.locator(".review-note")).to_contain_text("改进措施请写具体。")
    expect(page.locator("#note-section")).to_contain_text("本节请对照上年问题逐条说明。")
    page.goto(f"{live_server.url}/reports/{report.pk}/sections/s3/")
    expect(page.locator(".review-note")).to_have_count(0)  # nothing on sections without comments


def test_the_workspace_links_to_the_current_report(page, live_server, people, login, report):
    AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2024)
    login(page, people.filler)
    expect(page).to_have_url(f"{live_server.url}/workspace/")
    panel = page.locator("#current-reports")
    expect(panel.get_by_role("link")).to_have_count(1)  # this season's, not last year's
    panel.get_by_role("link", name=f"{report.body_name} 2025年度报告").click()
    expect(page).to_have_url(f"{live_server.url}/reports/{report.pk}/")
    expect(page.get_by_role("heading", name=report.title)).to_be_visible()
