"""The 市管理员 and the public in Chromium, across the two districts of a city."""

import pytest
from playwright.sync_api import expect

from reports.city.selectors import city_summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_administrator_follows_every_district_and_compiles_the_city_summary(page, live_server, city,
                                                                                     login):
    login(page, city["city_admin"])
    page.get_by_role("link", name="全市").click()
    expect(page.get_by_role("heading", name="北京市：各区报送进度与汇总")).to_be_visible()
    expect(page.get_by_role("link", name="北京市西城区报送进度")).to_be_visible()
    # A district's board, read only.
    page.get_by_role("link", name="北京市西城区报送进度").click()
    expect(page.get_by_role("heading", name="北京市西城区2025年度报送进度")).to_be_visible()
    expect(page.locator("#board")).to_contain_text("德胜街道办事处")
    expect(page.locator("#remind-button")).to_have_count(0)
    page.get_by_role("link", name="全市").first.click()
    # The city's summary: both districts, three published reports, the sums of both.
    page.get_by_role("link", name="全市汇总").click()
    expect(page.get_by_role("heading", name="北京市2025年度市级汇总")).to_be_visible()
    expect(page.locator("#city-scope")).to_contain_text("2 个区共 3 个单位；未纳入 1 个单位")
    rows = page.locator("#city-districts tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("北京市西城区")
    # A cell's drill-down names each district's figure, and leads on to that district's bodies.
    summary = city_summary(city["city"], 2025)
    cell_id = next(c for c, v in summary.sums.items() if v)
    page.locator(f'a[href*="/cells/{cell_id}/"]').first.click()
    expect(page.locator("#city-drilldown tfoot")).to_contain_text(summary.text(cell_id))
    expect(page.locator("#city-drilldown tbody tr")).to_have_count(2)
    page.get_by_role("link", name="北京市西城区").click()
    expect(page.locator("table")).to_contain_text("金融街街道办事处")


def test_the_public_chooses_a_district_on_the_city_portal(page, live_server, city):
    page.goto(f"{live_server.url}/portal/?year=2025")
    reports = page.locator("#report-list tbody")
    expect(reports).to_contain_text("金融街街道办事处")
    expect(reports).to_contain_text("东花市街道办事处")
    page.get_by_label("区", exact=True).select_option(label="北京市西城区")
    page.get_by_role("button", name="查找").click()
    expect(reports).to_contain_text("金融街街道办事处")
    expect(reports).not_to_contain_text("东花市街道办事处")
    # A report's page says whose district it is, and leads back to it.
    page.get_by_role("link", name="金融街街道办事处").click()
    page.get_by_role("navigation", name="面包屑").get_by_role("link", name="北京市西城区").click()
    expect(page.get_by_label("区", exact=True)).to_have_value("110102")
