"""The sign-in expires while a person types (issue 10.3): the page says so, keeps the text in the
browser, lets them sign in again in a new tab, and then saves it; a reload restores the text."""

import pytest
from playwright.sync_api import expect

from reports.selectors import ReportContent
from tests.factories import DEFAULT_PASSWORD
from tests.report_factories import AnnualReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIRST = "全年主动公开政府信息346条。"
MORE = "其中规范性文件12件。"


@pytest.fixture
def report(people):
    return AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2025)


def open_s1(page, live_server, report):
    page.goto(f"{live_server.url}/reports/{report.pk}/sections/s1/")
    expect(page.locator("html[data-entry-ready]")).to_have_count(1)
    return page.get_by_label("（一）主动公开")


def expire_while_typing(page, box):
    """Typing, saved; the session cookie goes (as after 30 idle minutes); typing goes on."""
    box.fill(FIRST)
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10000)
    page.context.clear_cookies(name="sessionid")
    box.press("End")
    box.type(MORE)
    expired = page.locator("#session-expired")
    expect(expired).to_be_visible(timeout=10000)
    expect(expired).to_contain_text("登录已过期")
    expect(expired).to_contain_text("已暂存在本机浏览器")
    expect(page.locator("#autosave-status")).to_contain_text("尚未保存")
    expect(page.locator("#autosave-status")).not_to_contain_text("网络异常")
    assert ReportContent.of(report_of(page)).texts.get("s1.p1") == FIRST  # nothing more was saved


def report_of(page):
    from reports.models import AnnualReport

    return AnnualReport.objects.get(pk=int(page.url.split("/reports/")[1].split("/")[0]))


def sign_in(page, user):
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_sign_in_again_in_a_new_tab_and_the_text_is_saved(page, live_server, people, login, report):
    login(page, people.filler)
    box = open_s1(page, live_server, report)
    expire_while_typing(page, box)

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="重新登录（在新标签页打开）").click()
    tab = opened.value
    sign_in(tab, people.filler)
    expect(tab.get_by_role("heading", name="已重新登录")).to_be_visible()

    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10000)
    expect(page.locator("#session-expired")).to_be_hidden()
    expect(box).to_have_value(FIRST + MORE)
    assert ReportContent.of(report).texts["s1.p1"] == FIRST + MORE
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('nianbao:draft'))") == []


def test_a_reload_after_the_expiry_restores_the_text_and_saves_it(page, live_server, people, login, report):
    login(page, people.filler)
    box = open_s1(page, live_server, report)
    expire_while_typing(page, box)
    page.on("dialog", lambda dialog: dialog.accept())  # 离开此网站？ (the draft is kept anyway)

    page.reload()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/reports/{report.pk}/sections/s1/")
    sign_in(page, people.filler)
    expect(page.locator("html[data-entry-ready]")).to_have_count(1)
    expect(page.locator("#draft-note")).to_contain_text("已恢复您在本机暂存")
    expect(page.get_by_label("（一）主动公开")).to_have_value(FIRST + MORE)
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=10000)
    assert ReportContent.of(report).texts["s1.p1"] == FIRST + MORE


def test_a_draft_that_can_no_longer_be_saved_is_kept_and_mentioned(page, live_server, people, login, report):
    from reports.models import ReportStatus

    login(page, people.filler)
    box = open_s1(page, live_server, report)
    page.route("**/sections/s1/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    box.fill(FIRST)
    expect(page.locator("#autosave-status")).to_contain_text("内容已暂存在本机浏览器", timeout=10000)
    page.unroute("**/sections/s1/")
    report.status = ReportStatus.PENDING_HEAD  # a colleague submitted it meanwhile
    report.save()
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    expect(page.locator("#draft-note")).to_contain_text("暂存有您尚未保存的内容（1 处），但报告当前不能修改")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('nianbao:draft')).length") == 1
