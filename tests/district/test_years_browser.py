"""The 报告年度 page in Chromium: a past year is opened only after a confirmation that says how
many drafts it creates; a body added after its year was opened gets its report (at once while the
year is being collected, from the 报告年度 page after its deadline); formats have their Chinese names.

Dates are relative to today, so that the tests hold on any day."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agencies.models import AdminAction
from config.dates import cn_date
from reports.models import AnnualReport, ReportingYear
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _years_page(page, login, people):
    login(page, people.admin)
    page.get_by_role("link", name="报告年度").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("报告年度")


def test_opening_a_past_year_asks_first_and_says_how_many_drafts(page, live_server, people, login):
    past = timezone.localdate().year - 2
    _years_page(page, login, people)
    page.get_by_role("link", name="开启报告年度").click()
    page.get_by_label("报告年度").fill(str(past))
    page.get_by_role("button", name="开启年度").click()

    confirm = page.locator("#year-open-confirm")
    expect(confirm).to_contain_text(f"{past}年度的报送截止日期（{past + 1}年1月31日）已过")
    expect(confirm).to_contain_text("开启后将为 2 个单位创建")
    assert not ReportingYear.objects.filter(year=past).exists()

    page.get_by_role("button", name="确认开启，创建 2 份报告草稿").click()
    expect(page.locator(".messages")).to_contain_text(f"已开启{past}年度，为 2 个单位创建了报告草稿")
    assert AnnualReport.objects.filter(reporting_year__year=past).count() == 2


def test_changing_the_year_after_the_question_asks_again(page, live_server, people, login):
    past = timezone.localdate().year - 2
    _years_page(page, login, people)
    page.get_by_role("link", name="开启报告年度").click()
    page.get_by_label("报告年度").fill(str(past))
    page.get_by_role("button", name="开启年度").click()
    expect(page.locator("#year-open-confirm")).to_be_visible()
    page.get_by_label("报告年度").fill(str(past - 1))
    page.get_by_role("button", name="确认开启").click()
    expect(page.locator("#year-open-confirm")).to_contain_text(f"{past - 1}年度的报送截止日期")
    assert not ReportingYear.objects.exists()


def test_a_body_added_while_a_year_is_collected_gets_its_report_at_once(page, live_server, people, login):
    today = timezone.localdate()
    collecting = ReportingYearFactory(district=people.district, year=today.year - 1,
                                      deadline=today + timedelta(days=30))
    closed = ReportingYearFactory(district=people.district, year=today.year - 2)
    for year in (collecting, closed):
        for body in (people.body, people.other_body):
            AnnualReportFactory(reporting_year=year, body=body)

    login(page, people.admin)
    page.get_by_role("link", name="单位与人员").click()
    page.get_by_role("link", name="新增单位").click()
    page.get_by_label("单位代码").fill("xinjie")
    page.get_by_label("名称").fill("新街街道办事处")
    page.get_by_label("类型").select_option(label="街道办事处")
    page.get_by_label("启用日期").fill(f"{today.year - 2}-07-01")
    page.get_by_role("button", name="新增单位").click()

    messages = page.locator(".messages")
    expect(messages).to_contain_text("已新增单位：新街街道办事处。")
    expect(messages).to_contain_text(f"为新增单位新街街道办事处创建{today.year - 1}年度报告草稿（新增单位时自动创建）")
    assert AnnualReport.objects.filter(reporting_year=collecting, body__code="xinjie").exists()
    # The year whose deadline has passed waits for the administrator's decision.
    assert not AnnualReport.objects.filter(reporting_year=closed, body__code="xinjie").exists()

    page.get_by_role("link", name="报告年度").click()
    row = page.locator(f"#new-bodies-{closed.year}")
    expect(row).to_contain_text("新街街道办事处")
    expect(page.locator(f"#new-bodies-{collecting.year}")).to_have_count(0)
    row.get_by_role("button", name="为新增单位创建报告（1 个）").click()
    expect(page.locator(".messages")).to_contain_text(
        f"已为 1 个新增单位创建{closed.year}年度报告草稿：新街街道办事处。")
    expect(page.locator(f"#new-bodies-{closed.year}")).to_have_count(0)
    assert AnnualReport.objects.filter(reporting_year=closed, body__code="xinjie").exists()

    page.get_by_role("link", name="单位与人员").click()
    page.get_by_role("link", name="操作记录").click()
    log = page.locator("table")
    expect(log.locator("tr", has_text=f"为新增单位新街街道办事处创建{closed.year}年度报告草稿")).to_contain_text(
        people.admin.display_name)
    assert AdminAction.objects.filter(kind=AdminAction.Kind.REPORT_CREATED).count() == 2


def test_a_body_that_did_not_exist_in_a_year_is_not_given_its_report(page, live_server, people, login):
    today = timezone.localdate()
    ReportingYearFactory(district=people.district, year=today.year - 1, deadline=today + timedelta(days=30))
    login(page, people.admin)
    page.get_by_role("link", name="单位与人员").click()
    page.get_by_role("link", name="新增单位").click()
    page.get_by_label("单位代码").fill("jinnian")
    page.get_by_label("名称").fill("今年新设街道办事处")
    page.get_by_label("启用日期").fill(date(today.year, 1, 1).isoformat())
    page.get_by_role("button", name="新增单位").click()
    expect(page.locator(".messages")).to_have_text("已新增单位：今年新设街道办事处。")
    assert not AnnualReport.objects.filter(body__code="jinnian").exists()


def test_a_local_format_is_shown_by_its_chinese_name(page, live_server, people, login):
    ReportingYearFactory(district=people.district, year=2020, format_variant="beijing")
    _years_page(page, login, people)
    row = page.locator("#years tr", has_text="2020年度")
    expect(row).to_contain_text("2019年格式（北京市）")
    expect(row).not_to_contain_text("beijing")


def test_change_a_years_deadline_and_reminders_from_the_years_page(page, live_server, people, login):
    today = timezone.localdate()
    year = ReportingYearFactory(district=people.district, year=today.year - 1, deadline=today + timedelta(days=30),
                                reminder_days=[14, 7, 3, 1])
    later = today + timedelta(days=45)
    _years_page(page, login, people)
    page.locator("#years tr", has_text=f"{year.year}年度").get_by_role("link", name="截止日期与提醒").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{year.year}年度：截止日期与催报提醒")
    form = page.locator("#year-schedule-form")
    expect(form.get_by_label("报送截止日期")).to_have_value(year.deadline.isoformat())
    expect(form.get_by_label("催报提醒（截止前天数）")).to_have_value("14,7,3,1")
    form.get_by_label("报送截止日期").fill(later.isoformat())
    form.get_by_label("催报提醒（截止前天数）").fill("3，10")
    form.get_by_role("button", name="保存").click()

    expect(page.locator(".messages")).to_contain_text("报送截止日期和催报提醒已保存。")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{year.year}年度报送进度")
    expect(page.get_by_text("报送截止：")).to_contain_text(cn_date(later))
    page.get_by_role("navigation", name="面包屑").get_by_role("link", name="报告年度").click()
    row = page.locator("#years tr", has_text=f"{year.year}年度")
    expect(row).to_contain_text(cn_date(later))
    expect(row).to_contain_text("10、3")
    year.refresh_from_db()
    assert (year.deadline, year.reminder_days) == (later, [10, 3])
    assert AdminAction.objects.filter(kind=AdminAction.Kind.YEAR_SCHEDULE_CHANGED).count() == 1


def test_a_deadline_inside_the_year_or_unreadable_reminders_are_refused_with_a_message(page, live_server, people,
                                                                                        login):
    today = timezone.localdate()
    deadline = today + timedelta(days=30)
    year = ReportingYearFactory(district=people.district, year=today.year - 1, deadline=deadline,
                                reminder_days=[14, 7, 3, 1])
    _years_page(page, login, people)
    page.locator("#years tr", has_text=f"{year.year}年度").get_by_role("link", name="截止日期与提醒").click()
    form = page.locator("#year-schedule-form")
    form.get_by_label("报送截止日期").fill(date(year.year, 12, 31).isoformat())
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("未保存")
    expect(page.locator("#year-schedule-form")).to_contain_text("报送截止日期应在报告年度结束之后。")

    form = page.locator("#year-schedule-form")
    form.get_by_label("报送截止日期").fill((today + timedelta(days=40)).isoformat())
    form.get_by_label("催报提醒（截止前天数）").fill("七天")
    form.get_by_role("button", name="保存").click()
    expect(page.locator("#year-schedule-form")).to_contain_text("催报提醒请填写截止日期前的天数，用逗号分隔")
    expect(page.locator("#year-schedule-form").get_by_label("催报提醒（截止前天数）")).to_have_value("七天")
    year.refresh_from_db()
    assert (year.deadline, year.reminder_days) == (deadline, [14, 7, 3, 1])
    assert not AdminAction.objects.filter(kind=AdminAction.Kind.YEAR_SCHEDULE_CHANGED).exists()
