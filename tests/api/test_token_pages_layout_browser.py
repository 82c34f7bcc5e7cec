"""The 「接口令牌」 pages on a desktop screen and on a 390 px phone: axe finds nothing, the page never
scrolls sideways, table headers and buttons stay on one line."""

import pytest

from tests.a11y import axe_violations
from tests.layout.test_mobile_browser import assert_fits, assert_one_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", SCREENS)
def test_the_token_pages_are_accessible_and_fit(page, live_server, login, api_world, issue_token, screen):
    people = api_world["people"]
    issue_token(name="评估机构")
    revoked = issue_token(name="已停用的令牌")
    from api.services import api_token_revoke

    api_token_revoke(token=revoked.token, by=people.admin)
    page.set_viewport_size(SCREENS[screen])
    login(page, people.admin)
    page.goto(f"{live_server.url}/manage/api-tokens/")
    assert axe_violations(page) == [], f"token list ({screen})"
    assert_fits(page, "接口令牌")
    for header in page.locator("table thead th").all():
        assert_one_line(header, "接口令牌 表头")
    for button in page.locator("main .btn").all():
        assert_one_line(button, "接口令牌 按钮")
    # The form refused (an expiry too far ahead): its messages, accessible too; nothing typed is lost.
    page.get_by_label("名称").fill("市公开办")
    page.get_by_label("有效期至").fill("2099-01-01")
    page.get_by_role("button", name="创建令牌").click()
    page.get_by_text("有效期最长 366 天").wait_for()
    assert axe_violations(page) == [], f"refused form ({screen})"
    assert page.get_by_label("名称").input_value() == "市公开办"
    page.get_by_label("有效期至").fill("")
    page.get_by_label("有效期至").fill(page.evaluate("() => new Date(Date.now() + 864e5 * 10).toISOString().slice(0, 10)"))
    page.get_by_role("button", name="创建令牌").click()
    page.locator("#api-token-secret").wait_for()
    assert axe_violations(page) == [], f"created ({screen})"
    assert_fits(page, "已创建接口令牌")
