"""图解 on the portal: drawn from the published version (each version its own), against the previous
year's published report only; SVG, PNG and PDF with their content types; nothing of a draft."""

import io
import subprocess

import pytest
from PIL import Image
from pyquery import PyQuery

from reports.formats import rules as format_rules
from reports.importing.demo import seed_path
from reports.importing.services import report_import
from reports.publishing.document import AnnualReportDocument
from reports.publishing.snapshot import snapshot_content
from tests.portal.test_revalidation import _correct
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, check=True, capture_output=True).stdout.decode()


def _values(report, version=1):
    pdf = report.pdf_versions.get(version=version)
    return format_rules.compute(report.format, snapshot_content(report, pdf.content).values)


def test_the_report_page_shows_the_graphic_with_its_tables_and_download_links(client, portal_year):
    _, published, _ = portal_year
    values = _values(published)
    page = PyQuery(client.get(f"/portal/reports/{published.pk}/").content)
    svg = page("#graphic svg")
    assert svg.attr("role") == "img" and svg.attr("aria-labelledby") == "graphic-title graphic-desc"
    assert page("#graphic-title").text() == f"{published.title} · 图解"
    figures = {PyQuery(tr).attr("data-cell"): PyQuery(tr).find("td").eq(0).text()
               for tr in page("#graphic-figures tbody tr")}
    assert figures["s3.R1.G"] == str(values["s3.R1.G"]) and figures["s4.c15"] == str(values["s4.c15"])
    assert page("#graphic-figures caption").text() == "关键数据"  # no published report of 2024
    applicants = {PyQuery(tr).find("th").text(): PyQuery(tr).find("td").text()
                  for tr in page("#graphic-applicants tbody tr")}
    assert applicants["自然人"] == str(values["s3.R1.A"])
    assert applicants["法人或其他组织·商业企业"] == str(values["s3.R1.B"])
    assert page("#graphic-outcomes caption").text() == "本年度办理结果（总计）"
    assert page("#graphic-png").attr("href") == f"/portal/reports/{published.pk}/v1/graphic.png"
    assert page("#graphic-pdf").attr("href") == f"/portal/reports/{published.pk}/v1/graphic.pdf"


def test_svg_png_and_pdf_download_with_their_content_types_and_the_pdf_holds_the_labels(client, portal_year):
    _, published, _ = portal_year
    values = _values(published)
    base = f"/portal/reports/{published.pk}/v1/graphic"
    svg = client.get(base + ".svg")
    assert svg["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert svg.content.startswith(b"<?xml") and "自然人".encode() in svg.content
    png = client.get(base + ".png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert "attachment" in png["Content-Disposition"] and "%E5%9B%BE%E8%A7%A3.png" in png["Content-Disposition"]
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width > 1000 and image.height > image.width
    pdf = client.get(base + ".pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = _pdf_text(pdf.content)
    for label in (published.body_name, "关键数据", "自然人", "法人或其他组织", "商业企业", "（一）予以公开", "（七）总计",
                  "行政复议", "未经复议直接起诉", "结果维持", str(values["s3.R3_7.G"])):
        assert label in text, label
    current = client.get(f"/portal/reports/{published.pk}/graphic.pdf")  # the current version's
    assert current["Content-Type"] == "application/pdf" and current.content == pdf.content  # from the cache


def test_the_previous_years_published_report_is_compared_but_never_a_draft(client, portal_year, people):
    _, published, _ = portal_year
    year_2024 = ReportingYearFactory(district=people.district, year=2024)
    earlier = AnnualReportFactory(reporting_year=year_2024, body=people.body, filled=True)  # a draft
    url = f"/portal/reports/{published.pk}/"
    page = PyQuery(client.get(url).content)
    assert page("#graphic-figures caption").text() == "关键数据" and "上年" not in page("#graphic-figures thead").text()

    earlier.status = "published"
    earlier.save()
    from reports.publishing.models import ReportPdf
    from reports.publishing.snapshot import snapshot_of

    ReportPdf.objects.create(report=earlier, version=1, status=ReportPdf.Status.DONE, file="f.pdf", sha256="1" * 64,
                             content=snapshot_of(earlier), published_at=published.pdf_versions.get().published_at)
    old = _values(earlier)
    page = PyQuery(client.get(url).content)
    assert page("#graphic-figures caption").text() == "关键数据（与2024年度报告比较）"
    row = page('#graphic-figures tr[data-cell="s3.R1.G"] td')
    now = _values(published)["s3.R1.G"]
    assert row.eq(1).text() == str(old["s3.R1.G"])
    change = now - old["s3.R1.G"]
    assert row.eq(2).text() == ("持平" if change == 0 else f"{'+' if change > 0 else '−'}{abs(change)}")
    assert "2024年度" in _pdf_text(client.get(f"/portal/reports/{published.pk}/v1/graphic.pdf").content)


def test_each_version_has_its_own_graphic(client, portal_year, people):
    _, published, _ = portal_year
    v1 = client.get(f"/portal/reports/{published.pk}/v1/graphic.svg").content
    section = published.sections.get(key="s3")
    section.values = {**section.values, "s3.R1.A": section.values["s3.R1.A"] + 1000,
                      "s3.R4.A": section.values["s3.R4.A"] + 1000}
    section.save()
    _correct(published, people, "更正后的主动公开情况。")
    v2 = client.get(f"/portal/reports/{published.pk}/v2/graphic.svg").content
    assert client.get(f"/portal/reports/{published.pk}/v1/graphic.svg").content == v1
    assert v1 != v2 and "第2版".encode() in v2 and "第1版".encode() in v1
    page = PyQuery(client.get(f"/portal/reports/{published.pk}/").content)
    assert page("#graphic-pdf").attr("href") == f"/portal/reports/{published.pk}/v2/graphic.pdf"
    assert _pdf_text(client.get(f"/portal/reports/{published.pk}/v2/graphic.pdf").content) != _pdf_text(
        client.get(f"/portal/reports/{published.pk}/v1/graphic.pdf").content)


@pytest.mark.parametrize("who", [None, "filler", "head", "director", "admin", "other_filler"])
def test_nobody_gets_the_graphic_of_a_draft_or_of_a_version_that_does_not_exist(client, portal_year, people, who):
    _, published, draft = portal_year
    if who:
        client.force_login(getattr(people, who))
    for ext in ("svg", "png", "pdf"):
        assert client.get(f"/portal/reports/{draft.pk}/graphic.{ext}").status_code == 404
        assert client.get(f"/portal/reports/{draft.pk}/v1/graphic.{ext}").status_code == 404
        assert client.get(f"/portal/reports/{published.pk}/v2/graphic.{ext}").status_code == 404
        assert client.get(f"/portal/reports/999999/graphic.{ext}").status_code == 404
    assert client.get(f"/portal/reports/{published.pk}/graphic.gif").status_code == 404
    assert client.get(f"/portal/reports/{published.pk}/graphic.svg").status_code == 200
    assert client.post(f"/portal/reports/{published.pk}/graphic.svg").status_code == 405


@pytest.mark.skipif(not seed_path().is_file(), reason="../shared is not beside the project")
def test_imported_history_gets_its_graphic_from_the_numbers_as_published_and_is_compared_with(client, people):
    imported = report_import(body=people.body, year=2020, text=seed_path().read_text(encoding="utf-8"),
                             variant="beijing").report  # not yet rendered: no version
    values = AnnualReportDocument(imported).values
    page = PyQuery(client.get(f"/portal/reports/{imported.pk}/").content)
    assert page("#graphic-png").attr("href") == f"/portal/reports/{imported.pk}/graphic.png"
    figures = {PyQuery(tr).attr("data-cell"): PyQuery(tr).find("td").eq(0).text()
               for tr in page("#graphic-figures tbody tr")}
    assert figures["s3.R1.G"] == str(values["s3.R1.G"])
    assert "历史导入" in page("#graphic svg").text()
    pdf = client.get(page("#graphic-pdf").attr("href"))
    assert pdf["Content-Type"] == "application/pdf" and imported.body_name in _pdf_text(pdf.content)
    assert "商业企业" in _pdf_text(pdf.content)

    # The next year's report (2021 format) is compared with it where the cells are the same.
    year = ReportingYearFactory(district=people.district, year=2021)
    later = AnnualReportFactory(reporting_year=year, body=people.body, published=True)
    page = PyQuery(client.get(f"/portal/reports/{later.pk}/").content)
    assert page("#graphic-figures caption").text() == "关键数据（与2020年度报告比较）"
    assert page('#graphic-figures tr[data-cell="s3.R1.G"] td').eq(1).text() == str(values["s3.R1.G"])
