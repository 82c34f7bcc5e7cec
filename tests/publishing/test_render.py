"""The PDF: official layout, text that extracts whole and in order, metadata, fonts, storage."""

import hashlib
import logging
import subprocess

import pytest
from pypdf import PdfReader

from reports.models import ReportEvent, ReportStatus
from reports.publishing.document import AnnualReportDocument
from reports.publishing.models import ReportPdf
from reports.publishing.snapshot import snapshot_document
from reports.publishing.tasks import publish
from tests.publishing.helpers import (
    RESULTS,
    assert_in_order,
    beijing_2020_report,
    document_sequence,
    pdftotext,
    table_labels,
    weasyprint_complaints,
)
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    report = beijing_2020_report()
    assert publish(report.pk, task_id="t-1", worker="test-worker") == "published"
    report.refresh_from_db()
    pdf = report.pdf_versions.get()
    path = pdf.file.path
    assert not weasyprint_complaints(caplog), weasyprint_complaints(caplog)
    return report, pdf, path


def test_approval_to_publication_records_the_version(published):
    report, pdf, path = published
    data = open(path, "rb").read()
    assert report.status == ReportStatus.PUBLISHED
    assert pdf.status == ReportPdf.Status.DONE and pdf.version == 1 and pdf.attempts == 1
    assert pdf.sha256 == hashlib.sha256(data).hexdigest() and pdf.size == len(data)
    assert pdf.page_count == len(PdfReader(path).pages) >= 4
    assert pdf.worker == "test-worker" and pdf.task_id == "t-1" and pdf.published_at
    event = report.events.get(kind=ReportEvent.Kind.PUBLISHED)
    assert (event.from_status, event.to_status) == (ReportStatus.APPROVED, ReportStatus.PUBLISHED)
    assert event.data["sha256"] == pdf.sha256
    # No temporary file left beside it.
    assert [p.name for p in __import__("pathlib").Path(path).parent.iterdir()] == [f"{report.year}-{report.body.code}-v1.pdf"]


def test_running_the_task_twice_publishes_once(published):
    report, pdf, _ = published
    assert publish(report.pk) == "nothing-to-do"
    assert report.pdf_versions.count() == 1
    assert report.events.filter(kind=ReportEvent.Kind.PUBLISHED).count() == 1


def test_every_label_and_number_comes_out_of_pdftotext_in_order(published):
    report, pdf, path = published
    document = snapshot_document(report, pdf.content)
    # Reading order (the content stream: what copy-paste and screen readers get).
    assert_in_order(pdftotext(path, "-raw"), document_sequence(document))
    # Each table label is one phrase on one line, never interleaved with a neighbouring cell.
    for mode in ((), ("-layout",)):
        lines = [line.replace(" ", "") for line in pdftotext(path, *mode).splitlines()]
        for label in table_labels(document):
            assert any(label in line for line in lines), (mode, label)
    raw = pdftotext(path, "-raw")
    assert "— 1 —" in raw and "— 2 —" in raw
    assert "行政检查" in raw and "采购总金额（万元，保留四位小数）" in raw


def test_signed_numbers_keep_their_sign_and_numbers_are_right_aligned(published):
    report, pdf, path = published
    values = pdf.content["values"]
    signed = [cid for cid in values if cid.endswith(".c2") and cid.startswith(("s2.t5", "s2.t6", "s2.t8"))]
    positive = [cid for cid in signed if values[cid] > 0]
    assert positive, "the generated report has a positive 本年增/减"
    html = __import__("django.template.loader", fromlist=["x"]).render_to_string(
        "reports/pdf/report.html", {"document": snapshot_document(report, pdf.content)})
    for cid in positive:
        assert f'data-cell="{cid}">+{values[cid]}<' in html
    css = open("static/pdf/report.css", encoding="utf-8").read()
    assert "td.num" in css and "text-align: right" in css.split("td.num", 1)[1].split("}", 1)[0]


def test_metadata_fonts_tags_and_page_size(published):
    report, pdf, path = published
    reader = PdfReader(path)
    meta = reader.metadata
    assert meta.title == f"{report.body_name}2020年政府信息公开工作年度报告"
    assert meta.author == report.body_name and "2020" in meta.subject
    assert meta.creation_date is not None
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and "A4" in info
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts), fonts  # emb sub uni
    assert any("CJK" in line for line in fonts)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert (595, 842) in sizes and (842, 595) in sizes  # portrait text, landscape wide tables
    assert pdf.size < 900_000


def test_first_page_is_rendered_to_png_as_a_test_artefact(published):
    report, pdf, path = published
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / "publishing-beijing-2020-page"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", path, str(target)],
                   check=True)
    png = target.with_suffix(".png")
    assert png.stat().st_size > 10_000


def test_the_html_preview_and_the_pdf_share_one_view_model():
    report = AnnualReportFactory(filled=True, reporting_year__year=2025)
    live = AnnualReportDocument(report)
    from reports.publishing.snapshot import snapshot_of

    assert document_sequence(snapshot_document(report, snapshot_of(report))) == document_sequence(live)
