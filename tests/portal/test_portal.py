"""The public portal without login: lists, search, report pages, downloads, open data, feeds."""

import csv
import io
import json
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from pyquery import PyQuery

from agencies.models import BodyKind
from reports.models import ReportStatus
from reports.publishing.snapshot import snapshot_document
from tests.publishing.helpers import assert_in_order, document_sequence
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


def _rows(client, url):
    page = PyQuery(client.get(url).content)
    page(".search-snippet").remove()
    return {PyQuery(tr).find("th").text(): PyQuery(tr).text() for tr in page("#report-list tbody tr") if PyQuery(tr).find("th")}


def test_the_site_root_is_the_portal_for_the_public_and_the_workspace_for_staff(client, portal_year, people):
    response = client.get("/")
    assert response.status_code == 200
    assert "2025年度政府信息公开工作年度报告" in response.content.decode()
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(people.filler)
    assert client.get("/").url == "/workspace/"


def test_home_lists_every_body_published_with_date_others_unpublished(client, portal_year):
    year, published, draft = portal_year
    rows = _rows(client, "/portal/")
    assert set(rows) == {published.body_name, draft.body_name}
    assert "已发布" in rows[published.body_name]
    date = published.pdf_versions.get().published_at
    from django.utils import timezone

    assert f"{timezone.localtime(date):%Y}年" in rows[published.body_name]
    assert "未发布" in rows[draft.body_name]
    page = client.get("/portal/").content.decode()
    assert f'href="/portal/reports/{published.pk}/"' in page and f"/portal/reports/{draft.pk}/" not in page
    assert "草稿机密文字不可公开" not in page


def test_filters_by_year_and_body_type_and_search_by_name_and_full_text(client, portal_year, people):
    year, published, draft = portal_year
    old_year = ReportingYearFactory(district=people.district, year=2024)
    old = AnnualReportFactory(reporting_year=old_year, body=people.body, filled=True)
    assert set(_rows(client, "/portal/?year=2024")) == {old.body_name}
    assert set(_rows(client, f"/portal/?kind={BodyKind.DEPARTMENT}")) == set()
    assert set(_rows(client, f"/portal/?kind={BodyKind.STREET_OFFICE}")) == {published.body_name, draft.body_name}
    assert set(_rows(client, "/portal/?q=天坛")) == {draft.body_name}
    assert set(_rows(client, "/portal/?q=甲乙丙")) == {published.body_name}
    assert set(_rows(client, "/portal/?q=草稿机密")) == set()  # drafts are not searchable


def test_report_page_has_the_same_content_and_tables_as_the_pdf(client, portal_year):
    year, published, draft = portal_year
    pdf = published.pdf_versions.get()
    response = client.get(f"/portal/reports/{published.pk}/")
    assert response.status_code == 200
    page = PyQuery(response.content)
    assert_in_order(page("article.report-document").text(), document_sequence(snapshot_document(published, pdf.content)))
    assert page("table.stats-table thead th[scope]").length and page("main#main").length
    download = page("#pdf-download")
    assert download.attr("href") == f"/portal/reports/{published.pk}/v1.pdf"
    assert f"{pdf.page_count}页" in page("#downloads-heading").parent().text()
    assert client.get(f"/portal/reports/{draft.pk}/").status_code == 404
    assert client.get(f"/portal/reports/{draft.pk}/data.json").status_code == 404


def test_pdf_download_with_chinese_file_name_and_cache_validators(client, portal_year):
    year, published, draft = portal_year
    pdf = published.pdf_versions.get()
    response = client.get(f"/portal/reports/{published.pk}/v1.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert len(body) == pdf.size == int(response["Content-Length"]) and body.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'{published.body_name}2025年政府信息公开工作年度报告.pdf')}" in disposition
    assert response["ETag"] == f'"{pdf.sha256}"' and response["Last-Modified"]
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    assert client.get(f"/portal/reports/{published.pk}/v1.pdf", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(f"/portal/reports/{published.pk}/v2.pdf").status_code == 404


def test_open_data_by_canonical_cell_id(client, portal_year):
    year, published, draft = portal_year
    values = published.pdf_versions.get().content["values"]
    data = json.loads(client.get(f"/portal/reports/{published.pk}/data.json").content)
    assert data["cells"] == {k: values[k] for k in data["cells"]} and set(data["cells"]) == set(values)
    assert data["labels"]["s3.R1.G"].startswith("一、本年新收政府信息公开申请数量")
    assert data["version"] == 1 and data["body"]["code"] == published.body.code
    response = client.get(f"/portal/reports/{published.pk}/data.csv")
    assert response["Content-Type"].startswith("text/csv") and "filename*=UTF-8''" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["cell_id", "label", "value"]
    assert {r[0]: r[2] for r in rows[1:]} == {k: str(v) for k, v in values.items()}
    assert client.get(f"/portal/reports/{published.pk}/data.json", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    etag = client.get(f"/portal/reports/{published.pk}/data.json")["ETag"]
    assert client.get(f"/portal/reports/{published.pk}/data.json", HTTP_IF_NONE_MATCH=etag).status_code == 304

    year_rows = list(csv.DictReader(io.StringIO(client.get("/portal/years/2025/data.csv").content.decode("utf-8-sig"))))
    assert [r["body_code"] for r in year_rows] == [published.body.code]  # the draft is not there
    assert year_rows[0]["s3.R1.G"] == str(values["s3.R1.G"])


def test_sitemap_and_atom_feed_list_published_reports_only(client, portal_year):
    year, published, draft = portal_year
    sitemap = client.get("/sitemap.xml")
    assert sitemap["Content-Type"].startswith("application/xml")
    text = sitemap.content.decode()
    assert f"/portal/reports/{published.pk}/" in text and f"/portal/reports/{draft.pk}/" not in text
    feed = client.get("/portal/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    entries = PyQuery(feed.content, parser="xml").remove_namespaces()("entry")
    assert [PyQuery(e)("title").text() for e in entries] == [published.title]


def test_imported_history_is_in_the_archive_with_its_page_and_data(client, people):
    from reports.importing.demo import seed_path
    from reports.importing.services import report_import

    outcome = report_import(body=people.body, year=2020, text=seed_path().read_text(encoding="utf-8"),
                            variant="beijing", source="seed")
    report = outcome.report
    assert report.imported and report.status == ReportStatus.PUBLISHED
    archive = PyQuery(client.get("/portal/archive/").content)
    assert "2020年度" in archive("#year-2020").text() and "1份" in archive("#year-2020").text()
    year_page = PyQuery(client.get(archive("#year-2020 a").eq(0).attr("href")).content)
    assert year_page(f'a[href="/portal/reports/{report.pk}/"]').text() == report.body_name
    assert "东花市" in report.title
    page = client.get(f"/portal/reports/{report.pk}/").content.decode()
    assert "历史报告" in page and "132.6444" in page
    data = json.loads(client.get(f"/portal/reports/{report.pk}/data.json").content)
    assert data["imported"] is True and data["cells"]["s2.t9.r1.c2"] == "132.6444"


def test_before_the_first_publication_of_a_season_the_home_shows_the_last_published_year(client, portal_year, people):
    ReportingYearFactory(district=people.district, year=2026)
    AnnualReportFactory(reporting_year__district=people.district, reporting_year__year=2026, body=people.body)
    page = client.get("/portal/").content.decode()
    assert "2025年度政府信息公开工作年度报告" in page
    assert "2026年度" in page  # still offered in the year filter
    assert "2026年度政府信息公开工作年度报告" in client.get("/portal/?year=2026").content.decode()


def _between(text: str, start: str, end: str) -> str:
    squeezed = "".join(text.split())
    return squeezed.split(start, 1)[1].split(end, 1)[0]


def test_an_empty_optional_part_prints_nothing_on_the_page_or_in_the_pdf(client, portal_year):
    """Section 一's optional extra part (s1.extra) is empty: no stray 无。 after （五）监督保障."""
    year, published, draft = portal_year
    pdf = published.pdf_versions.get()
    assert not pdf.content["texts"].get("s1.extra") and pdf.content["texts"]["s1.p5"]
    page = PyQuery(client.get(f"/portal/reports/{published.pk}/").content)
    section = page("#section-s1")
    assert "无。" not in [PyQuery(p).text() for p in section("p")]
    assert section("p").eq(-1).text() == pdf.content["texts"]["s1.p5"].splitlines()[-1].strip()
    body = b"".join(client.get(f"/portal/reports/{published.pk}/v1.pdf").streaming_content)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    tail = _between(text, "（五）监督保障", "二、主动公开政府信息情况")
    assert "无。" not in tail and tail.endswith("".join(pdf.content["texts"]["s1.p5"].split())[-10:])


def test_an_empty_required_part_without_heading_still_says_none_in_the_preview(people):
    """Only optional parts are left out: an empty required one (section 五 of a draft) reads 无。."""
    from django.template.loader import render_to_string

    from reports.publishing.document import AnnualReportDocument

    report = AnnualReportFactory(reporting_year__district=people.district, body=people.body)
    html = PyQuery(render_to_string("reports/document.html", {"document": AnnualReportDocument(report)}))
    assert html("#section-s5 p").text() == "无。"
    assert "无。" not in html("#section-s1").text()


HUGE = "9" * 20  # more than any database integer


@pytest.mark.parametrize("path", [
    f"/portal/reports/{HUGE}/", f"/portal/reports/{HUGE}/v1.pdf", "/portal/reports/{pk}/v" + HUGE + ".pdf",
    f"/portal/reports/{HUGE}/data.json", f"/portal/reports/{HUGE}/data.csv", f"/portal/years/{HUGE}/data.csv",
    "/portal/reports/0/", "/portal/reports/{pk}/v0.pdf",
])
def test_an_id_or_year_out_of_range_in_a_portal_url_is_a_404(client, portal_year, path):
    year, published, draft = portal_year
    assert client.get(path.format(pk=published.pk)).status_code == 404


@pytest.mark.parametrize("path", [f"/publishing/{HUGE}/status/", f"/publishing/{HUGE}/retry/",
                                  f"/publishing/{HUGE}/reopen/"])
def test_an_id_out_of_range_in_a_publishing_url_is_a_404(client, people, path):
    client.force_login(people.admin)
    method = client.get if path.endswith("status/") else client.post
    assert method(path).status_code == 404
