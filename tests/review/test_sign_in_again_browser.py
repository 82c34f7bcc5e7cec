"""The session ended while a person was on a page (idle more than 30 minutes, a return reason half
written): pressing the page's button leads to the login page, which says the action was not done;
signing in comes back to that page (not to a blank page at the form's address), with what was typed
put back, and the same button then does it."""

import pytest
from playwright.sync_api import expect

from agencies.models import User
from reports.models import ReportSection, ReportStatus
from reports.review.secrecy import POINTS
from reports.review.services import report_submit
from tests.district.conftest import new_person_page
from tests.factories import DEFAULT_PASSWORD
from tests.review.conftest import CELL, save_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ENDED = "登录已过期（超过30分钟没有操作），刚才的操作没有执行。请重新登录后再操作一次。"
PUT_BACK = "已恢复您刚才填写的内容（尚未提交成功），请核对后再点一次按钮。"


def sign_in_again(page, user, *, mistyped=False):
    expect(page.get_by_role("heading", name="登录年报系统")).to_be_visible()
    expect(page.locator(".messages")).to_have_text(ENDED)
    if mistyped:  # the login page again, without the message: what was typed still waits
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill("not-the-password")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("#login-form")).to_contain_text("用户名或密码不正确")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_return_written_while_the_session_ended_is_put_back_after_signing_in(page, live_server, people, login,
                                                                                report):
    report_submit(report=report, by=people.filler)
    login(page, people.head)
    page.get_by_role("link", name="待办（1）").click()
    page.locator("#inbox").get_by_role("link", name="审核").click()
    form = page.get_by_role("form", name="退回修改")
    form.get_by_label("退回理由").fill("第二十条的数字与去年相差太大，请核实。")
    page.locator(f'#review-document td[data-cell="{CELL}"]').click()  # the cell becomes the first comment's
    form.get_by_label("意见内容 1").fill("本年处理决定数量请与台账核对。")
    form.get_by_role("button", name="添加一条意见").click()
    form.get_by_label("意见位置 2").select_option(index=1)  # a section
    section = form.get_by_label("意见位置 2").input_value()
    form.get_by_label("意见内容 2").fill("另附说明。")
    page.context.clear_cookies(name="sessionid")  # idle too long: the session has ended

    form.get_by_role("button", name="退回修改").click()
    sign_in_again(page, people.head, mistyped=True)
    expect(page).to_have_url(f"{live_server.url}/review/{report.pk}/")
    expect(page.locator(".messages")).to_have_text(PUT_BACK)
    expect(form.get_by_label("退回理由")).to_have_value("第二十条的数字与去年相差太大，请核实。")
    expect(form.get_by_label("意见位置 1")).to_have_value(CELL)
    expect(form.get_by_label("意见内容 1")).to_have_value("本年处理决定数量请与台账核对。")
    expect(form.get_by_label("意见位置 2")).to_have_value(section)
    expect(form.get_by_label("意见内容 2")).to_have_value("另附说明。")
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_HEAD  # nothing was done meanwhile

    form.get_by_role("button", name="退回修改").click()
    expect(page.locator(".messages")).to_have_text("已退回填报人修改。")
    expect(page.locator("#report-status")).to_have_text("退回修改")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert [c.text for c in report.review_comments.order_by("pk")] == ["本年处理决定数量请与台账核对。", "另附说明。"]
    page.reload()  # what was put back is put back once
    expect(page.locator(".messages")).not_to_contain_text(PUT_BACK)


def test_an_approval_in_place_keeps_its_ticks_and_opinion_through_the_login(page, live_server, people, login,
                                                                          report):
    report_submit(report=report, by=people.filler)
    login(page, people.head)
    page.goto(f"{live_server.url}/review/{report.pk}/")
    form = page.get_by_role("form", name="审核通过")
    for point in POINTS:
        form.get_by_label(point.label).check()
    form.get_by_label("审核意见").fill("同意公开。")
    page.context.clear_cookies(name="sessionid")
    form.get_by_role("button", name="审核通过").click()
    sign_in_again(page, people.head)
    expect(page).to_have_url(f"{live_server.url}/review/{report.pk}/")
    expect(page.locator(".messages")).to_have_text(PUT_BACK)
    for point in POINTS:
        expect(form.get_by_label(point.label)).to_be_checked()
    expect(form.get_by_label("审核意见")).to_have_value("同意公开。")
    form.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages")).to_have_text("部门负责人审核通过。")
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_DIRECTOR


def test_an_approval_in_place_with_a_stale_token_is_put_back_by_the_reload(page, live_server, people, login,
                                                                          report):
    """审核通过 is sent by htmx: a stale token is said in the page, and reloading it, as the message asks,
    keeps the ticks and the opinion."""
    report_submit(report=report, by=people.filler)
    login(page, people.head)
    page.goto(f"{live_server.url}/review/{report.pk}/")
    sign_out_and_in_elsewhere(page, live_server, people.head)
    form = page.get_by_role("form", name="审核通过")
    for point in POINTS:
        form.get_by_label(point.label).check()
    form.get_by_label("审核意见").fill("经保密审查，同意公开。")
    form.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages .alert-danger")).to_contain_text("页面已过期")
    page.reload()
    expect(page.locator(".messages")).to_have_text(PUT_BACK)
    for point in POINTS:
        expect(form.get_by_label(point.label)).to_be_checked()
    expect(form.get_by_label("审核意见")).to_have_value("经保密审查，同意公开。")
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_HEAD
    form.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages")).to_have_text("部门负责人审核通过。")


def sign_out_and_in_elsewhere(page, live_server, user):
    """Another window of the same browser signs out and in again: the page's security token is stale."""
    other = page.context.new_page()
    other.goto(f"{live_server.url}/workspace/")
    other.get_by_role("button", name="退出").click()
    expect(other.locator(".messages")).to_contain_text("您已安全退出。")
    other.get_by_label("用户名").fill(user.username)
    other.get_by_label("密码").fill(DEFAULT_PASSWORD)
    other.get_by_role("button", name="登录").click()
    expect(other.get_by_role("heading", name="工作台")).to_be_visible()
    other.close()


def test_a_submission_after_the_session_ended_comes_back_to_the_overview(page, live_server, people, login,
                                                                          report):
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(report.title)
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="提交审核").click()
    sign_in_again(page, people.filler)
    expect(page).to_have_url(f"{live_server.url}/reports/{report.pk}/")  # not a blank page at …/submit/
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages")).to_contain_text("报告已提交")


def test_warning_explanations_written_while_the_session_ended_are_put_back(page, live_server, people, login,
                                                                            report):
    text = ReportSection.objects.get(report=report, key="s1").texts["s1.p2"]
    save_text(report, people.filler, "s1.p2",
              text.replace("共收到政府信息公开申请", "共收到申请约") + "共收到政府信息公开申请99999件。")
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    section = page.locator("section[aria-labelledby=warnings-heading]")
    section.locator("textarea").first.fill("口径不同，已与台账核实。")
    page.context.clear_cookies(name="sessionid")
    section.get_by_role("button", name="保存说明").click()
    sign_in_again(page, people.filler)
    expect(page).to_have_url(f"{live_server.url}/reports/{report.pk}/")
    expect(page.locator(".messages")).to_have_text(PUT_BACK)
    expect(section.locator("textarea").first).to_have_value("口径不同，已与台账核实。")
    report.refresh_from_db()
    assert report.explanations == {}
    section.get_by_role("button", name="保存说明").click()
    expect(page.locator(".messages")).to_have_text("预警说明已保存。")  # nothing put back after a form that went through
    report.refresh_from_db()
    assert list(report.explanations.values()) == ["口径不同，已与台账核实。"]


def test_an_administrators_form_is_put_back_but_never_a_password(page, live_server, people, login):
    form = new_person_page(page, login, people)
    form.get_by_label("登录名").fill("t.newcomer")
    form.get_by_label("姓名").fill("韩新")
    form.get_by_label("初始密码").fill("Secret#Initial2026")
    form.get_by_label("单位").select_option(label="天坛街道办事处")
    form.get_by_label("角色", exact=True).select_option(label="填报人")
    form.get_by_label("角色起始日期").fill("2026-03-01")
    page.context.clear_cookies(name="sessionid")
    form.get_by_role("button", name="新增人员").click()
    expect(page.get_by_role("heading", name="登录年报系统")).to_be_visible()
    kept = page.evaluate("() => Object.keys(sessionStorage).map(k => k + sessionStorage.getItem(k)).join()")
    assert "韩新" in kept and "Secret#Initial2026" not in kept  # kept in this tab only, without the password
    sign_in_again(page, people.admin)
    expect(page.get_by_role("heading", level=1)).to_have_text("新增人员")
    expect(page.locator(".messages")).to_have_text(PUT_BACK)
    expect(form.get_by_label("登录名")).to_have_value("t.newcomer")
    expect(form.get_by_label("姓名")).to_have_value("韩新")
    expect(form.get_by_label("初始密码")).to_have_value("")
    expect(form.get_by_label("单位").locator("option:checked")).to_have_text("天坛街道办事处")
    expect(form.get_by_label("角色", exact=True).locator("option:checked")).to_have_text("填报人")
    expect(form.get_by_label("角色起始日期")).to_have_value("2026-03-01")
    assert not User.objects.filter(username="t.newcomer").exists()
    stored = page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('nianbao:typed'))")
    assert stored == []  # forgotten once put back
    form.get_by_role("button", name="新增人员").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("已新增人员：韩新")


def test_a_form_sent_with_a_stale_token_is_put_back_from_the_expired_page(page, live_server, people, login, report):
    """The review page stood open while the person signed out and in again in another window (which gives
    a new security token): 退回修改 from the old page is refused, and the way back puts the reason back."""
    report_submit(report=report, by=people.filler)
    login(page, people.head)
    page.goto(f"{live_server.url}/review/{report.pk}/")
    form = page.get_by_role("form", name="退回修改")
    form.get_by_label("退回理由").fill("请补充第五部分的说明。")
    sign_out_and_in_elsewhere(page, live_server, people.head)

    form.get_by_role("button", name="退回修改").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("页面已过期，请刷新后重试")
    expect(page.locator("main")).to_contain_text("刚才填写的内容已在本窗口暂存")
    page.get_by_role("link", name="返回原页面").click()
    expect(page).to_have_url(f"{live_server.url}/review/{report.pk}/")
    expect(page.locator(".messages")).to_have_text(PUT_BACK)
    expect(form.get_by_label("退回理由")).to_have_value("请补充第五部分的说明。")
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING_HEAD
    form.get_by_role("button", name="退回修改").click()
    expect(page.locator(".messages")).to_have_text("已退回填报人修改。")
