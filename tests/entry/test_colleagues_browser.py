"""Two fillers of one body on the same section, each in their own browser (issue 10.2).

A save writes only what this person changed since their page was loaded; a field that both
changed differently is shown side by side, and nothing is written for it until they choose."""

import pytest
from playwright.sync_api import expect

from reports.models import ReportSection
from reports.selectors import ReportContent
from tests.factories import RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "本年度申请数量较上年明显增加，主要集中在征收补偿领域。"


@pytest.fixture
def report(people):
    return AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2025)


@pytest.fixture
def two_fillers(page, people, login, live_server, report):
    """A (people.filler) and B (a colleague), both with section 三 open."""
    colleague = RoleAssignmentFactory(user__username="t.filler2", user__full_name="同事乙", body=people.body).user
    a = page
    b = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    for person, who in ((a, people.filler), (b, colleague)):
        login(person, who)
        person.goto(f"{live_server.url}/reports/{report.pk}/sections/s3/")
        expect(person.locator("html[data-entry-ready]")).to_have_count(1)
    return a, b


def status(page):
    return page.locator("#autosave-status")


def test_a_colleagues_explanation_survives_a_stale_page_that_saves_a_cell(two_fillers, report):
    a, b = two_fillers
    a.get_by_label("说明", exact=True).fill(NOTE)
    expect(status(a)).to_contain_text("已自动保存", timeout=10000)

    b.locator('[data-cell="s3.R1.A"]').fill("3")  # B's page was loaded before A's 说明
    expect(status(b)).to_contain_text("已自动保存", timeout=10000)
    expect(b.locator("#save-notes")).to_contain_text("刚保存的修改已一并保留")
    expect(b.get_by_label("说明", exact=True)).to_have_value(NOTE)  # B now sees A's text
    expect(b.locator("#conflict-slot")).to_be_empty()
    b.get_by_role("button", name="保存", exact=True).click()
    expect(b.locator(".messages")).to_contain_text("内容没有变化")

    section = ReportSection.objects.get(report=report, key="s3")
    assert section.texts["s3.note"] == NOTE and section.values["s3.R1.A"] == 3
    # A's stale page carries on: their next change keeps B's cell.
    a.get_by_label("说明", exact=True).fill(NOTE + "已在年中核对。")
    expect(status(a)).to_contain_text("已自动保存", timeout=10000)
    expect(a.locator('[data-cell="s3.R1.A"]')).to_have_value("3")
    content = ReportContent.of(report)
    assert content.texts["s3.note"] == NOTE + "已在年中核对。" and content.values["s3.R1.A"] == 3


def test_a_field_both_changed_is_shown_side_by_side_until_the_person_chooses(two_fillers, people, report):
    a, b = two_fillers
    a.locator('[data-cell="s3.R1.A"]').fill("2")
    expect(status(a)).to_contain_text("已自动保存", timeout=10000)

    b.locator('[data-cell="s3.R1.B"]').fill("4")
    b.locator('[data-cell="s3.R1.A"]').fill("5")
    box = b.locator("#conflict")
    row = box.locator('tr[data-conflict="s3.R1.A"]')
    expect(row).to_be_visible(timeout=10000)
    expect(box).to_contain_text(f"{people.filler.display_name}在您打开本页后也修改了下列内容")
    expect(row.locator("th")).to_contain_text("一、本年新收政府信息公开申请数量·自然人")
    expect(row.locator(".conflict-mine")).to_have_text("5")
    expect(row.locator(".conflict-theirs")).to_have_text("2")
    expect(status(b)).to_contain_text("有 1 项与他人的修改不同")
    expect(b.locator('[data-cell="s3.R1.A"]')).to_have_value("5")  # B's input stays on the page
    values = ReportContent.of(report).values
    assert values["s3.R1.A"] == 2 and values["s3.R1.B"] == 4  # B's other change is saved, not this one

    # The 保存 button does not decide for them: the choice is still open, nothing is written.
    b.get_by_role("button", name="保存", exact=True).click()
    expect(b.locator('#conflict tr[data-conflict="s3.R1.A"]')).to_be_visible()
    expect(b.locator('[data-cell="s3.R1.A"]')).to_have_value("5")
    assert ReportContent.of(report).values["s3.R1.A"] == 2

    b.locator('#conflict tr[data-conflict="s3.R1.A"]').get_by_role("button", name="保留我的").click()
    expect(status(b)).to_contain_text("已自动保存", timeout=10000)
    expect(b.locator("#conflict-slot")).to_be_empty()
    assert ReportContent.of(report).values["s3.R1.A"] == 5


def test_taking_the_other_persons_value(two_fillers, report):
    a, b = two_fillers
    a.get_by_label("说明", exact=True).fill(NOTE)
    expect(status(a)).to_contain_text("已自动保存", timeout=10000)
    b.get_by_label("说明", exact=True).fill("乙写的说明。")
    row = b.locator('#conflict tr[data-conflict="s3.note"]')
    expect(row.locator(".conflict-theirs")).to_have_text(NOTE, timeout=10000)
    expect(row.locator(".conflict-mine")).to_have_text("乙写的说明。")
    row.get_by_role("button", name="采用对方的").click()
    expect(b.get_by_label("说明", exact=True)).to_have_value(NOTE)
    expect(b.locator("#conflict-slot")).to_be_empty()
    expect(status(b)).to_contain_text("已自动保存", timeout=10000)
    assert ReportContent.of(report).texts["s3.note"] == NOTE
