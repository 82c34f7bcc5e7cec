"""The real Celery worker makes the Word copy after it published the PDF (its own task, queued behind every
waiting render on Redis)."""

import hashlib
import os

import pytest
from django.db import connection

from reports.models import AnnualReport, ReportStatus
from reports.publishing.enqueue import enqueue_render, enqueue_word_copies
from reports.publishing.models import ReportPdf
from reports.signals import report_approved
from tests.publishing.helpers import beijing_2020_report
from tests.publishing.word_helpers import (
    assert_merges_follow_the_layout,
    assert_table_holds_the_definition,
    open_docx,
)
from tests.publishing.workers import RedisServer, Worker, app_broker, wait_until
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_shared_with_the_workers(settings):
    settings.MEDIA_ROOT = os.environ["DJANGO_MEDIA_ROOT"]


def _version(report):
    connection.close()  # see the worker's commits
    return ReportPdf.objects.filter(report=report, status=ReportPdf.Status.DONE).first()


def test_the_worker_publishes_the_word_copy_with_the_pdf(celery_worker_process):
    report = beijing_2020_report()
    report_approved.send(sender=AnnualReport, report_id=report.pk)
    pdf = wait_until(lambda: (v := _version(report)) and v.docx_sha256 and v, 120, "Word copy stored")
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.PUBLISHED
    assert pdf.worker.startswith("test-") and pdf.docx.name.endswith(f"{report.body.code}-v1.docx")
    with pdf.docx.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == pdf.docx_sha256
    word = open_docx(data)
    assert word.paragraphs[0].text == report.title
    fmt = report.format
    for table, word_table in zip(fmt.tables(), word.tables, strict=True):
        assert_table_holds_the_definition(fmt, table, word_table, pdf.content)
        assert_merges_follow_the_layout(table, word_table)
    directory = os.path.dirname(pdf.docx.path)
    assert sorted(os.listdir(directory)) == [os.path.basename(pdf.docx.name)]  # no temporary file left


def test_a_worker_takes_every_waiting_render_before_the_word_copies(tmp_path):
    """At the peak: Word copies already queued, then an approval. The worker (started only now, so that
    everything waits at once) publishes the PDF first and makes the copies after it."""
    redis = RedisServer(tmp_path).start()
    try:
        with app_broker(redis.url):
            year = ReportingYearFactory(year=2025)
            waiting_copies = [AnnualReportFactory(reporting_year=year, published=True) for _ in range(3)]
            for report in waiting_copies:
                assert enqueue_word_copies(report.pk)
            approved = beijing_2020_report()
            assert enqueue_render(approved.pk)
            worker = Worker(redis.url, tmp_path).wait_ready()
            try:
                copies = wait_until(lambda: (connection.close() or True) and len(
                    made := ReportPdf.objects.filter(report__in=waiting_copies).exclude(docx_sha256="")) == 3
                    and made, 180, "the three Word copies")
                published = _version(approved)
                assert published and published.published_at
                assert all(published.published_at < copy.updated_at for copy in copies), worker.output()[-2000:]
                wait_until(lambda: (v := _version(approved)) and v.docx_sha256, 60, "the render's own copy")
            finally:
                worker.stop()
    finally:
        redis.stop()
