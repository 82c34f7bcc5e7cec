"""The city summary's XLSX and PDF (issue 14.2): the district summary's own workbook and PDF, summed
over the city's districts; only the city's 市管理员 may download them."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from reports.formats.layout import table_grid
from reports.summary.summary import BASES
from tests.city.helpers import TITLE, districts_sums, excel, expected_document
from tests.publishing.helpers import assert_in_order, document_sequence, pdftotext, squeeze

pytestmark = pytest.mark.django_db



def _url(name, basis=None, code="110000", year=2025):
    return reverse(name, args=[code, year]) + (f"?basis={basis}" if basis else "")


def test_downloads_answer_every_role_as_the_city_summary_page_does(client, people, city):
    who = {"市管理员": city["city_admin"], "上海 市管理员": city["other_city_admin"], "东城 admin": people.admin,
           "西城 admin": city["xi_admin"], "东城 filler": people.filler, "东城 head": people.head,
           "东城 director": people.director, "西城 filler": city["xi_filler"]}
    expected = {role: 403 for role in who} | {"市管理员": 200, "上海 市管理员": 404}
    for role, user in who.items():
        client.force_login(user)
        page = client.get(_url("city:summary")).status_code
        seen = {name: client.get(_url(name)).status_code for name in ("city:xlsx", "city:pdf")}
        assert seen == {"city:xlsx": expected[role], "city:pdf": expected[role]} and page == expected[role], role
    client.logout()
    for name in ("city:xlsx", "city:pdf"):
        response = client.get(_url(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_year_is_not_found_and_an_unknown_basis_is_said(client, city):
    client.force_login(city["city_admin"])
    for name in ("city:xlsx", "city:pdf"):
        assert client.get(_url(name, year=2031)).status_code == 404
        assert client.get(_url(name, code="999999")).status_code == 404
        assert client.get("/city/110000/20x5/summary.xlsx").status_code == 404
        response = client.get(_url(name, basis="everything"))
        assert response.status_code == 302 and response["Location"] == _url("city:summary")
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["没有这个汇总范围，请在页面上选择后再下载。"]
    page = client.get(_url("city:summary")).content.decode()
    assert f'href="{_url("city:xlsx", "published")}"' in page and f'href="{_url("city:pdf", "published")}"' in page


@pytest.mark.parametrize("basis", sorted(BASES))
def test_the_workbook_is_the_sum_of_the_districts(client, desheng_approved, basis):
    city = desheng_approved
    sums, parts = districts_sums(city, basis)
    client.force_login(city["city_admin"])
    response = client.get(_url("city:xlsx", basis))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="city-summary-110000-2025{"-approved" if basis == "approved" else ""}.xlsx"')
    wb = load_workbook(io.BytesIO(response.content))
    fmt = city["dong_year"].format
    assert len(wb.sheetnames) == 1 + len(fmt.tables()) + 1 and wb.sheetnames[-1] == "各区"
    # Every table in the official layout, each number the districts' sum.
    for sheet_name, table in zip(wb.sheetnames[1:-1], fmt.tables(), strict=True):
        sheet = wb[sheet_name]
        assert sheet["A1"].value.startswith("北京市2025年度") and "市级汇总" in sheet["A1"].value
        data = [cell for cell in table_grid(table, first_row=3)[0] if cell.data]
        assert data
        for cell in data:
            assert sheet.cell(cell.row, cell.column).value == excel(sums[cell.data.id]), cell.data.id
    # One row a district, then the city's total.
    districts = wb["各区"]
    ids = [c.value for c in districts[2]]
    rows = list(districts.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["北京市东城区", "北京市西城区", "合计"]
    for row, expected in zip(rows, [parts[0].sums, parts[1].sums, sums], strict=True):
        assert {i: row[n] for n, i in enumerate(ids) if n} == {i: excel(v) for i, v in expected.items()}
    # What was summed, who is missing (named under their district), in words.
    about = [[v for v in row if v is not None] for row in wb["说明"].iter_rows(values_only=True)]
    assert about[0] == [TITLE]
    bodies = 3 if basis == "published" else 4
    assert about[1][0] == f"汇总范围：{BASES[basis][0]}，北京市东城区、北京市西城区共 2 个区 {bodies} 个单位；格式：{fmt.name}"
    start = about.index(["未纳入汇总的单位", "状态"])
    if basis == "published":
        assert about[start + 1:start + 3] == [["北京市西城区："], ["德胜街道办事处", "已批准·待发布"]]
    else:
        assert about[start + 1] == ["（无）"]


@pytest.mark.parametrize("basis", sorted(BASES))
def test_the_pdf_is_the_sum_of_the_districts(client, desheng_approved, basis, tmp_path):
    city = desheng_approved
    sums, _parts = districts_sums(city, basis)
    client.force_login(city["city_admin"])
    response = client.get(_url("city:pdf", basis))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "city.pdf"
    path.write_bytes(response.content)
    text = pdftotext(path, "-raw")  # reading order, as the publishing tests read a report
    bodies = 3 if basis == "published" else 4
    assert squeeze(f"汇总范围：{BASES[basis][0]}，北京市东城区、北京市西城区共2个区{bodies}个单位。") in squeeze(text)
    missing = "未纳入汇总的单位1个：北京市西城区：德胜街道办事处（已批准·待发布）。"
    assert (missing in squeeze(text)) == (basis == "published")
    # Every label of the format in reading order, each row with the districts' summed numbers.
    assert_in_order(text, document_sequence(expected_document(city["dong_year"].format, sums)))


def test_a_district_in_another_format_is_named_apart_in_the_downloads(client, city, tmp_path):
    city["xi_year"].format_version = "2019"
    city["xi_year"].save()
    client.force_login(city["city_admin"])
    wb = load_workbook(io.BytesIO(client.get(_url("city:xlsx")).content))
    about = [row[0] for row in wb["说明"].iter_rows(values_only=True)]
    assert "以下区的本年度使用其他格式，未计入全市合计：北京市西城区。" in about
    assert [row[0] for row in wb["各区"].iter_rows(min_row=3, values_only=True)] == ["北京市东城区", "合计"]
    path = tmp_path / "city.pdf"
    path.write_bytes(client.get(_url("city:pdf")).content)
    assert squeeze("北京市东城区共2个单位") not in squeeze(pdftotext(path))
    assert squeeze("北京市东城区共 1 个区 2 个单位。以下区的本年度使用其他格式，未计入全市合计：北京市西城区。") in squeeze(
        pdftotext(path))
