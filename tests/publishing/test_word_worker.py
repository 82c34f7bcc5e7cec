"""The real Celery worker makes the Word copy in the same task that publishes the PDF."""

import hashlib
import os

import pytest
from django.db import connection

from reports.models import AnnualReport, ReportStatus
from reports.publishing.models import ReportPdf
from reports.signals import report_approved
from tests.publishing.helpers import beijing_2020_report
from tests.publishing.word_helpers import (
    assert_merges_follow_the_layout,
    assert_table_holds_the_definition,
    open_docx,
)
from tests.publishing.workers import wait_until

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
