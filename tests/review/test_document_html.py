"""The review page's document kept in the shared cache (reports/publishing/document_html.py): built once
for the content as stored, built again when a section changes, never kept for a document whose content
was not read from every stored section (a published snapshot)."""

import zlib
from unittest import mock

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string

from reports.publishing import document_html as kept_document
from reports.publishing.document import AnnualReportDocument
from reports.publishing.snapshot import snapshot_document, snapshot_of
from reports.selectors import ReportContent
from tests.health.conftest import edit
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(people):
    cache.clear()
    yield AnnualReportFactory(body=people.body, filled=True)
    cache.clear()


def _document(report):
    report.refresh_from_db()
    return AnnualReportDocument(report, ReportContent.of(report))


def test_the_html_is_the_templates_built_once_and_built_again_when_a_section_changes(report):
    built = render_to_string(kept_document.TEMPLATE, {"document": _document(report)})
    with mock.patch.object(kept_document, "render_to_string", wraps=render_to_string) as render:
        assert kept_document.document_html(_document(report)) == built
        assert kept_document.document_html(_document(report)) == built
        assert render.call_count == 1

        edit(report, "s5", texts={"s5.p0": "本年度存在的主要问题是解读形式单一，下一步将增加图解。"})
        changed = kept_document.document_html(_document(report))
        assert render.call_count == 2
    assert "本年度存在的主要问题是解读形式单一" in changed and changed != built


def test_a_published_snapshot_is_built_every_time(report):
    snapshot = snapshot_of(report)
    with mock.patch.object(kept_document, "render_to_string", wraps=render_to_string) as render:
        kept_document.document_html(snapshot_document(report, snapshot))
        kept_document.document_html(snapshot_document(report, snapshot))
    assert render.call_count == 2


def test_the_review_page_shows_the_kept_document(report, people, client):
    report.status = "pending_head"
    report.save()
    client.force_login(people.head)
    first = client.get(f"/review/{report.pk}/").content.decode()
    assert f'<h1 class="report-title" id="report-title">{_document(report).title}</h1>' in first
    slot = kept_document._slot(report.pk)
    state, kept = cache.get(slot)  # kept by the first load, compressed
    assert zlib.decompress(kept).decode() in first and len(kept) < len(zlib.decompress(kept)) / 3
    cache.set(slot, (state, zlib.compress(b'<p id="kept-marker">kept</p>')))
    assert '<p id="kept-marker">kept</p>' in client.get(f"/review/{report.pk}/").content.decode()


def test_an_entry_this_code_did_not_keep_is_built_again(report):
    built = render_to_string(kept_document.TEMPLATE, {"document": _document(report)})
    state = kept_document._state(_document(report))
    cache.set(kept_document._slot(report.pk), (state, "<p>kept uncompressed by an earlier release</p>"))
    assert kept_document.document_html(_document(report)) == built
