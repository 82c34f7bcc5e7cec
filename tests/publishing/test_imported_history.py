"""Imported history on the portal gets its PDF too, rendered once per import from the numbers as
published, without changing the report's state."""

from unittest import mock

import pytest

from reports.importing.demo import seed_path
from reports.importing.services import report_import
from reports.models import ReportEvent, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.tasks import publish
from tests.publishing.helpers import pdftotext

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not seed_path().is_file(), reason="../shared is not beside the project"),
]


def _import(people, text=None):
    return report_import(body=people.body, year=2020, text=text or seed_path().read_text(encoding="utf-8"),
                         variant="beijing").report


def test_an_import_queues_the_render_of_its_pdf(people, django_capture_on_commit_callbacks):
    with mock.patch("reports.publishing.receivers.enqueue_render") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            report = _import(people)
    enqueue.assert_called_once_with(report.pk)


def test_imported_history_is_published_with_a_pdf_once_per_import(people, client, tmp_path):
    report = _import(people)
    assert publish(report.pk) == "published"
    assert publish(report.pk) == "nothing-to-do"  # idempotent
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    pdf = ReportPdf.objects.get(report=report, status=ReportPdf.Status.DONE)
    assert pdf.version == 1 and pdf.page_count >= 1 and pdf.content["values"]["s2.t9.r1.c2"] == "132.6444"
    event = report.events.filter(kind=ReportEvent.Kind.PUBLISHED).get()
    assert event.data["imported"] is True and event.from_status == event.to_status == ReportStatus.PUBLISHED

    page = client.get(f"/portal/reports/{report.pk}/").content.decode()
    download = client.get(pdf_url := next(u for u in _links(page) if u.endswith(".pdf")))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf", pdf_url
    out = tmp_path / "seed.pdf"
    out.write_bytes(b"".join(download.streaming_content) if download.streaming else download.content)
    text = pdftotext(out, "-raw")
    assert "+337" in text and "132.6444" in text and "东花市街道" in text

    # A re-import (a corrected transcription) gets a new version; the first stays downloadable.
    _import(people, seed_path().read_text(encoding="utf-8").replace("1275", "1276"))
    assert publish(report.pk) == "published"
    assert list(report.pdf_versions.filter(status=ReportPdf.Status.DONE).values_list("version", flat=True)) == [1, 2]


def _links(page):
    import re

    return re.findall(r'href="([^"]+)"', page)
