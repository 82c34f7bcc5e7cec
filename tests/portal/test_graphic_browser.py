"""A member of the public, in Chromium, on a desktop screen and on a 390 px phone: sees the report's 图解
and its table of figures, downloads it as PNG and PDF from the page's own links; axe-core finds nothing."""

import subprocess

import pytest
from playwright.sync_api import expect

from reports.formats import rules as format_rules
from reports.publishing.snapshot import snapshot_content
from tests.a11y import axe_violations
from tests.layout.test_mobile_browser import assert_fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", SCREENS)
def test_a_reader_sees_the_graphic_and_downloads_it_as_png_and_pdf(page, live_server, portal_year, screen, tmp_path):
    _, published, _ = portal_year
    values = format_rules.compute(published.format,
                                  snapshot_content(published, published.pdf_versions.get().content).values)
    page.set_viewport_size(SCREENS[screen])
    page.goto(f"{live_server.url}/portal/reports/{published.pk}/")
    graphic = page.get_by_role("region", name="图解")
    graphic.scroll_into_view_if_needed()
    image = graphic.get_by_role("img", name=f"{published.title} · 图解")
    expect(image).to_be_visible()
    box = image.bounding_box()
    assert box["width"] > 300 and box["height"] > box["width"]  # drawn, scaled to its column
    figures = page.get_by_role("table", name="关键数据")
    expect(figures).to_be_visible()
    expect(figures.get_by_role("row", name="本年新收政府信息公开申请数量")).to_contain_text(str(values["s3.R1.G"]))
    expect(figures.get_by_role("row", name="行政复议·总计")).to_contain_text(str(values["s4.c5"]))
    applicants = page.get_by_role("table", name="本年新收政府信息公开申请数量（申请人情况）")
    expect(applicants.get_by_role("row", name="自然人")).to_contain_text(str(values["s3.R1.A"]))
    assert axe_violations(page) == [], screen
    assert_fits(page, screen)

    for name, content_type, magic in (("下载图解 PNG", "image/png", b"\x89PNG"), ("下载图解 PDF", "application/pdf", b"%PDF")):
        link = graphic.get_by_role("link", name=name)
        response = page.request.get(live_server.url + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == content_type
        with page.expect_download() as info:
            link.click()
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert download.suggested_filename.startswith(published.title)
        assert target.read_bytes().startswith(magic)
        if content_type == "application/pdf":
            text = subprocess.run(["pdftotext", str(target), "-"], check=True, capture_output=True, text=True).stdout
            assert "自然人" in text and "（七）总计" in text and published.body_name in text
