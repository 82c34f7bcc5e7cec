"""A member of the public, in Chromium: downloads a report's PDF, compares its SHA-256 with the one the
report page shows, and checks the file on the 验证 page (the published file, the same file with one
byte changed, a file that is no PDF); after a correction both versions still verify."""

import hashlib
import re

import pytest
from playwright.sync_api import expect

from reports.publishing.services import report_reopen
from reports.publishing.tasks import publish
from tests.a11y import axe_violations
from tests.publishing.test_lifecycle import _approve_again
from tests.services import SIGNER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _assert_fits_a_phone(page, where):
    """At 390 px the page never scrolls sideways (the SHA-256 breaks); back to the desktop size after."""
    before = page.viewport_size
    page.set_viewport_size(PHONE)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where}: {widths[0]} px wide on a {widths[1]} px screen"
    page.set_viewport_size(before)


def _download(page, link, target):
    with page.expect_download() as info:
        link.click()
    info.value.save_as(target)
    return target.read_bytes()


def _verify(page, path):
    """Through the portal's own navigation and form."""
    page.get_by_role("navigation", name="门户导航").get_by_role("link", name="验证文件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("验证年度报告 PDF")
    page.get_by_label("PDF 文件（不超过 20 MB）").set_input_files(str(path))
    page.get_by_role("button", name="验证").click()


def test_the_public_checks_a_downloaded_pdf_on_the_verify_page(page, live_server, portal_year, tmp_path):
    _, published, _ = portal_year
    page.goto(f"{live_server.url}/portal/reports/{published.pk}/")
    shown = page.locator("#pdf-sha256").inner_text()
    data = _download(page, page.get_by_role("link", name="下载 PDF"), tmp_path / "downloaded.pdf")
    assert shown == hashlib.sha256(data).hexdigest() == published.pdf_versions.get().sha256
    expect(page.locator("#pdf-signature")).to_contain_text("数字签名")
    _assert_fits_a_phone(page, "the report page with its SHA-256")

    _verify(page, tmp_path / "downloaded.pdf")
    expect(page.locator("#verify-verdict")).to_have_text("这是已发布的版本，内容未被修改。")
    expect(page.locator("#verify-report")).to_have_text(published.title)
    expect(page.locator("#verify-version")).to_have_text("第1版")
    expect(page.locator("#verify-signatures")).to_contain_text(f"签名有效：由“{SIGNER}”于")
    expect(page.locator("#verify-sha256")).to_have_text(shown)
    assert axe_violations(page) == []
    _assert_fits_a_phone(page, "the verify page with its result")

    altered = bytearray(data)
    altered[len(altered) // 2] ^= 0x01
    (tmp_path / "altered.pdf").write_bytes(bytes(altered))
    _verify(page, tmp_path / "altered.pdf")
    expect(page.locator("#verify-verdict")).to_have_text("不是已发布的版本或已被修改。")
    expect(page.locator("#verify-signatures")).not_to_contain_text("签名有效")
    expect(page.locator("#verify-report")).to_have_count(0)

    (tmp_path / "notes.pdf").write_text("这不是一份 PDF 文件。", encoding="utf-8")
    _verify(page, tmp_path / "notes.pdf")
    expect(page.locator("#verify-problem")).to_have_text("这不是 PDF 文件，请选择从门户网站下载的 PDF 文件。")
    expect(page.locator("#verify-result")).to_have_count(0)
    assert axe_violations(page) == []


def test_after_a_correction_both_versions_are_signed_and_verify(page, live_server, portal_year, people, tmp_path):
    _, published, _ = portal_year
    report_reopen(report=published, by=people.admin, reason="第三部分数字有误，予以更正。")
    _approve_again(published, people)
    assert publish(published.pk) == "published"
    versions = {v.version: v for v in published.pdf_versions.all()}

    page.goto(f"{live_server.url}/portal/reports/{published.pk}/")
    expect(page.locator("#pdf-sha256")).to_have_text(versions[2].sha256)
    for number in (1, 2):
        expect(page.locator(f"#sha256-v{number}")).to_contain_text(versions[number].sha256)
        row = page.locator(f"#version-{number}")
        data = _download(page, row.get_by_role("link", name=re.compile("^PDF")), tmp_path / f"v{number}.pdf")
        assert hashlib.sha256(data).hexdigest() == versions[number].sha256

    for number in (1, 2):
        _verify(page, tmp_path / f"v{number}.pdf")
        expect(page.locator("#verify-verdict")).to_have_text("这是已发布的版本，内容未被修改。")
        expect(page.locator("#verify-report")).to_have_text(published.title)
        expect(page.locator("#verify-version")).to_contain_text(f"第{number}版")
        expect(page.locator("#verify-signatures")).to_contain_text(f"签名有效：由“{SIGNER}”于")
    expect(page.locator("#verify-version")).to_have_text("第2版（更正：第三部分数字有误，予以更正。）")
