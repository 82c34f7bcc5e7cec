"""The 市管理员 in Chromium: from 全市 to the city summary, its 汇总范围 switched with the page's own
control and button, and the XLSX and PDF downloaded from the page's own links."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.formats.cells import format_cell
from reports.summary.summary import BASES
from tests.a11y import axe_violations
from tests.city.helpers import TITLE, districts_sums, excel, expected_document
from tests.publishing.helpers import assert_in_order, document_sequence, pdftotext, squeeze

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_administrator_switches_the_basis_and_downloads_what_the_page_shows(page, live_server, login,
                                                                                     desheng_approved, tmp_path):
    city = desheng_approved
    published, _ = districts_sums(city, "published")
    approved, _ = districts_sums(city, "approved")
    # A cell that 德胜's approved report changes: the switch must show it.
    cell_id = next(c for c in approved if approved[c] != published[c] and c.startswith("s3."))
    fmt = city["dong_year"].format
    cell = fmt.cell(cell_id)
    login(page, city["city_admin"])
    page.get_by_role("link", name="全市").click()
    page.get_by_role("link", name="全市汇总").click()
    expect(page.get_by_role("heading", name="北京市2025年度市级汇总")).to_be_visible()
    scope = page.locator("#city-scope")
    figure = page.locator(f'td[data-cell="{cell_id}"]')
    expect(scope).to_contain_text(f"汇总范围：{BASES['published'][0]}，2 个区共 3 个单位；未纳入 1 个单位")
    expect(figure).to_have_text(format_cell(cell.type, published[cell_id]))

    # 汇总范围: the page's own radio and its 切换 button.
    page.get_by_label(BASES["approved"][0]).check()
    page.get_by_role("button", name="切换").click()
    expect(scope).to_contain_text(f"汇总范围：{BASES['approved'][0]}，2 个区共 4 个单位；未纳入 0 个单位")
    expect(figure).to_have_text(format_cell(cell.type, approved[cell_id]))
    expect(page.get_by_label(BASES["approved"][0])).to_be_checked()
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []  # the page with its downloads, on this screen and on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []

    # The downloads, from the page's own links, for the basis now shown.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    assert download.value.suggested_filename == "city-summary-110000-2025-approved.xlsx"
    wb = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert wb["说明"]["A1"].value == TITLE
    assert wb["说明"]["A2"].value.startswith(f"汇总范围：{BASES['approved'][0]}，北京市东城区、北京市西城区共 2 个区 4 个单位")
    districts = wb["各区"]
    ids = [c.value for c in districts[2]]
    total = [row for row in districts.iter_rows(min_row=3, values_only=True) if row[0] == "合计"]
    assert len(total) == 1
    assert {i: total[0][n] for n, i in enumerate(ids) if n} == {i: excel(v) for i, v in approved.items()}

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    assert download.value.suggested_filename == "city-summary-110000-2025-approved.pdf"
    path = tmp_path / "city.pdf"
    download.value.save_as(path)
    text = pdftotext(path, "-raw")
    assert squeeze(f"汇总范围：{BASES['approved'][0]}，北京市东城区、北京市西城区共2个区4个单位。") in squeeze(text)
    assert_in_order(text, document_sequence(expected_document(fmt, approved)))
