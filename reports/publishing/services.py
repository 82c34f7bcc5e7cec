"""Writes of publishing: claim a render, publish the rendered version, record a failure, retry.

The render runs outside any transaction (it takes seconds); what comes before and after it is
short and locks the rows it changes. The ReportPdf row of the version being published is the
lock: whoever marks it done first publishes, every other render of it is discarded. Status
changes go through reports.workflow.report_transition only.
"""

import hashlib
from functools import partial

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..errors import ReportError
from ..models import AnnualReport, ReportEvent, ReportStatus
from ..signals import report_published
from ..timeline import event_record
from ..workflow import report_transition
from .claims import Claim
from .enqueue import enqueue_render, enqueue_word_copies
from .models import ReportPdf
from .selectors import render_stalled
from .storage import discard, move_into_place, pdf_name, pdf_storage, write_temporary

log = structlog.get_logger(__name__)


def _renderable(report: AnnualReport) -> bool:
    """An approved report waits for its PDF; so does imported history, once per import."""
    if report.status == ReportStatus.APPROVED:
        return True
    if not (report.imported and report.status == ReportStatus.PUBLISHED):
        return False
    last_import = report.events.filter(kind=ReportEvent.Kind.IMPORTED).order_by("-created_at").first()
    last_pdf = report.pdf_versions.filter(status=ReportPdf.Status.DONE).order_by("-version").first()
    return last_pdf is None or (last_import is not None and last_pdf.published_at is not None
                                and last_import.created_at > last_pdf.published_at)


def _target_version(report: AnnualReport) -> int:
    last_done = report.pdf_versions.filter(status=ReportPdf.Status.DONE).order_by("-version").first()
    return last_done.version + 1 if last_done else 1


@transaction.atomic
def render_claim(*, report_id: int, task_id: str = "", worker: str = "") -> Claim | None:
    """Start one attempt at rendering the report's next version, or say there is nothing to do
    (already published, not approved). Past PUBLISHING_MAX_ATTEMPTS the report is 发布失败."""
    report = AnnualReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None or not _renderable(report):
        return None
    pdf, _ = ReportPdf.objects.select_for_update().get_or_create(report=report, version=_target_version(report))
    if pdf.attempts >= settings.PUBLISHING_MAX_ATTEMPTS:
        _fail(report, pdf, f"已尝试生成 {pdf.attempts} 次仍未成功，已停止自动重试。")
        return None
    pdf.attempts += 1
    pdf.status = ReportPdf.Status.RENDERING
    pdf.task_id, pdf.worker, pdf.started_at, pdf.error = task_id[:64], worker[:200], timezone.now(), ""
    pdf.save()
    log.info("pdf_render_claimed", report=report_id, version=pdf.version, attempt=pdf.attempts, worker=worker)
    return Claim(pdf_id=pdf.pk, report_id=report_id, version=pdf.version, attempt=pdf.attempts)


def render_store(*, claim: Claim, pdf_bytes: bytes) -> str:
    """Write the PDF under a temporary name (no transaction, no lock)."""
    report = AnnualReport.objects.select_related("reporting_year", "body").get(pk=claim.report_id)
    return write_temporary(pdf_storage(), pdf_name(report, claim.version), pdf_bytes)


@transaction.atomic
def render_publish(*, claim: Claim, temporary: str, pdf_bytes: bytes, page_count: int, snapshot: dict,
                   search_text: str, task_id: str = "", worker: str = "") -> bool:
    """Move the PDF into place and publish the version; False when another render got there first."""
    storage = pdf_storage()
    pdf = ReportPdf.objects.select_for_update().get(pk=claim.pdf_id)
    # The report's row and its year's (not its body's): district_report_start locks the year while it
    # compiles the year's published reports, and a publication waits for it or it for the publication.
    # Submissions, approvals and returns lock their report's row only: none waits for a publication.
    report = (AnnualReport.objects.select_for_update(of=("self", "reporting_year")).select_related("reporting_year", "body")
              .get(pk=claim.report_id))
    if pdf.is_done or not _renderable(report):
        discard(storage, temporary)
        log.info("pdf_render_discarded", report=report.pk, version=pdf.version, status=report.status)
        return False
    now = timezone.now()
    pdf.file.name = move_into_place(storage, temporary, pdf_name(report, pdf.version))
    pdf.sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    pdf.size, pdf.page_count, pdf.content, pdf.search_text = len(pdf_bytes), page_count, snapshot, search_text
    pdf.rendered_at = pdf.published_at = now
    pdf.worker, pdf.task_id = worker[:200] or pdf.worker, task_id[:64] or pdf.task_id
    pdf.status, pdf.error = ReportPdf.Status.DONE, ""
    pdf.save()
    data = {"version": pdf.version, "sha256": pdf.sha256, "size": pdf.size, "pages": pdf.page_count,
            "worker": pdf.worker, "task_id": pdf.task_id, "attempts": pdf.attempts}
    if report.status == ReportStatus.APPROVED:
        report_transition(report=report, action="publish", data=data, already_locked=True)
        report_published.send(sender=AnnualReport, report=report, version=pdf.version)  # notices, same transaction
    else:  # imported history, already published: its PDF is added, the state stays
        event_record(report=report, kind=ReportEvent.Kind.PUBLISHED, from_status=report.status,
                     to_status=report.status, data={**data, "imported": True})
    log.info("report_published", report=report.pk, version=pdf.version, size=pdf.size, pages=page_count)
    transaction.on_commit(partial(enqueue_word_copies, report.pk))  # behind every waiting render
    return True


def _fail(report: AnnualReport, pdf: ReportPdf, reason: str) -> None:
    pdf.status, pdf.error = ReportPdf.Status.FAILED, reason[:2000]
    pdf.save(update_fields=["status", "error", "updated_at"])
    if report.status == ReportStatus.APPROVED:
        report_transition(report=report, action="fail_publish", comment=reason[:2000],
                          data={"version": pdf.version, "attempts": pdf.attempts, "worker": pdf.worker})
    log.warning("pdf_render_failed", report=report.pk, version=pdf.version, reason=reason[:300])


@transaction.atomic
def render_fail(*, claim: Claim, reason: str) -> None:
    """A render that will not succeed by itself: 发布失败 with its reason, for an administrator."""
    report = AnnualReport.objects.select_for_update().get(pk=claim.report_id)
    pdf = ReportPdf.objects.select_for_update().get(pk=claim.pdf_id)
    if pdf.is_done:
        return
    _fail(report, pdf, reason)


@transaction.atomic
def report_publish_retry(*, report: AnnualReport, by, request=None) -> AnnualReport:
    """A district administrator sends a 发布失败 report back to the render queue, or an approved one
    whose render was lost (render_stalled: a worker died with its message on the demo's broker)."""
    if not by.has_perm("publishing.retry_publish", report):
        raise ReportError("只有区管理员可以重新发布报告。")
    locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if locked.status == ReportStatus.APPROVED:
        if not render_stalled(locked):
            raise ReportError("PDF 正在生成或排队中，无需重新发布；完成后将自动发布。")
        event_record(report=locked, kind=ReportEvent.Kind.PUBLISH_RETRIED, actor=by, from_status=locked.status,
                     to_status=locked.status, data={"stalled": True}, request=request)
    else:
        report_transition(report=report, action="retry_publish", by=by,
                          expected_status=ReportStatus.PUBLISH_FAILED, request=request)
    ReportPdf.objects.filter(report=report).exclude(status=ReportPdf.Status.DONE).update(
        status=ReportPdf.Status.PENDING, attempts=0, error="", updated_at=timezone.now())
    transaction.on_commit(lambda: enqueue_render(report.pk))
    return report


@transaction.atomic
def report_reopen(*, report: AnnualReport, by, reason: str, request=None) -> AnnualReport:
    """更正: a district administrator reopens a published report with a public reason. It goes back
    to the fillers (退回修改) and through both review levels again; the portal keeps showing the
    published version until the corrected one is published as the next version."""
    from ..signals import report_reopened

    reason = (reason or "").strip()
    if not by.has_perm("publishing.reopen_report", report):
        raise ReportError("只有区管理员可以更正已发布的报告。")
    if report.imported:
        raise ReportError("导入的历史报告不能在系统中更正。")
    if not reason:
        raise ReportError("请填写更正原因，它将作为更正说明向社会公开。")
    report_transition(report=report, action="reopen", by=by, expected_status=ReportStatus.PUBLISHED,
                      comment=reason[:2000], data={"correction": True}, request=request)
    version = _target_version(report)
    pdf, _ = ReportPdf.objects.get_or_create(report=report, version=version)
    pdf.correction_reason, pdf.status, pdf.attempts, pdf.error = reason[:2000], ReportPdf.Status.PENDING, 0, ""
    pdf.save()
    report_reopened.send(sender=AnnualReport, report=report, by=by, reason=reason)  # notices, same transaction
    log.info("report_reopened", report=report.pk, by=by.pk, next_version=version)
    return report
