"""Formula injection and control characters in every export (issue 11 items 2 and 6): text that
starts with = + - @ (or tab, CR) is neutralised by config.spreadsheets.cell_value in the report's
statistics template, the timeline (XLSX and CSV), the progress board, the district summary and the
portal's open-data CSV; a control character no longer breaks the timeline workbook; numbers stay
numbers. Each file is downloaded from the link its page shows and opened with openpyxl."""

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pyquery import PyQuery

from config.spreadsheets import cell_value
from reports.models import AnnualReport, ReportEvent, ReportSection
from reports.publishing.models import ReportPdf
from tests.factories import BodyFactory, RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

EVIL_BODY = '=HYPERLINK("http://evil.example/","点击查看")'
EVIL_PERSON = "@SUM(1+1)*cmd"
EVIL_COMMENT = "-2+3+cmd|' /C calc'!A0"
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def test_cell_value():
    assert cell_value("=1+2") == "'=1+2"
    assert cell_value("+cmd") == "'+cmd"
    assert cell_value("-2+3") == "'-2+3"
    assert cell_value("@SUM(A1)") == "'@SUM(A1)"
    assert cell_value("\t=1") == "'\t=1" and cell_value("\r=1") == "'\r=1"
    assert cell_value("a\x01b\x0bc\x00d\ud800e") == "abcde"
    assert cell_value("第一行\n第二行\t完") == "第一行\n第二行\t完"
    assert cell_value("-3") == "-3" and cell_value("+1.5") == "+1.5"  # a number as text is harmless
    assert cell_value(-3) == -3 and cell_value(Decimal("-1.5")) == Decimal("-1.5") and cell_value(None) is None
    assert cell_value("东花市街道办事处") == "东花市街道办事处"


def assert_no_formulas(content: bytes) -> list:
    """Every cell of every sheet (the hidden one too): none is a formula, no text would become one.
    Returns every cell for further checks."""
    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    for cell in cells:
        assert cell.data_type != "f", (cell.parent.title, cell.coordinate, cell.value)
        if isinstance(cell.value, str) and not _PLAIN_NUMBER.fullmatch(cell.value):
            assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (cell.coordinate, cell.value)
    return cells


def values_of(cells) -> list:
    return [cell.value for cell in cells]


@pytest.fixture
def evil(people):
    """A body and a person with names that are formulas, a report of that body with a typed formula
    in a cell, and a timeline with a formula and control characters in a comment."""
    body = BodyFactory(code="evil", name=EVIL_BODY, district=people.district)
    person = RoleAssignmentFactory(user__username="t.evil", user__full_name=EVIL_PERSON, role="filler", body=body).user
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=body, filled=True)
    section = ReportSection.objects.get(report=report, key="s4")
    section.raw = {"s4.c1": "=1+1"}  # what the filler typed, kept because it is not a number
    section.save()
    ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.RETURNED, actor=person,
                               comment=EVIL_COMMENT + "\x01\x0b第二句", data={"comments": []})
    return {"body": body, "person": person, "year": year, "report": report}


@pytest.mark.django_db
def test_the_statistics_template_is_safe(people, client, evil):
    client.force_login(evil["person"])
    report = evil["report"]
    overview = PyQuery(client.get(f"/reports/{report.pk}/").content)
    content = client.get(overview("#excel-links a").eq(0).attr("href")).content
    cells = assert_no_formulas(content)
    assert "'=1+1" in values_of(cells)  # the typed text shows as typed, and is still refused on upload
    assert f"'{report.title}" in values_of(cells)
    numbers = [c for c in cells if c.parent.title.startswith("三") and isinstance(c.value, (int, float))]
    assert numbers and all(c.data_type == "n" for c in numbers)


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["CSV", "Excel（XLSX）"])
def test_the_timeline_exports_are_safe_with_control_characters(people, client, evil, link):
    client.force_login(people.admin)
    report = evil["report"]
    page = PyQuery(client.get(f"/review/{report.pk}/").content)
    href = next(a.get("href") for a in page("a") if a.text == link)
    response = client.get(href)
    assert response.status_code == 200  # a control character used to make this a 500, for good
    if link == "CSV":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        fields = [field for row in rows for field in row]
        assert f"'{EVIL_COMMENT}第二句" in fields
        assert f"'{EVIL_PERSON}" in fields
        assert not [f for f in fields if f.startswith(("=", "+", "-", "@")) and not _PLAIN_NUMBER.fullmatch(f)]
    else:
        cells = assert_no_formulas(response.content)
        assert f"'{EVIL_COMMENT}第二句" in values_of(cells)
        assert f"'{EVIL_PERSON}" in values_of(cells)


@pytest.mark.django_db
def test_the_progress_board_export_is_safe(people, client, evil):
    client.force_login(people.admin)
    page = PyQuery(client.get(f"/district/years/{evil['year'].pk}/board/").content)
    href = next(a.get("href") for a in page("a") if (a.text or "").strip() == "导出 Excel")
    cells = assert_no_formulas(client.get(href).content)
    assert f"'{EVIL_BODY}" in values_of(cells)
    assert any(isinstance(v, str) and EVIL_PERSON in v and v.startswith("'") for v in values_of(cells))


@pytest.mark.django_db
def test_the_summary_workbook_is_safe_and_keeps_numbers(people, client, evil):
    AnnualReport.objects.filter(pk=evil["report"].pk).update(status="published")
    AnnualReportFactory(reporting_year=evil["year"], body=people.body, published=True)
    evil_report = AnnualReport.objects.get(pk=evil["report"].pk)
    from reports.publishing.snapshot import snapshot_of

    ReportPdf.objects.create(report=evil_report, version=1, status=ReportPdf.Status.DONE, file="x.pdf",
                             sha256="0" * 64, content=snapshot_of(evil_report))
    client.force_login(people.admin)
    page = PyQuery(client.get(f"/summary/years/{evil['year'].pk}/").content)
    href = next(a.get("href") for a in page("a") if (a.text or "").strip() == "下载 Excel")
    cells = assert_no_formulas(client.get(href).content)
    assert f"'{EVIL_BODY}" in values_of(cells)
    numbers = [c for c in cells if c.parent.title == "全部单位" and c.row > 2 and c.column > 1]
    assert numbers and all(c.data_type == "n" for c in numbers if c.value is not None)


@pytest.mark.django_db
def test_the_portal_open_data_csv_is_safe(people, client, evil):
    AnnualReport.objects.filter(pk=evil["report"].pk).update(status="published")
    report = AnnualReport.objects.get(pk=evil["report"].pk)
    from reports.publishing.snapshot import snapshot_of

    ReportPdf.objects.create(report=report, version=1, status=ReportPdf.Status.DONE, file="x.pdf",
                             sha256="0" * 64, content=snapshot_of(report))
    rows = list(csv.reader(io.StringIO(client.get("/portal/years/2025/data.csv").content.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "evil")
    assert row[1] == f"'{EVIL_BODY}"
    assert all(_PLAIN_NUMBER.fullmatch(v) for v in row[6:] if v)  # numbers unchanged


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_control_character_no_longer_breaks_the_timeline_download(page, live_server, people, login, evil):
    """The district administrator downloads the timeline from the report's review page."""
    login(page, people.admin)
    page.goto(f"{live_server.url}/review/{evil['report'].pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel（XLSX）").click()
    with open(download.value.path(), "rb") as handle:
        cells = assert_no_formulas(handle.read())
    assert f"'{EVIL_COMMENT}第二句" in values_of(cells)
    expect(page.get_by_role("link", name="Excel（XLSX）")).to_be_visible()
