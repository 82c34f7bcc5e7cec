"""The demo shows a Word copy for each of its published reports, also in a database seeded before Word
copies existed (seed_demo fills them in)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pyquery import PyQuery

from agencies import demo as agencies_demo
from reports import demo as reports_demo
from reports.models import ReportStatus
from reports.publishing import demo as publishing_demo
from reports.publishing.models import ReportPdf
from tests.publishing.word_helpers import open_docx

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_demo_publishes_its_reports_with_their_word_copies(client, monkeypatch):
    agencies_demo.seed()
    reports_demo.seed()
    everything = publishing_demo.reports_to_publish
    one = everything().order_by("body__code")[:1].values_list("pk", flat=True)
    monkeypatch.setattr(publishing_demo, "reports_to_publish", lambda: everything().filter(pk__in=list(one)))
    publishing_demo.seed()  # one body's report, rendered like all the others (a PDF takes seconds)
    report = publishing_demo.reports_to_publish().get()
    assert report.status == ReportStatus.PUBLISHED
    version = report.pdf_versions.get()
    assert version.docx and open_docx(version).paragraphs[0].text == report.title
    page = PyQuery(client.get(f"/portal/reports/{report.pk}/").content.decode())
    assert page("#docx-download").attr("href") == f"/portal/reports/{report.pk}/v1.docx"

    # A demo database published before Word copies existed: seed_demo's next run makes them.
    version.docx.delete(save=False)
    ReportPdf.objects.filter(pk=version.pk).update(docx="", docx_sha256="", docx_size=None)
    publishing_demo.seed()
    version.refresh_from_db()
    assert version.docx and version.docx_sha256
    assert client.get(f"/portal/reports/{report.pk}/v1.docx").status_code == 200
