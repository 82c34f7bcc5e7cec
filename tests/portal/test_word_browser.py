"""A member of the public, in Chromium, downloads a report's Word copy from its page and it opens."""

import docx
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_downloads_the_word_copy_next_to_the_pdf(page, live_server, portal_year, tmp_path):
    _, published, _ = portal_year
    page.goto(live_server.url + f"/portal/reports/{published.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(published.title)
    downloads = page.locator("#downloads-heading").locator("..")
    expect(downloads.get_by_role("link", name="下载 PDF")).to_be_visible()
    link = downloads.get_by_role("link", name="下载 Word")
    expect(link).to_be_visible()

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"{published.body_name}2025年政府信息公开工作年度报告.docx"
    target = tmp_path / "downloaded.docx"
    download.save_as(target)
    version = published.pdf_versions.get()
    assert target.stat().st_size == version.docx_size
    word = docx.Document(str(target))
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == published.title and "三、收到和处理政府信息公开申请情况" in texts
    assert any("公开全文检索词甲乙丙" in text for text in texts)  # the report's own published text
    assert len(word.tables) == len(published.format.tables())
