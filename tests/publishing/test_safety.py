"""Report text is user input: the renderer fetches nothing but our static files, renders no markup."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from reports.publishing import pdf as pdf_module
from reports.publishing.tasks import publish
from tests.publishing.helpers import beijing_2020_report, pdftotext, weasyprint_complaints

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    """A local HTTP server that records every request made to it."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()


def _payload(port):
    return (f'<img src="http://127.0.0.1:{port}/img"> file:///etc/passwd '
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/css"> '
            f'<style>body{{background:url(http://127.0.0.1:{port}/bg)}} h1{{display:none}}</style>'
            f'<object data="file:///etc/passwd"></object> <b>粗体</b> url(file:///etc/passwd)')


def test_markup_and_urls_in_every_text_field_are_printed_not_fetched(listener, caplog):
    port, hits = listener
    report = beijing_2020_report()
    payload = _payload(port)
    report.body_name = "东花市" + payload[:60]
    report.save()
    fmt = report.format
    for section in report.sections.all():
        keys = [p.key for p in fmt.text_parts() if p.key.split(".")[0] == section.key]
        section.texts = {key: f"第一段 {payload}\n第二段 {payload}" for key in keys}
        section.save()
    assert any(s.texts for s in report.sections.all())

    assert publish(report.pk) == "published"
    version = report.pdf_versions.get()
    text = pdftotext(version.file.path, "-raw")
    assert hits == []
    assert f'<img src="http://127.0.0.1:{port}/img">' in text.replace("\n", "")  # printed as text
    assert "<b>粗体</b>" in text and "root:x:0:0" not in text
    assert not weasyprint_complaints(caplog)


def test_the_fetcher_serves_our_static_files_and_refuses_everything_else(listener):
    port, hits = listener
    fetcher = pdf_module.url_fetcher()
    css = fetcher.fetch(pdf_module.BASE_URL + "static/pdf/report.css")
    assert b"@page" in css.read() and css.content_type == "text/css"
    for url in (f"http://127.0.0.1:{port}/x", f"https://127.0.0.1:{port}/x", "file:///etc/passwd",
                "data:text/plain,hello", "ftp://127.0.0.1/x", pdf_module.BASE_URL + "static/../../etc/passwd",
                pdf_module.BASE_URL + "media/reports/x.pdf", "https://nianbao.invalid.evil.example/static/x.css"):
        with pytest.raises(Exception):  # noqa: B017 - refused, whichever way the fetcher refuses
            fetcher.fetch(url)
    assert hits == []


def test_even_raw_markup_given_to_the_renderer_cannot_reach_the_network(listener, caplog):
    port, hits = listener
    html = (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/a.css"></head>'
            f'<body><img src="http://127.0.0.1:{port}/b.png"><img src="file:///etc/passwd"><p>正文</p></body></html>')
    rendered = pdf_module.render_html_to_pdf(html)
    assert rendered.pdf.startswith(b"%PDF") and hits == []
