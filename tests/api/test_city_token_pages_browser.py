"""A 市管理员 goes from 全市 to 接口令牌 by the page's own link, issues a token for the city's two
districts with the page's own form, reads both through the API, revokes it from the page, and the API
refuses it from then on. The page is accessible and fits a 390 px phone."""

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from api.models import ApiCall, ApiToken
from tests.a11y import axe_violations
from tests.layout.test_mobile_browser import assert_fits, assert_one_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _get(url, secret):
    """GET with the token, as the upper level's own program would: (status, JSON)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (the live test server)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_city_administrator_issues_uses_and_revokes_a_city_token(page, live_server, login, two_cities,
                                                                      issue_token, people):
    w = two_cities
    issue_token(district=w["dongcheng"], by=people.admin, name="东城的令牌")  # the district's: shown, not theirs
    login(page, w["city_admin"])
    page.get_by_role("link", name="全市").click()
    expect(page.get_by_role("heading", name="北京市：各区报送进度与汇总")).to_be_visible()
    page.get_by_role("link", name="接口令牌").click()
    expect(page.get_by_role("heading", name="接口令牌", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="本市各区的令牌")).to_be_visible()
    district_row = page.locator("#api-tokens tbody tr", has_text="东城的令牌")
    expect(district_row).to_contain_text("区管理员签发")
    expect(district_row).to_contain_text("由签发方吊销")
    expect(district_row.get_by_role("button", name="吊销")).to_have_count(0)

    form = page.locator("#api-token-create-form")
    expect(form.get_by_label("北京市东城区")).to_be_checked()
    expect(form.get_by_label("北京市西城区")).to_be_checked()
    expect(form.get_by_label("上海市黄浦区")).to_have_count(0)
    # Nothing ticked: said, nothing made, the name kept.
    form.get_by_label("名称").fill("省政府信息公开办公室")
    form.get_by_label("北京市东城区").uncheck()
    form.get_by_label("北京市西城区").uncheck()
    form.get_by_role("button", name="创建令牌").click()
    expect(page.locator("#api-token-create-form").get_by_text("请至少选择一个区")).to_be_visible()
    assert ApiToken.objects.filter(city__isnull=False).count() == 0
    form = page.locator("#api-token-create-form")
    expect(form.get_by_label("名称")).to_have_value("省政府信息公开办公室")
    form.get_by_label("北京市东城区").check()
    form.get_by_label("北京市西城区").check()
    form.get_by_role("button", name="创建令牌").click()

    expect(page.get_by_role("heading", name="已创建接口令牌：省政府信息公开办公室")).to_be_visible()
    expect(page.locator("#api-token-districts")).to_have_text("北京市东城区、北京市西城区")
    secret = page.locator("#api-token-secret").inner_text().strip()
    assert re.fullmatch(r"nb_[A-Za-z0-9_-]{40,}", secret)

    # The upper level's program reads both districts and the city's summary.
    status, districts = _get(f"{live_server.url}/api/v1/districts/", secret)
    assert status == 200 and [d["code"] for d in districts] == ["110101", "110102"]
    status, reports = _get(f"{live_server.url}/api/v1/reports/?year=2025", secret)
    assert status == 200
    assert {r["body"]["code"] for r in reports["results"]} == {
        "donghuashi", "tiantan", "jinrongjie", "desheng"}
    status, summary = _get(f"{live_server.url}/api/v1/city-summaries/110000/2025/", secret)
    assert status == 200 and summary["bodies"] == 3
    assert _get(f"{live_server.url}/api/v1/summaries/310101/2025/", secret)[0] == 404

    # Back on the page: the token, its two districts and its three calls; revoked with its own button.
    page.get_by_role("link", name="返回接口令牌").click()
    row = page.locator("#api-tokens tbody tr", has_text="省政府信息公开办公室")
    expect(row.locator(".token-districts")).to_contain_text("北京市东城区、北京市西城区")
    expect(row.locator(".token-districts")).to_contain_text("北京市市管理员签发")
    expect(row.locator("td").nth(7)).to_have_text("4")
    assert secret not in page.content()
    row.get_by_role("button", name="吊销").click()
    expect(page.get_by_role("status")).to_contain_text("已吊销令牌“省政府信息公开办公室”")
    expect(page.locator("#api-tokens tbody tr", has_text="省政府信息公开办公室").locator(".token-state")
           ).to_contain_text("已吊销")
    assert _get(f"{live_server.url}/api/v1/districts/", secret) == (401, {"detail": "令牌已被吊销。"})
    token = ApiToken.objects.get(name="省政府信息公开办公室")
    assert list(ApiCall.objects.filter(token=token).order_by("pk").values_list("status", flat=True)) == [200] * 3 + [404]
    # The breadcrumb leads back to 全市.
    page.get_by_role("navigation", name="面包屑").get_by_role("link", name="全市").click()
    expect(page.get_by_role("heading", name="北京市：各区报送进度与汇总")).to_be_visible()


@pytest.mark.parametrize("screen", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_the_city_token_page_is_accessible_and_fits(page, live_server, login, two_cities, issue_token, people,
                                                   screen):
    w = two_cities
    issue_token(districts=[w["dongcheng"], w["xicheng"]], by=w["city_admin"], name="北京的令牌")
    issue_token(district=w["dongcheng"], by=people.admin, name="东城的令牌")
    page.set_viewport_size(screen)
    login(page, w["city_admin"])
    page.goto(f"{live_server.url}/manage/api-tokens/")
    assert axe_violations(page) == [], f"city token list ({screen})"
    assert_fits(page, "接口令牌（市管理员）")
    for header in page.locator("table thead th").all():
        assert_one_line(header, "接口令牌 表头")
    for button in page.locator("main .btn").all():
        assert_one_line(button, "接口令牌 按钮")
    page.get_by_label("名称").fill("省政府信息公开办公室")
    page.get_by_label("北京市东城区").uncheck()
    page.get_by_label("北京市西城区").uncheck()
    page.get_by_role("button", name="创建令牌").click()
    expect(page.get_by_text("请至少选择一个区")).to_be_visible()
    assert axe_violations(page) == [], f"refused form ({screen})"
