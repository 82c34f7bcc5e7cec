"""Portal pages are cached but revalidated on every use (ETag / Last-Modified from the portal's
state): an unchanged page costs a 304, and a correction shows at once."""

import re

import pytest
from playwright.sync_api import expect

from reports.publishing.services import report_reopen
from reports.publishing.tasks import publish
from reports.workflow import report_transition
from tests.report_factories import ReportingYearFactory

PAGES = ["/", "/portal/", "/portal/?q=甲乙丙", "/portal/archive/", "/portal/reports/{pk}/",
         "/portal/reports/{pk}/data.json", "/portal/reports/{pk}/data.csv", "/portal/years/2025/data.csv",
         "/sitemap.xml", "/portal/feed.atom"]


def _correct(report, people, text: str):
    """更正: reopened by the administrator, the text changed, approved again and published as v2."""
    report_reopen(report=report, by=people.admin, reason="文字有误，予以更正。")
    section = report.sections.get(key="s1")
    section.texts = {**section.texts, "s1.p1": text}
    section.save()
    for action, by in (("submit", people.filler), ("approve", people.head), ("approve", people.director)):
        report_transition(report=report, action=action, by=by)
    assert publish(report.pk) == "published"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_a_page_is_cacheable_but_revalidated_and_unchanged_it_is_a_304(client, portal_year, path):
    _, published, _ = portal_year
    url = path.format(pk=published.pk)
    response = client.get(url)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "no-cache"} <= cache_control and not any(p.startswith("max-age") for p in cache_control)
    assert response["ETag"] and response["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b"" and "no-cache" in again["Cache-Control"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


@pytest.mark.django_db
def test_a_correction_changes_every_page_at_once(client, portal_year, people):
    _, published, _ = portal_year
    urls = [path.format(pk=published.pk) for path in PAGES]
    before = {url: client.get(url)["ETag"] for url in urls}
    assert len(set(before.values())) == len(urls)  # one validator per page
    _correct(published, people, "更正后的主动公开情况。")
    for url in urls:
        response = client.get(url, HTTP_IF_NONE_MATCH=before[url])
        assert response.status_code == 200, url
        assert response["ETag"] != before[url]
    page = client.get(f"/portal/reports/{published.pk}/").content.decode()
    assert "更正后的主动公开情况" in page and "文字有误，予以更正" in page


@pytest.mark.django_db
def test_a_new_reporting_year_changes_the_home_page(client, portal_year, people):
    etag = client.get("/portal/")["ETag"]
    ReportingYearFactory(district=people.district, year=2026)
    assert client.get("/portal/", HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_sees_a_correction_at_once(page, live_server, portal_year, people):
    _, published, _ = portal_year
    page.goto(live_server.url + "/portal/")
    row = page.get_by_role("row", name=re.compile(published.body_name))
    expect(row).not_to_contain_text("已更正")
    row.get_by_role("link").click()
    expect(page.locator("#corrections")).to_have_count(0)

    _correct(published, people, "更正后的主动公开情况。")

    page.goto(live_server.url + "/portal/")  # a new visit, not a reload: the browser's cache answers first
    row = page.get_by_role("row", name=re.compile(published.body_name))
    expect(row).to_contain_text("已发布（已更正）")
    row.get_by_role("link").click()
    expect(page.locator("#corrections")).to_contain_text("文字有误，予以更正。")
    expect(page.locator("article.report-document")).to_contain_text("更正后的主动公开情况。")
