"""A 区管理员 issues a token through the page's own form, sees its secret once, uses it, revokes it."""

import re

import pytest
from playwright.sync_api import expect

from api.models import ApiCall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_issue_use_and_revoke_a_token(page, live_server, login, api_world):
    people = api_world["people"]
    login(page, people.admin)
    page.get_by_role("link", name="单位与人员").click()
    page.get_by_role("link", name="接口令牌").click()
    expect(page.get_by_role("heading", name="接口令牌", level=1)).to_be_visible()
    expect(page.locator("#api-tokens")).to_contain_text("还没有令牌")

    form = page.locator("#api-token-create-form")
    form.get_by_label("名称").fill("市政府信息公开办公室")
    form.get_by_label("时间线：报告的办理过程").check()
    form.get_by_role("button", name="创建令牌").click()

    expect(page.get_by_role("heading", name="已创建接口令牌：市政府信息公开办公室")).to_be_visible()
    secret = page.locator("#api-token-secret").inner_text().strip()
    assert re.fullmatch(r"nb_[A-Za-z0-9_-]{40,}", secret)
    expect(page.get_by_role("alert")).to_contain_text("令牌只显示这一次")

    # The token reads its district's reports and timelines.
    headers = {"Authorization": f"Bearer {secret}"}
    response = page.request.get(f"{live_server.url}/api/v1/reports/?year=2025", headers=headers)
    assert response.status == 200
    assert {r["body"]["code"] for r in response.json()["results"]} == {"donghuashi", "tiantan"}
    timeline = page.request.get(f"{live_server.url}/api/v1/reports/{api_world['published'].pk}/timeline/",
                                headers=headers)
    assert timeline.status == 200 and timeline.json()[0]["kind"] == "submitted"

    # Back on the list: the token, its use, and never its secret again.
    page.get_by_role("link", name="返回接口令牌").click()
    row = page.locator("#api-tokens tbody tr", has_text="市政府信息公开办公室")
    expect(row).to_contain_text("有效")
    expect(row).to_contain_text("读取、时间线")
    expect(row.locator("td").nth(7)).to_have_text("2")
    assert secret not in page.content()

    row.get_by_role("button", name="吊销").click()
    expect(page.get_by_role("status")).to_contain_text("已吊销令牌“市政府信息公开办公室”")
    expect(page.locator("#api-tokens tbody tr", has_text="市政府信息公开办公室").locator(".token-state")
           ).to_contain_text("已吊销")
    refused = page.request.get(f"{live_server.url}/api/v1/reports/", headers=headers)
    assert refused.status == 401 and refused.json() == {"detail": "令牌已被吊销。"}
    assert list(ApiCall.objects.order_by("pk").values_list("status", flat=True)) == [200, 200, 401]

    # The administrators' 操作记录 holds both.
    page.get_by_role("link", name="操作记录").click()
    expect(page.locator("main")).to_contain_text("创建接口令牌")
    expect(page.locator("main")).to_contain_text("吊销接口令牌")
