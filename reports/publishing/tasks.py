"""The render task: approved report → PDF → published version.

Delivery guarantees, and why the task is written the way it is:
- It takes the report's id and is idempotent: run twice, it publishes once. The ReportPdf row of
  the version is the lock (select_for_update); a second render of a published version is discarded.
- acks_late + reject_on_worker_lost: a worker that dies mid-render gives the message back. That is
  safe because of the point above; attempts are counted on the ReportPdf row and bounded
  (PUBLISHING_MAX_ATTEMPTS), so a message that kills its worker every time cannot loop forever.
- Transient errors (database, storage, a render slower than its soft limit) are retried with
  exponential back-off; every countdown and the hard time limit stay far below the Redis
  visibility_timeout (6 h), so a running or waiting render is never redelivered behind its back.
- Anything else is a real failure: 发布失败 with its reason, which a district administrator retries.
- `publishing_sweep` (celery beat) re-queues approved reports whose render never started or died,
  and the Word copies still missing once no render waits.
- The Word copy of a published version is its own task (`make_word_copies`), queued when the version
  is published, at the lowest priority (enqueue.py): a render does only what the PDF needs, and at the
  peak the workers publish every waiting PDF before they make the copies (a copy taken while a render
  waits or runs, or just after a publication, is sent back for later, so that a free worker is free for
  the next approval).
"""

import os
import socket
from datetime import timedelta

import structlog
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from . import pdf as pdf_engine
from . import services
from .enqueue import (
    RENDER_TASK,
    WORD_PRIORITY,
    WORD_TASK,
    enqueue_render,
    enqueue_word_copies,
    word_defer_seconds,
)
from .search import search_text
from .selectors import copies_to_sweep, pending_claim, renders_coming, reports_to_sweep
from .signing import sign_pdf

log = structlog.get_logger(__name__)

TRANSIENT = (OperationalError, InterfaceError, OSError, SoftTimeLimitExceeded)
MAX_RETRIES = 4
WORD_DEFERRALS = 60  # × word_defer_seconds(): past 10 minutes of renders, the copy is made between them


def _worker_name(task) -> str:
    return f"{task.request.hostname or socket.gethostname()} pid {os.getpid()}"


def publish(report_id: int, *, task_id: str = "", worker: str = "") -> str:
    """One attempt at publishing a report (the task body, callable without Celery). The published
    version's Word copy is queued when the publication commits (services.render_publish)."""
    from ..models import AnnualReport
    from .snapshot import snapshot_document, snapshot_of

    claim = services.render_claim(report_id=report_id, task_id=task_id, worker=worker)
    if claim is None:
        word_copies(report_id)  # idempotent: a published version without its Word copy gets it
        return "nothing-to-do"
    try:
        report = AnnualReport.objects.select_related("reporting_year", "body").get(pk=report_id)
        snapshot = snapshot_of(report)
        document = snapshot_document(report, snapshot)
        rendered = pdf_engine.render("reports/pdf/report.html", {"document": document, **pdf_context(claim)})
        signed = sign_pdf(rendered.pdf)  # the district's PAdES signature; the stored SHA-256 is the signed file's
        temporary = services.render_store(claim=claim, pdf_bytes=signed)
        published = services.render_publish(claim=claim, temporary=temporary, pdf_bytes=signed,
                                            page_count=rendered.page_count, snapshot=snapshot,
                                            search_text=search_text(document), task_id=task_id, worker=worker)
    except (*TRANSIENT, DatabaseError):
        raise
    except pdf_engine.MissingGlyphs as exc:
        services.render_fail(claim=claim, reason=missing_glyphs_reason(document, exc.characters))
        return "failed"
    except Exception as exc:
        log.exception("pdf_render_error", report=report_id)
        services.render_fail(claim=claim, reason=f"生成 PDF 出错：{type(exc).__name__}: {exc}")
        return "failed"
    return "published" if published else "duplicate"


def word_copies(report_id: int) -> None:
    """The Word copy of every published version of the report that has none (copies.py). Transient
    errors retry the task (which then has nothing to render and comes back here); any other error
    leaves the publication as it is: the portal makes the copy on its first download."""
    from .copies import docx_backfill

    try:
        docx_backfill(report_id)
    except (*TRANSIENT, DatabaseError):
        raise
    except Exception:
        log.exception("docx_render_error", report=report_id)


def missing_glyphs_reason(document, characters: list[str]) -> str:
    """发布失败's reason when no font has a character: which one, where, and what to do."""
    named = []
    for character in characters:
        places = document.places_of(character)
        where = f"，见{'、'.join(dict.fromkeys(places))}" if places else ""
        named.append(f"“{character}”（U+{ord(character):04X}{where}）")
    return (f"PDF 的字体中没有这些字符，不能发布：{'；'.join(named)}。请在生成 PDF 的服务器上安装含这些字的字体后"
            "重新发布。")


def pdf_context(claim) -> dict:
    """The dates and, for a corrected version, the 更正说明 printed in the PDF."""
    from django.utils import timezone

    from .models import ReportPdf

    pdf = ReportPdf.objects.get(pk=claim.pdf_id)
    now = timezone.now()
    first = ReportPdf.objects.filter(report_id=claim.report_id, version=1, status=ReportPdf.Status.DONE).first()
    correction = None
    if pdf.version > 1:
        correction = {"date": timezone.localdate(now), "reason": pdf.correction_reason}
    return {"signed_on": timezone.localdate(first.published_at if first else now),
            "created": first.published_at if first else now, "modified": now, "correction": correction}


@shared_task(
    bind=True, name=RENDER_TASK, acks_late=True, reject_on_worker_lost=True,
    soft_time_limit=settings.PUBLISHING_SOFT_TIME_LIMIT, time_limit=settings.PUBLISHING_TIME_LIMIT,
    max_retries=MAX_RETRIES,
)
def render_report_pdf(self, report_id: int) -> str:
    worker = _worker_name(self)
    try:
        return publish(report_id, task_id=self.request.id or "", worker=worker)
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            claim = pending_claim(report_id)
            if claim is not None:
                services.render_fail(claim=claim, reason=f"多次重试仍失败：{type(exc).__name__}: {exc}")
            return "failed"
        countdown = min(5 * 2 ** self.request.retries, 120)
        log.warning("pdf_render_retry", report=report_id, error=f"{type(exc).__name__}: {exc}"[:300],
                    countdown=countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc
    finally:
        pdf_engine.release_memory()  # the next render of this process starts from a trimmed heap


@shared_task(
    bind=True, name=WORD_TASK, acks_late=True, reject_on_worker_lost=True,
    soft_time_limit=settings.PUBLISHING_SOFT_TIME_LIMIT, time_limit=settings.PUBLISHING_TIME_LIMIT,
    max_retries=MAX_RETRIES,
)
def make_word_copies(self, report_id: int, deferred: int = 0) -> str:
    """The Word copies of the report's published versions that have none (idempotent: a copy already
    made is left as it is). Sent back while a render waits or runs or one was just published, at most
    WORD_DEFERRALS times (enqueue.py). Transient errors retry; past them the portal makes the copy on
    its first download, and the sweep queues it again."""
    copying = False
    try:
        if (deferred < WORD_DEFERRALS and renders_coming(timedelta(seconds=word_defer_seconds()))
                and enqueue_word_copies(report_id, deferred=deferred + 1)):
            return "deferred"
        copying = True
        word_copies(report_id)
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            log.warning("docx_gave_up", report=report_id, error=f"{type(exc).__name__}: {exc}"[:300])
            return "failed"
        raise self.retry(exc=exc, countdown=min(5 * 2 ** self.request.retries, 120),
                         priority=WORD_PRIORITY) from exc
    finally:
        if copying:
            pdf_engine.release_memory()
    return "done"


@shared_task(name="publishing.sweep", acks_late=True)
def publishing_sweep() -> int:
    """Queue again every approved report that has waited too long for its PDF, and, while no render
    waits, the Word copies still missing long after their version was published."""
    ids = list(reports_to_sweep())
    for report_id in ids:
        enqueue_render(report_id)
    if ids:
        log.info("publishing_sweep_requeued", reports=ids)
    copies = list(copies_to_sweep())
    for report_id in copies:
        enqueue_word_copies(report_id)
    if copies:
        log.info("publishing_sweep_requeued_copies", reports=copies)
    return len(ids)
