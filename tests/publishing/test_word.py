"""The Word copy (.docx) of every published version: made by its own task after the PDF, every label
and number of the report on the official grid with its merges, A4 with GB/T 9704 margins, the official
fonts with their fallbacks, one copy per version (a correction keeps the earlier ones), downloadable
from the portal and linked from the staff pages; 404 for anything unpublished."""

import hashlib
import io
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from pyquery import PyQuery

from reports.formats import available_formats
from reports.models import ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.tasks import publish
from reports.workflow import report_transition
from tests.publishing.helpers import pdftotext, publish_with_word_copy
from tests.publishing.word_helpers import (
    Grid,
    assert_merges_follow_the_layout,
    assert_table_holds_the_definition,
    east_asian_font,
    group_spans,
    open_docx,
)
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A sum of EMU rounded to twentieths of a point in the file: within 0.05 mm.
TOLERANCE = Mm(0.05)


def _close(length, millimetres) -> bool:
    return abs(length - Mm(millimetres)) <= TOLERANCE


def _published(people, *, year=2025, variant=""):
    reporting_year = ReportingYearFactory(district=people.district, year=year, format_variant=variant)
    report = AnnualReportFactory(reporting_year=reporting_year, body=people.body, approved=True)
    assert publish_with_word_copy(report.pk) == "published"
    report.refresh_from_db()
    return report


@pytest.mark.parametrize(("version", "variant"), available_formats())
def test_the_word_copy_holds_every_label_and_number_on_the_official_grid(people, version, variant):
    report = _published(people, year=2020 if version == "2019" else 2025, variant=variant or "")
    pdf = report.pdf_versions.get()
    assert pdf.docx and pdf.docx.name.endswith("-v1.docx")
    with pdf.docx.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == pdf.docx_sha256 and len(data) == pdf.docx_size
    word = open_docx(data)
    fmt = report.format
    assert fmt.key == (f"{version}-{variant}" if variant else version)

    # The statistics tables, in the order of the definition, each on its own grid.
    tables = fmt.tables()
    assert len(word.tables) == len(tables)
    compared = merged = 0
    for table, word_table in zip(tables, word.tables):
        compared += assert_table_holds_the_definition(fmt, table, word_table, pdf.content)
        merged += assert_merges_follow_the_layout(table, word_table)
        for label, leaves in group_spans(table):  # every column group is one cell across its leaves
            spans = [tc.grid_span for tc in word_table._tbl.iter_tcs() if tc.xpath("string(.)").strip() == label]
            assert spans == [leaves], (label, spans)
    assert compared == len(fmt.cells()) and merged > 0
    assert any(v not in (None, 0, "0") for v in pdf.content["values"].values())  # real numbers were compared

    # Title, section headings in 黑体, part headings in 楷体, every paragraph of every text part, in order.
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    texts = [text for _, text in paragraphs]
    assert paragraphs[0] == ("Heading 1", report.title)
    expected = [("Heading 2", section.title) for section in fmt.sections]
    assert [p for p in paragraphs if p[0] == "Heading 2"][:len(expected)] == expected
    position = 0
    for section in fmt.sections:
        for part in section.parts:  # a table's note prints its text, not its title (as the page and the PDF)
            items = ([part.title] if part.title and not section.tables else []) + [
                line.strip() for line in pdf.content["texts"].get(part.key, "").splitlines() if line.strip()]
            for item in items:
                assert item in texts[position:], (part.key, item)
                position = texts.index(item, position) + 1
    assert any(line.strip() for text in pdf.content["texts"].values() for line in text.splitlines())
    day = timezone.localdate(pdf.published_at)
    assert texts[-2:] == [report.body_name, f"{day.year}年{day.month}月{day.day}日"]  # the signature


def test_a4_gb_t_9704_margins_fonts_and_landscape_wide_tables(people):
    report = _published(people)
    with report.pdf_versions.get().docx.open("rb") as handle:
        data = handle.read()
    parts = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "word/document.xml" in parts and "word/fontTable.xml" in parts
    assert "docProps/thumbnail.jpeg" not in parts and "word/stylesWithEffects.xml" not in parts  # not the template's
    word = open_docx(data)
    first = word.sections[0]
    assert _close(first.page_width, 210) and _close(first.page_height, 297)
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert (_close(first.top_margin, 37) and _close(first.bottom_margin, 35) and _close(first.left_margin, 28)
            and _close(first.right_margin, 26))
    for section in word.sections:  # the wide tables' pages turn the paper and the margins with it
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        assert _close(section.page_width, 297 if landscape else 210)
        assert _close(section.top_margin, 28 if landscape else 37)
    assert any(s.orientation == WD_ORIENT.LANDSCAPE for s in word.sections)
    assert word.sections[-1].orientation == WD_ORIENT.PORTRAIT  # the signature is on a portrait page again

    styles = word.styles
    assert east_asian_font(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size.pt == 16
    assert east_asian_font(styles["Heading 2"]) == "黑体" and east_asian_font(styles["Heading 3"]) == "楷体_GB2312"
    assert east_asian_font(styles["Heading 1"]) == "方正小标宋简体" and styles["Heading 1"].font.size.pt == 22
    defaults = styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert defaults.get(qn("w:eastAsia")) == "仿宋_GB2312" and defaults.get(qn("w:eastAsiaTheme")) is None
    # The fallbacks: each official face names the face Windows / WPS install, in the GB2312 character set.
    font_table = next(p for p in word.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    from docx.oxml import parse_xml

    fonts = {f.get(qn("w:name")): f for f in parse_xml(font_table.blob).findall(qn("w:font"))}
    for name, alternative in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("黑体", "SimHei"), ("方正小标宋简体", "宋体")):
        assert fonts[name].find(qn("w:altName")).get(qn("w:val")) == alternative
        assert fonts[name].find(qn("w:charset")).get(qn("w:val")) == "86"
    # Table headers in 黑体, numbers right-aligned; header rows repeat on every page.
    table = word.tables[0]
    header_run = Grid(table).cell(0, 0).paragraphs[0].runs[0]
    assert header_run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[-1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert Grid(table).cell(len(table.rows) - 1, len(table.columns) - 1).paragraphs[0].alignment == 2  # RIGHT
    # 首行缩进 two characters in the body text, none in the cells, the title or the signature.
    assert styles["Normal"].element.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert styles["Heading 1"].element.pPr.ind.get(qn("w:firstLineChars")) == "0"
    assert Grid(table).cell(0, 0).paragraphs[0]._p.pPr.ind.get(qn("w:firstLineChars")) == "0"
    assert word.paragraphs[-1]._p.pPr.ind.get(qn("w:firstLineChars")) == "0"
    # Each table is named for screen readers: its caption (第二十条第（一）项), or its section's title.
    named = [t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) for t in word.tables]
    assert named == [t.caption or next(s.title for s in report.format.sections if t in s.tables)
                     for t in report.format.tables()]
    footer = first.footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("—") and footer.text.endswith("—")
    assert word.core_properties.title == report.title and word.core_properties.author == report.body_name


def test_the_portal_serves_it_with_the_chinese_filename_cached_like_the_pdf(client, people):
    report = _published(people)
    pdf = report.pdf_versions.get()
    response = client.get(f"/portal/reports/{report.pk}/v1.docx")
    assert response.status_code == 200 and response["Content-Type"] == WORD
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == pdf.docx_sha256 and response["Content-Length"] == str(len(data))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'filename="nianbao-2025-{report.body.code}-v1.docx"' in disposition
    from urllib.parse import quote

    assert f"filename*=UTF-8''{quote(f'{report.body_name}2025年政府信息公开工作年度报告.docx')}" in disposition
    assert "public" in response["Cache-Control"] and "max-age=604800" in response["Cache-Control"]
    assert response["ETag"] == f'"{pdf.docx_sha256}"'
    again = client.get(f"/portal/reports/{report.pk}/v1.docx", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert open_docx(data).paragraphs[0].text == report.title

    html = client.get(f"/portal/reports/{report.pk}/").content.decode()
    page = PyQuery(html)
    assert page("#docx-download").attr("href") == f"/portal/reports/{report.pk}/v1.docx"
    assert page("#docx-download").text() == "下载 Word"
    assert "{#" not in html and "{#" not in pdftotext(pdf.file.path)  # no template comment printed
    assert page("#pdf-download").closest("p").find("#docx-download")  # next to the PDF


def test_unpublished_reports_and_versions_have_no_word_copy(client, people):
    draft = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2025),
                                body=people.other_body, filled=True)
    approved = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2024),
                                   body=people.body, approved=True)
    published = _published(people)
    for user in (None, people.filler, people.other_filler, people.admin):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        assert client.get(f"/portal/reports/{draft.pk}/v1.docx").status_code == 404
        assert client.get(f"/portal/reports/{approved.pk}/v1.docx").status_code == 404
        assert client.get(f"/portal/reports/{published.pk}/v2.docx").status_code == 404
        assert client.get("/portal/reports/999999/v1.docx").status_code == 404
        assert client.get(f"/portal/reports/{published.pk}/v1.docx").status_code == 200  # public
    assert not ReportPdf.objects.filter(report__in=[draft, approved]).exclude(docx="").exists()
    assert client.post(f"/portal/reports/{published.pk}/v1.docx").status_code == 405


def _approve_again(report, people):
    for action, by in (("submit", people.filler), ("approve", people.head), ("approve", people.director)):
        report_transition(report=report, action=action, by=by)


def test_a_correction_keeps_the_first_versions_word_copy_and_adds_the_second(client, people):
    report = _published(people)
    first = report.pdf_versions.get()
    first_name, first_sha = first.docx.name, first.docx_sha256
    client.force_login(people.admin)
    client.post(f"/publishing/{report.pk}/reopen/", {"reason": "第三部分申请数量统计有误，予以更正。"})
    section = report.sections.get(key="s1")
    section.texts = {k: "更正后的总体情况文字。" for k in section.texts}
    section.save()
    client.logout()
    assert client.get(f"/portal/reports/{report.pk}/v2.docx").status_code == 404  # not yet published
    _approve_again(report, people)
    assert publish_with_word_copy(report.pk) == "published"

    first.refresh_from_db()
    second = report.pdf_versions.get(version=2)
    assert (first.docx.name, first.docx_sha256) == (first_name, first_sha)  # v1's copy untouched
    assert second.docx.name.endswith("-v2.docx") and second.docx_sha256 != first_sha
    v1 = b"".join(client.get(f"/portal/reports/{report.pk}/v1.docx").streaming_content)
    v2 = b"".join(client.get(f"/portal/reports/{report.pk}/v2.docx").streaming_content)
    assert hashlib.sha256(v1).hexdigest() == first_sha
    v1_texts = [p.text for p in open_docx(v1).paragraphs]
    v2_texts = [p.text for p in open_docx(v2).paragraphs]
    assert "更正后的总体情况文字。" in v2_texts and "更正后的总体情况文字。" not in v1_texts
    assert "更正说明" in v2_texts and "更正说明" not in v1_texts
    assert any("更正：第三部分申请数量统计有误，予以更正。" in t for t in v2_texts)
    response = client.get(f"/portal/reports/{report.pk}/v2.docx")
    assert "（第2版）.docx" in __import__("urllib.parse").parse.unquote(response["Content-Disposition"])

    page = PyQuery(client.get(f"/portal/reports/{report.pk}/").content.decode())
    assert page("#docx-download").attr("href") == f"/portal/reports/{report.pk}/v2.docx"
    assert page("#version-1 a[href$='/v1.docx']") and page("#version-2 a[href$='/v2.docx']")


def test_the_staff_report_page_links_the_word_copy_next_to_the_pdf(client, people):
    report = _published(people)
    client.force_login(people.filler)
    overview = PyQuery(client.get(f"/reports/{report.pk}/").content.decode())
    links = overview("#publication-status a")
    hrefs = [a.attrib["href"] for a in links]
    assert f"/portal/reports/{report.pk}/v1.pdf" in hrefs and f"/portal/reports/{report.pk}/v1.docx" in hrefs
    assert overview("#publication-status a[href$='/v1.docx']").text() == "下载 Word"
    client.force_login(people.admin)
    fragment = PyQuery(client.get(f"/publishing/{report.pk}/status/").content.decode())
    assert fragment("a[href$='/v1.docx']")


def test_a_version_published_before_word_copies_gets_one_on_first_download(client, people):
    """Versions published before this change (here: the factory's, with no copy) — decided: the first
    download makes and stores it; the publish task and make_word_copies fill it in too."""
    reporting_year = ReportingYearFactory(district=people.district, year=2025)
    old = AnnualReportFactory(reporting_year=reporting_year, body=people.body, published=True)
    pdf = old.pdf_versions.get()
    assert not pdf.docx
    response = client.get(f"/portal/reports/{old.pk}/v1.docx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    pdf.refresh_from_db()
    assert pdf.docx and pdf.docx_sha256 == hashlib.sha256(data).hexdigest() == response["ETag"].strip('"')
    word = open_docx(data)
    assert word.paragraphs[0].text == old.title
    for table, word_table in zip(old.format.tables(), word.tables):
        assert_table_holds_the_definition(old.format, table, word_table, pdf.content)
    again = client.get(f"/portal/reports/{old.pk}/v1.docx")
    assert b"".join(again.streaming_content) == data  # made once, then served as stored
    assert ReportPdf.objects.get(pk=pdf.pk).docx.name == pdf.docx.name


def test_the_publish_task_is_idempotent_and_adds_a_missing_copy(people, tmp_path):
    report = _published(people)
    pdf = report.pdf_versions.get()
    stored = (pdf.docx.name, pdf.docx_sha256)
    assert publish(report.pk) == "nothing-to-do"
    pdf.refresh_from_db()
    assert (pdf.docx.name, pdf.docx_sha256) == stored  # run twice: one copy, unchanged
    pdf.docx.delete(save=False)
    ReportPdf.objects.filter(pk=pdf.pk).update(docx="", docx_sha256="", docx_size=None)
    assert publish(report.pk) == "nothing-to-do"  # a redelivered render: nothing to render, the copy comes back
    pdf.refresh_from_db()
    assert pdf.docx and pdf.docx_sha256 and pdf.report.status == ReportStatus.PUBLISHED
    assert report.pdf_versions.count() == 1


def test_make_word_copies_fills_in_every_missing_copy(people):
    reporting_year = ReportingYearFactory(district=people.district, year=2025)
    olds = [AnnualReportFactory(reporting_year=reporting_year, body=body, published=True)
            for body in (people.body, people.other_body)]
    out = io.StringIO()
    call_command("make_word_copies", stdout=out)
    assert "共生成 2 个 Word 文件" in out.getvalue()
    for old in olds:
        pdf = old.pdf_versions.get()
        assert pdf.docx and open_docx(pdf).paragraphs[0].text == old.title
    out = io.StringIO()
    call_command("make_word_copies", stdout=out)
    assert "共生成 0 个 Word 文件" in out.getvalue()


def test_a_word_copy_that_fails_leaves_the_publication_and_the_portal_makes_it_later(people, client, monkeypatch):
    from reports.publishing import word

    def broken(*args, **kwargs):
        raise RuntimeError("python-docx exploded")

    monkeypatch.setattr(word, "render", broken)
    reporting_year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=reporting_year, body=people.body, approved=True)
    assert publish_with_word_copy(report.pk) == "published"  # the copy's task ran and logged its error
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and not report.pdf_versions.get().docx
    monkeypatch.undo()
    assert client.get(f"/portal/reports/{report.pk}/v1.docx").status_code == 200
    assert report.pdf_versions.get().docx


def test_imported_history_gets_its_word_copy_with_the_numbers_as_published(people):
    from reports.importing.demo import seed_path
    from reports.importing.services import report_import

    if not seed_path().is_file():
        pytest.skip("../shared is not beside the project")
    report = report_import(body=people.body, year=2020, text=seed_path().read_text(encoding="utf-8"),
                           variant="beijing").report
    assert publish_with_word_copy(report.pk) == "published"
    pdf = report.pdf_versions.get()
    word = open_docx(pdf)
    fmt = report.format
    for table, word_table in zip(fmt.tables(), word.tables, strict=True):
        assert_table_holds_the_definition(fmt, table, word_table, pdf.content)
    t9 = fmt.table("s2.t9")
    grid = Grid(word.tables[fmt.tables().index(t9)])
    assert grid.text(t9.header_depth(), t9.row_label_width() + 1) == "132.6444"  # 采购总金额, as published
    assert "+337" in [grid.text(r, c) for word_table in word.tables for grid in [Grid(word_table)]
                      for r in range(len(word_table.rows)) for c in range(grid.columns)]
