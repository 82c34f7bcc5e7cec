"""Spreadsheet bombs (issue 11 item 1): a tiny XLSX whose merge range, hyperlink range, dimension or
far-away cell would make openpyxl build millions of objects is refused by config.spreadsheets'
guard before openpyxl opens it, with a Chinese message, on every upload path: the report's own
statistics template and the people import. openpyxl.load_workbook is replaced by a function that
fails the test, so a refusal that came from openpyxl (after the 27 s it took) cannot pass. The
time it takes is measured by benchmarks/xlsx_guard.py."""

import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from agencies.models import User
from config.spreadsheets import XlsxLimits, XlsxRefused, check_xlsx
from reports.excel.template import report_workbook
from reports.models import ReportEvent
from reports.selectors import ReportContent

from .helpers import make_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_LABEL = "统计表文件（.xlsx，不超过 2 MB）"


def with_sheet_xml(content: bytes, edit, member="xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with one sheet's XML rewritten by `edit` (bytes -> bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item.filename, edit(data) if item.filename == member else data)
    return out.getvalue()


def merged(ref: str):
    def edit(xml: bytes) -> bytes:
        extra = f'<mergeCell ref="{ref}"/>'.encode()
        if b"</mergeCells>" in xml:
            return re.sub(rb'<mergeCells count="\d+">', b"<mergeCells>", xml).replace(
                b"</mergeCells>", extra + b"</mergeCells>")
        return xml.replace(b"</sheetData>", b"</sheetData><mergeCells>" + extra + b"</mergeCells>")
    return edit


def far_cell_sheet(row=200_000) -> bytes:
    """A people sheet, valid in every way, with one cell far below: 4.9 KB that cost 143 s of CPU."""
    wb = Workbook()
    ws = wb.active
    ws.append(["登录名", "姓名", "单位代码", "角色"])
    ws.append(["far.one", "远一", "donghuashi", "填报人"])
    ws.cell(row=row, column=1, value="x")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl.load_workbook was called on a file the guard should have refused")
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# ------------------------------------------------------------------------------------- the guard

@pytest.mark.django_db
def test_every_kind_of_bomb_is_refused_by_the_guard(people):
    template = report_workbook(make_report(people))
    limits = XlsxLimits(max_rows=500, max_columns=60, max_spanned=5_000)
    check_xlsx(template, limits)  # the real template passes
    cases = {
        "合并单元格范围过大（AA1:BZ40000）": with_sheet_xml(template, merged("AA1:BZ40000")),
        "合并单元格范围过大（AA1:XFD1048576）": with_sheet_xml(template, merged("AA1:XFD1048576")),
        "延伸到第 1048576 行": with_sheet_xml(template, lambda x: re.sub(
            rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C1048576"', x)),
        "延伸到第 16384 列": with_sheet_xml(template, lambda x: x.replace(
            b"</sheetData>", b'<row r="3"><c r="XFD3" t="n"><v>1</v></c></row></sheetData>')),
        "延伸到第 200000 行": far_cell_sheet(),
    }
    for expected, content in cases.items():
        assert len(content) < 20_000
        with pytest.raises(XlsxRefused, match=re.escape(expected)):
            check_xlsx(content, limits)


def test_a_hyperlink_over_a_huge_range_is_refused():
    wb = Workbook()
    wb.active["A1"] = "链接"
    buffer = io.BytesIO()
    wb.save(buffer)
    content = with_sheet_xml(buffer.getvalue(), lambda x: x.replace(
        b"</sheetData>", b'</sheetData><hyperlinks><hyperlink ref="A1:Z9000" display="x"/></hyperlinks>'))
    with pytest.raises(XlsxRefused, match="A1:Z9000"):
        check_xlsx(content, XlsxLimits(max_rows=10_000, max_spanned=10_000))


def test_a_doctype_anywhere_is_refused():
    """Even after a long comment (a check of the first bytes only would miss it)."""
    wb = Workbook()
    buffer = io.BytesIO()
    wb.save(buffer)
    content = with_sheet_xml(buffer.getvalue(), lambda x: b"<!--" + b" " * 4000 + b'--><!DOCTYPE x [<!ENTITY e '
                             b'SYSTEM "file:///etc/passwd">]>' + x)
    with pytest.raises(XlsxRefused, match="无法读取该文件"):
        check_xlsx(content)


# ------------------------------------------------------------------------------- through the pages

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("ref", ["AA1:BZ40000", "AA1:XFD1048576"])
def test_a_merged_cell_bomb_is_refused_on_the_upload_page(page, live_server, people, login,
                                                          openpyxl_must_not_open, ref):
    report = make_report(people)
    before = ReportContent.of(report).values
    bomb = with_sheet_xml(report_workbook(report), merged(ref))
    assert len(bomb) < 20_000
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.locator("#excel-links").get_by_role("link", name="上传填好的统计表").click()
    page.get_by_label(FILE_LABEL).set_input_files(files=[{"name": "统计表.xlsx", "mimeType": XLSX, "buffer": bomb}])
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".messages")).to_contain_text(f"文件中的合并单元格范围过大（{ref}）")
    expect(page.get_by_role("heading", name="上传填好的统计表")).to_be_visible()
    assert ReportContent.of(report).values == before
    assert not ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.SAVED).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_far_away_cell_is_refused_on_the_people_import_page(page, live_server, people, login,
                                                              openpyxl_must_not_open):
    login(page, people.admin)
    page.get_by_role("link", name="单位与人员").click()
    page.get_by_role("link", name="批量导入人员").click()
    page.get_by_label("人员表（.xlsx）").set_input_files(
        files=[{"name": "人员.xlsx", "mimeType": XLSX, "buffer": far_cell_sheet()}])
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("alert")).to_contain_text("文件中的表格延伸到第 200000 行")
    expect(page.get_by_role("button", name=re.compile("确认导入"))).to_have_count(0)
    assert not User.objects.filter(username="far.one").exists()
