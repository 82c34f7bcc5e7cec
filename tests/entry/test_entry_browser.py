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
    expect(page.locator('[data-count-for="text-s1p2"]')).to_have_text("16 字")
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
