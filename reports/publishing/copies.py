"""Word copies (.docx) of published versions, versioned with their PDF: one per done version, drawn
from that version's own snapshot, never changed once stored (a correction adds the next version's
copy and keeps the earlier ones).

Who makes them (decided so that no version is ever without one, and nobody has to remember a step):
- their own task (tasks.make_word_copies), queued when a version is published, behind every waiting
  render (enqueue.py): a render does only what the PDF needs, and at the January peak the workers
  publish the PDFs first and make the copies when no render waits;
- the publish task whenever it runs for a report that has nothing left to render: it is
  idempotent, so a redelivered or re-queued render adds a missing copy and changes nothing else;
- the sweep (celery beat), which queues the copies still missing long after their version was
  published once no render waits (a message lost while the broker was down);
- the portal's download, on the first request for a version that has none (its task has not run
  yet, or versions published before Word copies existed): made once, stored, then served like
  the PDF; `manage.py make_word_copies` makes every missing one ahead of time.
Two makers at once store one copy: the row is locked when the copy is put in place, and the later
one discards its file.
"""

import hashlib
import posixpath

import structlog
from django.db import transaction
from django.utils import timezone

from ..models import AnnualReport
from . import word
from .models import ReportPdf
from .snapshot import snapshot_document
from .storage import discard, move_into_place, pdf_storage, write_temporary

log = structlog.get_logger(__name__)

DONE = ReportPdf.Status.DONE


def docx_name(report: AnnualReport, version: int) -> str:
    code = report.body.code
    return posixpath.join("word", str(report.year), code, f"{report.year}-{code}-v{version}.docx")


def word_context(pdf: ReportPdf) -> dict:
    """The dates and 更正说明 printed in this version, as in its PDF: signed on the day of the first
    publication, a correction dated the day its version was published."""
    first = ReportPdf.objects.filter(report_id=pdf.report_id, version=1, status=DONE).first()
    published = pdf.published_at or timezone.now()
    signed = first.published_at if first and first.published_at else published
    correction = None
    if pdf.version > 1:
        correction = {"date": timezone.localdate(published), "reason": pdf.correction_reason}
    return {"signed_on": timezone.localdate(signed), "created": signed, "modified": published,
            "correction": correction}


def docx_render(pdf: ReportPdf) -> bytes:
    """The version's Word copy, from its snapshot (what was published), as bytes."""
    report = AnnualReport.objects.select_related("reporting_year", "body").get(pk=pdf.report_id)
    return word.render(snapshot_document(report, pdf.content), **word_context(pdf))


@transaction.atomic
def docx_attach(*, pdf_id: int, temporary: str, data: bytes) -> bool:
    """Put a rendered copy in place; False (and the file discarded) when the version already has one."""
    storage = pdf_storage()
    pdf = (ReportPdf.objects.select_for_update(of=("self",))  # the version's row, not its report's, year's, body's
           .select_related("report__reporting_year", "report__body").get(pk=pdf_id))
    if pdf.docx or not pdf.is_done:
        discard(storage, temporary)
        return False
    pdf.docx.name = move_into_place(storage, temporary, docx_name(pdf.report, pdf.version))
    pdf.docx_sha256 = hashlib.sha256(data).hexdigest()
    pdf.docx_size = len(data)
    pdf.save(update_fields=["docx", "docx_sha256", "docx_size", "updated_at"])
    log.info("docx_stored", report=pdf.report_id, version=pdf.version, size=pdf.docx_size)
    return True


def docx_ensure(pdf: ReportPdf) -> ReportPdf:
    """The done version with its Word copy, made now if it has none; returns the row as stored."""
    if pdf.docx:
        return pdf
    data = docx_render(pdf)
    report = AnnualReport.objects.select_related("reporting_year", "body").get(pk=pdf.report_id)
    temporary = write_temporary(pdf_storage(), docx_name(report, pdf.version), data)
    docx_attach(pdf_id=pdf.pk, temporary=temporary, data=data)
    return ReportPdf.objects.select_related("report", "report__reporting_year", "report__body").get(pk=pdf.pk)


def missing_copies(report_id: int | None = None):
    """Done versions without a Word copy (of one report, or of every report)."""
    versions = ReportPdf.objects.filter(status=DONE, docx="").order_by("report_id", "version")
    return versions.filter(report_id=report_id) if report_id is not None else versions


def docx_backfill(report_id: int | None = None) -> int:
    """Make every missing copy (of one report, or of all); returns how many were made."""
    made = 0
    for pdf in missing_copies(report_id):
        if not docx_ensure(pdf).docx_sha256:
            continue
        made += 1
    return made
