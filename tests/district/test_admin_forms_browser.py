"""The 区管理员's forms on a body's page and a person's page, used as a person uses them: reached
from the navigation, filled, sent with their own button; the message and the changed data are then
on the page. (These five forms once posted to the page's own URL, which showed the page again and
ignored them: no message, no change, and every test that posted to the endpoints passed.)"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from agencies.models import AdminAction, Body, Role, RoleAssignment, User
from tests.district.conftest import new_person_page
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _messages(page):
    return page.locator(".messages")


def _body_page(page, login, people, name="东花市街道办事处"):
    login(page, people.admin)
    page.get_by_role("link", name="单位与人员").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def _person_page(page, login, people, person):
    login(page, people.admin)
    _open_person(page, person)


def _open_person(page, person):
    page.get_by_role("link", name="单位与人员").click()
    page.locator("nav[aria-label='区管理']").get_by_role("link", name="人员", exact=True).click()
    page.locator("#people").get_by_role("link", name=person.display_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.display_name)


def test_rename_a_body_from_its_page(page, live_server, people, login):
    _body_page(page, login, people)
    page.get_by_label("新名称").fill("东花市街道办事处（新）")
    page.get_by_label("新简称").fill("东花市新")
    page.get_by_label("更名生效日期").fill("2025-03-01")
    page.get_by_role("button", name="更名", exact=True).click()

    expect(_messages(page)).to_contain_text("已更名为“东花市街道办事处（新）”，此前年度的报告仍使用原名称。")
    expect(page.get_by_role("heading", level=1)).to_have_text("东花市街道办事处（新）")
    history = page.locator("#body-names")
    expect(history.locator("tr", has_text="东花市街道办事处（新）")).to_contain_text("2025年3月1日")
    expect(history.locator("tr", has=page.get_by_text("东花市街道办事处", exact=True))).to_contain_text(
        "2025年2月28日")
    expect(page.locator("section[aria-labelledby=log-heading] table")).to_contain_text("单位更名")
    assert Body.objects.get(code="donghuashi").short_name == "东花市新"


def test_a_refused_rename_says_why_and_changes_nothing(page, live_server, people, login):
    _body_page(page, login, people)
    page.get_by_label("新名称").fill("东花市街道办事处")
    page.get_by_label("更名生效日期").fill("2025-03-01")
    page.get_by_role("button", name="更名", exact=True).click()
    expect(_messages(page)).to_contain_text("未保存")
    expect(page.locator("#body-rename-form")).to_contain_text("新名称与当前名称相同")
    assert not AdminAction.objects.filter(kind=AdminAction.Kind.BODY_RENAMED).exists()


def test_close_a_body_from_its_page(page, live_server, people, login):
    _body_page(page, login, people)
    # A day before the body existed is refused with the reason, beside the form.
    page.get_by_label("撤销日期").fill("2018-12-31")
    page.get_by_label("我确认撤销该单位").check()
    page.get_by_role("button", name="撤销单位").click()
    expect(page.locator("#body-close-form")).to_contain_text("撤销日期不能早于单位的启用日期")
    assert Body.objects.get(code="donghuashi").active_to is None

    page.get_by_label("撤销日期").fill("2026-06-30")
    page.get_by_label("我确认撤销该单位").check()
    page.get_by_role("button", name="撤销单位").click()
    expect(_messages(page)).to_contain_text("东花市街道办事处已撤销（2026年6月30日），其人员的角色同日结束。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已撤销")
    expect(page.locator("#body-active-to")).to_have_text("2026年6月30日")
    # The filler's role now ends that day, in the table of the page.
    expect(page.locator("tr", has_text=people.filler.display_name)).to_contain_text("2026年6月30日")
    assert Body.objects.get(code="donghuashi").active_to == date(2026, 6, 30)


def test_change_a_persons_phone_from_their_page(page, live_server, people, login):
    _person_page(page, login, people, people.filler)
    page.get_by_label("电话").fill("010-65550123")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(_messages(page)).to_contain_text(f"已保存{people.filler.display_name}的基本信息。")
    expect(page.locator("#person-phone")).to_have_text("010-65550123")
    expect(page.get_by_label("电话")).to_have_value("010-65550123")
    expect(page.locator("section[aria-labelledby=log-heading] table")).to_contain_text("修改人员信息")
    assert User.objects.get(pk=people.filler.pk).phone == "010-65550123"


def test_deactivate_a_person_from_their_page(page, live_server, people, login):
    _person_page(page, login, people, people.other_filler)
    page.get_by_label("账号启用").uncheck()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(_messages(page)).to_contain_text("的基本信息")
    expect(page.locator("#person-status")).to_have_text("已停用")
    assert not User.objects.get(pk=people.other_filler.pk).is_active


def test_an_administrator_cannot_deactivate_their_own_account(page, live_server, people, login):
    _person_page(page, login, people, people.admin)
    page.get_by_label("账号启用").uncheck()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(_messages(page)).to_contain_text("未保存")
    expect(page.locator("#person-update-form")).to_contain_text("不能停用自己的账号")
    expect(page.locator("#person-status")).to_have_text("正常")
    assert User.objects.get(pk=people.admin.pk).is_active


def test_assign_a_role_from_a_persons_page(page, live_server, people, login):
    _person_page(page, login, people, people.filler)
    form = page.locator("#role-assign-form")
    form.get_by_label("角色").select_option(label="部门负责人")
    form.get_by_label("单位").select_option(label="天坛街道办事处")
    form.get_by_label("起始日期").fill("2026-03-01")
    form.get_by_role("button", name="分配角色").click()
    expect(_messages(page)).to_contain_text(f"已分配角色：{people.filler.display_name}任天坛街道办事处部门负责人。")
    row = page.locator("#roles tr", has_text="天坛街道办事处")
    expect(row).to_contain_text("部门负责人")
    expect(row).to_contain_text("2026年3月1日")
    assert RoleAssignment.objects.filter(user=people.filler, role=Role.DEPT_HEAD, body=people.other_body).exists()


def test_the_role_form_never_offers_the_city_role(page, live_server, people, login):
    """市管理员 is granted only by `manage.py city`: a 区管理员's role form does not offer it, while it
    offers every role of a district, and a district role assigned with the form's button is listed."""
    _person_page(page, login, people, people.other_filler)
    form = page.locator("#role-assign-form")
    role = form.get_by_label("角色")
    expect(role.locator("option")).to_have_text(["填报人", "部门负责人", "主管主任", "区管理员"])
    expect(role.locator("option", has_text="市管理员")).to_have_count(0)
    expect(role.locator("option[value=city_admin]")).to_have_count(0)

    role.select_option(label="区管理员")
    form.get_by_label("起始日期").fill("2026-04-01")
    form.get_by_role("button", name="分配角色").click()
    expect(_messages(page)).to_contain_text(
        f"已分配角色：{people.other_filler.display_name}任{people.district.name}区管理员。")
    row = page.locator("#roles tr", has_text="区管理员")
    expect(row).to_contain_text(people.district.name)
    expect(row).to_contain_text("2026年4月1日")
    # The form shown again after the assignment still does not offer it.
    expect(page.locator("#role-assign-form").get_by_label("角色").locator("option", has_text="市管理员")).to_have_count(0)
    assert RoleAssignment.objects.filter(user=people.other_filler, role=Role.DISTRICT_ADMIN,
                                         district=people.district).exists()
    assert not RoleAssignment.objects.filter(role=Role.CITY_ADMIN).exists()


def test_reset_a_password_from_a_persons_page(page, live_server, people, login, browser):
    _person_page(page, login, people, people.filler)
    page.locator("#password-reset-form").get_by_role("button", name="重置密码").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"已重置 {people.filler.display_name} 的密码")
    expect(_messages(page)).to_contain_text("本人下次登录时须修改")
    password = page.locator("#initial-password").inner_text()
    assert password and password != DEFAULT_PASSWORD
    # The person signs in with it and is asked to change it first.
    other = browser.new_context(locale="zh-CN")
    try:
        theirs = other.new_page()
        login(theirs, people.filler, password=password)
        expect(theirs).to_have_url(re.compile(r"/accounts/password/change/"))
    finally:
        other.close()
    page.get_by_role("link", name="查看人员").click()
    expect(page.locator("#person-status")).to_have_text("待首次登录改密")


def test_a_control_character_in_a_name_is_refused_with_a_message(page, live_server, people, login):
    _body_page(page, login, people)
    page.get_by_label("新名称").fill("东花市\u202e街道")
    page.get_by_label("更名生效日期").fill("2025-03-01")
    page.get_by_role("button", name="更名", exact=True).click()
    expect(page.locator("#body-rename-form")).to_contain_text("不能包含控制字符（U+202E）")
    assert Body.objects.get(code="donghuashi").name == "东花市街道办事处"


def test_end_a_role_from_a_persons_page(page, live_server, people, login):
    _person_page(page, login, people, people.other_filler)
    row = page.locator("#roles tr", has_text="天坛街道办事处")
    row.get_by_label("填报人的截止日期").fill("2026-06-30")
    row.get_by_role("button", name="结束").click()
    expect(_messages(page)).to_contain_text(f"已结束 {people.other_filler.display_name} 的填报人角色。")
    row = page.locator("#roles tr", has_text="天坛街道办事处")
    expect(row).to_contain_text("2026年6月30日")
    expect(row.get_by_role("button", name="结束")).to_have_count(0)
    expect(page.locator("section[aria-labelledby=log-heading] table")).to_contain_text("结束角色")
    assert RoleAssignment.objects.get(user=people.other_filler, role=Role.FILLER).end_date == date(2026, 6, 30)


def test_a_refused_role_end_says_why_and_keeps_the_role(page, live_server, people, login):
    _person_page(page, login, people, people.other_filler)
    row = page.locator("#roles tr", has_text="天坛街道办事处")
    row.get_by_label("填报人的截止日期").fill("2018-12-31")  # before the role began (2019年1月1日)
    row.get_by_role("button", name="结束").click()
    expect(_messages(page)).to_contain_text("截止日期不能早于起始日期（2019年1月1日）。")
    expect(page.locator("#roles tr", has_text="天坛街道办事处").get_by_role("button", name="结束")).to_have_count(1)
    # Nor does an administrator end their own 区管理员 role.
    _open_person(page, people.admin)
    page.locator("#roles tr", has_text="区管理员").get_by_role("button", name="结束").click()
    expect(_messages(page)).to_contain_text("不能结束自己的区管理员角色，请由其他区管理员操作。")
    expect(page.locator("#roles tr", has_text="区管理员").get_by_role("button", name="结束")).to_have_count(1)
    assert not RoleAssignment.objects.filter(end_date__isnull=False).exists()


def test_create_a_person_with_a_role_who_then_signs_in(page, live_server, people, login, browser):
    form = new_person_page(page, login, people)
    expect(form.get_by_label("角色", exact=True).locator("option")).to_have_text(
        ["（暂不分配）", "填报人", "部门负责人", "主管主任"])
    form.get_by_label("登录名").fill("t.newcomer")
    form.get_by_label("姓名").fill("韩新")
    form.get_by_label("电子邮箱").fill("hanxin@example.cn")
    form.get_by_label("单位").select_option(label="天坛街道办事处")
    form.get_by_label("角色", exact=True).select_option(label="填报人")
    form.get_by_label("角色起始日期").fill("2026-03-01")
    form.get_by_role("button", name="新增人员").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("已新增人员：韩新")
    expect(page.locator("#shown-username")).to_have_text("t.newcomer")
    password = page.locator("#initial-password").inner_text()
    assert password
    page.get_by_role("link", name="查看人员").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("韩新")
    row = page.locator("#roles tr", has_text="天坛街道办事处")
    expect(row).to_contain_text("填报人")
    expect(row).to_contain_text("2026年3月1日")
    expect(page.locator("section[aria-labelledby=log-heading] table")).to_contain_text("新增人员")
    # The new person signs in with the password shown once and is asked to change it first.
    other = browser.new_context(locale="zh-CN")
    try:
        theirs = other.new_page()
        login(theirs, User.objects.get(username="t.newcomer"), password=password)
        expect(theirs).to_have_url(re.compile(r"/accounts/password/change/"))
    finally:
        other.close()


def test_a_new_person_with_a_body_but_no_role_is_refused_and_nothing_created(page, live_server, people, login):
    form = new_person_page(page, login, people)
    form.get_by_label("登录名").fill("t.halfdone")
    form.get_by_label("姓名").fill("半填")
    form.get_by_label("单位").select_option(label="天坛街道办事处")
    form.get_by_role("button", name="新增人员").click()
    expect(_messages(page)).to_contain_text("未保存")
    expect(page.locator("#person-create-form")).to_contain_text("分配角色须同时选择单位和角色。")
    expect(page.locator("#person-create-form").get_by_label("登录名")).to_have_value("t.halfdone")
    assert not User.objects.filter(username="t.halfdone").exists()
