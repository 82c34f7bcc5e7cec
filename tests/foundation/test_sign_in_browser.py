"""Sign-in as a person does it, in Debian's Chromium: login, lockout, idle timeout, first-login change."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from agencies.models import SecurityEvent
from tests.factories import DEFAULT_PASSWORD, RoleAssignmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_shows_the_workspace_and_logout_ends_it(page, live_server, people, login):
    login(page, people.filler)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator("#current-user")).to_have_text(people.filler.full_name)
    expect(page.get_by_role("cell", name="东花市街道办事处")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录年报系统")).to_be_visible()
    page.goto(f"{live_server.url}/workspace/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/workspace/"))
    kinds = list(SecurityEvent.objects.filter(user=people.filler).values_list("kind", flat=True))
    assert set(kinds) == {SecurityEvent.Kind.LOGIN_SUCCESS, SecurityEvent.Kind.LOGOUT}


def test_wrong_password_explains_and_five_failures_lock_the_account(page, live_server, people, login):
    for attempt in range(5):
        login(page, people.filler, password=f"wrong-{attempt}")
        if attempt < 4:
            expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    expect(page.get_by_role("heading", name="账号已被暂时锁定")).to_be_visible()
    # Even the right password is refused while the lock lasts.
    login(page, people.filler)
    expect(page.get_by_role("heading", name="账号已被暂时锁定")).to_be_visible()
    events = SecurityEvent.objects.filter(username=people.filler.username)
    assert events.filter(kind=SecurityEvent.Kind.LOGIN_FAILURE).count() >= 5
    assert events.filter(kind=SecurityEvent.Kind.LOCKED).exists()
    failure = events.filter(kind=SecurityEvent.Kind.LOGIN_FAILURE).first()
    assert failure.ip_address == "127.0.0.1"

    # The district administrator lifts the lock; that is recorded with who did it.
    admin_page = page.context.browser.new_context().new_page()
    login(admin_page, people.admin)
    admin_page.goto(f"{live_server.url}/manage/bodies/donghuashi/")
    admin_page.get_by_role("row", name=re.compile(people.filler.full_name)).get_by_role(
        "button", name="解除登录锁定"
    ).click()
    expect(admin_page.get_by_text(f"已解除 {people.filler.full_name} 的登录锁定")).to_be_visible()
    unlock = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNLOCKED, user=people.filler)
    assert unlock.actor == people.admin
    login(page, people.filler)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def test_lock_expires_after_fifteen_minutes(page, live_server, people, login):
    for attempt in range(5):
        login(page, people.filler, password=f"wrong-{attempt}")
    expect(page.get_by_role("heading", name="账号已被暂时锁定")).to_be_visible()
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=True):
        login(page, people.filler)
        expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def test_idle_session_ends_after_thirty_minutes(page, live_server, people, login):
    login(page, people.filler)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=True):
        page.reload()  # activity within 30 minutes keeps the session alive
        expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    with time_machine.travel(timezone.now() + timedelta(minutes=20 + 31), tick=True):
        page.reload()
        expect(page.get_by_role("heading", name="登录年报系统")).to_be_visible()


def test_first_login_requires_a_strong_new_password(page, live_server, people, login):
    newcomer = UserFactory(username="newcomer", full_name="新人", must_change_password=True)
    RoleAssignmentFactory(user=newcomer, body=people.body)
    login(page, newcomer)
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_text("这是您首次登录")).to_be_visible()
    page.goto(f"{live_server.url}/workspace/")  # nothing else is reachable yet
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()

    page.locator("#id_old_password").fill(DEFAULT_PASSWORD)
    page.locator("#id_new_password1").fill("abcdefghij")
    page.locator("#id_new_password2").fill("abcdefghij")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator("[id^=error_]").get_by_text("密码须至少包含大写字母、小写字母、数字、符号中的 3 类")).to_be_visible()

    page.locator("#id_old_password").fill(DEFAULT_PASSWORD)
    page.locator("#id_new_password1").fill("Short1!")
    page.locator("#id_new_password2").fill("Short1!")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator("[id^=error_]").get_by_text("至少包含 10 个字符")).to_be_visible()

    page.locator("#id_old_password").fill(DEFAULT_PASSWORD)
    page.locator("#id_new_password1").fill("Dongcheng#2026")
    page.locator("#id_new_password2").fill("Dongcheng#2026")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert newcomer.check_password("Dongcheng#2026")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED, user=newcomer).exists()


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("filler", ["工作台"], ["单位与人员", "安全日志"]),
        ("head", ["工作台"], ["单位与人员", "安全日志"]),
        ("director", ["工作台"], ["单位与人员", "安全日志"]),
        ("admin", ["工作台", "单位与人员", "安全日志"], []),
    ],
)
def test_navigation_shows_what_each_role_allows(page, people, login, role, visible, hidden):
    login(page, people.by_role()[role])
    nav = page.get_by_role("navigation", name="主导航")
    for label in visible:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)


def test_pages_load_no_asset_from_outside_and_break_no_csp_rule(page, live_server, people, login):
    outside, violations = [], []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, people.admin)
    page.goto(f"{live_server.url}/manage/bodies/")
    expect(page.get_by_role("heading", name="单位与人员")).to_be_visible()
    # Bootstrap's script ran (the collapse toggler works only with it) and the stylesheet applied.
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert page.evaluate("typeof window.htmx") == "object"
    assert outside == [] and violations == []
