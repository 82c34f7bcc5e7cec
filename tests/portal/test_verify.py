"""The public 验证 page (portal/verify.py) without a browser: who may use it, what it says about a
published file, a file signed by someone else, an unsigned one, and every kind of bad upload."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pyquery import PyQuery

from reports.publishing.signing import make_self_signed, sign_pdf
from reports.publishing.verification import MAX_BYTES
from tests.services import SIGNER

pytestmark = pytest.mark.django_db

URL = "/portal/verify/"


def _post(client, data: bytes, name="report.pdf"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def _published_bytes(report) -> bytes:
    return Path(report.pdf_versions.get(version=1).file.path).read_bytes()


def test_everyone_may_open_the_page_anonymous_or_signed_in(client, people):
    for user in [None, *people.by_role().values()]:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200, user
        page = PyQuery(response.content.decode())
        assert page("h1").text() == "验证年度报告 PDF"
        assert page("#verify-form").attr("method") == "post" and page("#verify-form").attr("action") == URL
        assert page("#verify-form input[name=csrfmiddlewaretoken]")
        assert response["Cache-Control"] == "no-store"
    assert client.put(URL).status_code == 405


def test_the_published_file_is_named_with_its_report_version_and_signer(client, portal_year):
    _, published, _ = portal_year
    response = _post(client, _published_bytes(published))
    assert response.status_code == 200
    page = PyQuery(response.content.decode())
    assert page("#verify-verdict").text() == "这是已发布的版本，内容未被修改。"
    assert page("#verify-report").text() == published.title
    assert page("#verify-report").attr("href") == f"/portal/reports/{published.pk}/"
    assert page("#verify-version").text() == "第1版"
    assert f"签名有效：由“{SIGNER}”于" in page("#verify-signatures").text()
    assert page("#verify-sha256").text() == published.pdf_versions.get().sha256


def test_a_file_with_one_byte_changed_is_not_a_published_version(client, portal_year):
    _, published, _ = portal_year
    data = bytearray(_published_bytes(published))
    data[len(data) // 2] ^= 0x01
    page = PyQuery(_post(client, bytes(data)).content.decode())
    assert page("#verify-verdict").text() == "不是已发布的版本或已被修改。"
    assert "签名有效" not in page("#verify-signatures").text()
    assert not page("#verify-report")


def test_bytes_appended_after_the_signature_are_seen(client, portal_year):
    _, published, _ = portal_year
    page = PyQuery(_post(client, _published_bytes(published) + b"\n% appended\n").content.decode())
    assert page("#verify-verdict").text() == "不是已发布的版本或已被修改。"
    assert "签名有效" not in page("#verify-signatures").text()


def _unsigned_pdf() -> bytes:
    from reports.publishing.pdf import render_html_to_pdf

    return render_html_to_pdf('<html lang="zh-Hans"><p>一份没有签名的文件</p></html>').pdf


def test_a_pdf_signed_with_another_certificate_is_not_the_districts(client, people, settings, tmp_path):
    original = settings.NIANBAO_SIGNING_KEY, settings.NIANBAO_SIGNING_CERT, settings.NIANBAO_SIGNING_PASSPHRASE
    make_self_signed(tmp_path / "k.pem", tmp_path / "c.pem", name="冒充的签名人")
    settings.NIANBAO_SIGNING_KEY, settings.NIANBAO_SIGNING_CERT = str(tmp_path / "k.pem"), str(tmp_path / "c.pem")
    settings.NIANBAO_SIGNING_PASSPHRASE = ""
    forged = sign_pdf(_unsigned_pdf())
    settings.NIANBAO_SIGNING_KEY, settings.NIANBAO_SIGNING_CERT, settings.NIANBAO_SIGNING_PASSPHRASE = original
    page = PyQuery(_post(client, forged).content.decode())
    assert page("#verify-verdict").text() == "不是已发布的版本或已被修改。"
    signatures = page("#verify-signatures").text()
    assert "冒充的签名人" in signatures and "不是本区的签名证书" in signatures


def test_an_unsigned_pdf_says_it_has_no_signature(client, people):
    page = PyQuery(_post(client, _unsigned_pdf()).content.decode())
    assert page("#verify-verdict").text() == "不是已发布的版本或已被修改。"
    assert page("#verify-signatures").text() == "文件没有数字签名。"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "empty.pdf", "文件是空的"),
    (b"just some text, not a PDF at all", "note.txt", "这不是 PDF 文件"),
    (b"PK\x03\x04" + b"\x00" * 2000, "book.xlsx", "这不是 PDF 文件"),
    (b"%PDF-1.7\n" + b"\x00" * (MAX_BYTES), "huge.pdf", "文件超过 20 MB"),
])
def test_bad_uploads_get_a_clear_message(client, people, data, name, message):
    response = _post(client, data, name)
    assert response.status_code == 400
    page = PyQuery(response.content.decode())
    assert message in page("#verify-problem").text()
    assert not page("#verify-result")


def test_no_file_at_all_gets_a_message(client, people):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "请选择要验证的 PDF 文件" in PyQuery(response.content.decode())("#verify-problem").text()


def test_a_broken_pdf_is_answered_not_a_server_error(client, people):
    for data in (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
                 b"%PDF-1.4\n" + bytes(range(256)) * 40, b"%PDF-"):
        response = _post(client, data)
        assert response.status_code == 200
        page = PyQuery(response.content.decode())
        assert page("#verify-verdict").text() == "不是已发布的版本或已被修改。"
        assert page("#verify-signatures").text() in {"无法读取文件中的签名（文件已损坏或不是完整的 PDF）。",
                                                    "文件没有数字签名。"}


def test_the_form_needs_its_csrf_token(people, portal_year):
    _, published, _ = portal_year
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, {"file": SimpleUploadedFile("r.pdf", _published_bytes(published))})
    assert response.status_code == 403


def test_signatures_are_checked_inside_a_running_event_loop_too(portal_year):
    """pyHanko runs asyncio.run(): inside a running loop (an ASGI server) it gets a thread of its own."""
    import asyncio

    from reports.publishing.verification import signature_checks

    _, published, _ = portal_year
    data = _published_bytes(published)

    async def inside():
        return signature_checks(data)

    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread of its own: no loop of Playwright's around
        report = pool.submit(asyncio.run, inside()).result()
    assert report.ok and [check.signer for check in report.checks] == [SIGNER]
