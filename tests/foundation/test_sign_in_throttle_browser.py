"""Sign-in throttling by account *and* address, in Debian's Chromium, from two client addresses.

The addresses are set as the trusted proxy would (NIANBAO_TRUSTED_PROXY_COUNT = 1, X-Forwarded-For per
browser context), so the same code path as behind nginx decides who is who.
"""

import re

import pytest
from playwright.sync_api import expect

from agencies.models import SecurityEvent
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTACKER, OFFICE = "203.0.113.66", "198.51.100.7"


@pytest.fixture
def from_address(browser, settings):
    settings.NIANBAO_TRUSTED_PROXY_COUNT = 1
    contexts = []

    def _page(address):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      extra_http_headers={"X-Forwarded-For": address})
        contexts.append(context)
        return context.new_page()

    yield _page
    for context in contexts:
        context.close()


def _try(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(from_address, live_server, people):
    attacker, owner = from_address(ATTACKER), from_address(OFFICE)
    for attempt in range(7):  # five wrong passwords, then two more tries while locked
        _try(attacker, live_server, people.admin.username, f"guess-{attempt}")
    expect(attacker.get_by_role("heading", name="账号已被暂时锁定")).to_be_visible()
    _try(attacker, live_server, people.admin.username, DEFAULT_PASSWORD)  # even the right one, from there
    expect(attacker.get_by_role("heading", name="账号已被暂时锁定")).to_be_visible()

    # The only administrator still signs in from the office.
    _try(owner, live_server, people.admin.username, DEFAULT_PASSWORD)
    expect(owner.get_by_role("heading", name="工作台")).to_be_visible()

    # The 安全日志: the five wrong passwords, and the lock once, not once per refused try.
    events = SecurityEvent.objects.filter(username=people.admin.username, ip_address=ATTACKER)
    assert events.filter(kind=SecurityEvent.Kind.LOGIN_FAILURE).count() == 5
    assert events.filter(kind=SecurityEvent.Kind.LOCKED).count() == 1


def test_a_spray_from_one_address_is_stopped_and_an_administrator_lifts_it(from_address, live_server, people,
                                                                          settings):
    spray, office = from_address(ATTACKER), from_address(OFFICE)
    names = [f"nobody{i}" for i in range(settings.NIANBAO_ADDRESS_FAILURE_LIMIT - 1)] + [people.head.username]
    for name in names:  # one or two tries per name: no account reaches its own limit
        _try(spray, live_server, name, "Password123!")
    expect(spray.get_by_role("heading", name="登录已被暂时限制")).to_be_visible()
    expect(spray.get_by_text(ATTACKER)).to_be_visible()
    # A colleague behind the same address is refused too, with the same page; from elsewhere she signs in.
    _try(spray, live_server, people.filler.username, DEFAULT_PASSWORD)
    expect(spray.get_by_role("heading", name="登录已被暂时限制")).to_be_visible()
    _try(office, live_server, people.admin.username, DEFAULT_PASSWORD)
    expect(office.get_by_role("heading", name="工作台")).to_be_visible()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED, ip_address=ATTACKER).count() == 2

    # The administrator lifts the address's lock from the 安全日志.
    office.get_by_role("link", name="安全日志").click()
    row = office.get_by_role("row", name=re.compile(people.filler.username))
    row.get_by_role("button", name="解除该地址的锁定").click()
    expect(office.get_by_text(f"已解除 IP 地址 {ATTACKER} 的登录锁定")).to_be_visible()
    unlocked = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNLOCKED)
    assert unlocked.ip_address == ATTACKER and unlocked.actor == people.admin
    _try(spray, live_server, people.filler.username, DEFAULT_PASSWORD)
    expect(spray.get_by_role("heading", name="工作台")).to_be_visible()
