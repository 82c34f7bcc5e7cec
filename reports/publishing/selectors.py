"""Reads of publishing: versions, render status, what the sweep should queue again.

The public's reads (what the portal shows) are in portal.selectors: only versions that are done,
with their snapshot; never a draft, never live section data.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Subquery
from django.utils import timezone

from ..models import AnnualReport, ReportStatus
from .claims import Claim
from .models import ReportPdf


def latest_version(report: AnnualReport) -> ReportPdf | None:
    return report.pdf_versions.filter(status=ReportPdf.Status.DONE).order_by("-version").first()


def current_versions():
    """Every report's current published version: its latest done version, the one the portal shows
    (a correction in progress leaves it in place until the next version is done). Written as "the
    version equals the report's highest done version" (one index lookup a row) rather than "no newer
    done version exists", which PostgreSQL plans badly on freshly loaded tables."""
    latest = (ReportPdf.objects.filter(report=OuterRef("report"), status=ReportPdf.Status.DONE)
              .order_by("-version").values("version")[:1])
    return ReportPdf.objects.filter(status=ReportPdf.Status.DONE, version=Subquery(latest))


def pending_claim(report_id: int) -> Claim | None:
    pdf = (ReportPdf.objects.filter(report_id=report_id).exclude(status=ReportPdf.Status.DONE)
           .order_by("-version").first())
    if pdf is None:
        return None
    return Claim(pdf_id=pdf.pk, report_id=report_id, version=pdf.version, attempt=pdf.attempts)


def reports_to_sweep(now=None):
    """Approved reports whose status has not moved for PUBLISHING_SWEEP_AFTER and whose render is
    not running right now (a row touched within that time counts as running): their message was lost
    (the broker was down at approval; a worker died mid-render on a broker that does not give it back,
    such as the demo's filesystem transport, which deletes a message as soon as a worker takes it)."""
    now = now or timezone.now()
    cutoff = now - settings.PUBLISHING_SWEEP_AFTER
    busy = ReportPdf.objects.filter(report=OuterRef("pk"), status=ReportPdf.Status.RENDERING, updated_at__gt=cutoff)
    return (AnnualReport.objects.filter(status=ReportStatus.APPROVED, updated_at__lte=cutoff)
            .exclude(Exists(busy)).order_by("updated_at").values_list("pk", flat=True))


# At most this many reports' copies a sweep (every 2 minutes): made in well under 2 minutes, so that a
# database of versions published before Word copies existed is filled in without queueing duplicates.
SWEEP_COPIES = 100


def copies_to_sweep(now=None):
    """Reports with a version published more than PUBLISHING_SWEEP_AFTER ago and still without its Word
    copy, while no render waits (no approved report) or runs: the copies are queued behind every
    render, so during a backlog they are late, not lost; once it has drained, a copy still missing
    lost its message (the broker was down when its version was published)."""
    now = now or timezone.now()
    cutoff = now - settings.PUBLISHING_SWEEP_AFTER
    if renders_waiting(now):
        return ReportPdf.objects.none().values_list("report_id", flat=True)
    missing = (ReportPdf.objects.filter(status=ReportPdf.Status.DONE, docx="", published_at__lte=cutoff)
               .values("report_id").annotate(first=Min("published_at")).order_by("first", "report_id"))
    return missing.values_list("report_id", flat=True)[:SWEEP_COPIES]


def renders_waiting(now=None) -> bool:
    """An approved report waits for its PDF, or a render runs (one not touched for
    PUBLISHING_SWEEP_AFTER died): the Word copies wait behind them."""
    cutoff = (now or timezone.now()) - settings.PUBLISHING_SWEEP_AFTER
    return (AnnualReport.objects.filter(status=ReportStatus.APPROVED).exists()
            or ReportPdf.objects.filter(status=ReportPdf.Status.RENDERING, updated_at__gt=cutoff).exists())


def renders_coming(within: timedelta, now=None) -> bool:
    """A render waits or runs, or one was published within `within`: approvals are arriving, as at the
    January peak, and a Word copy made now would take a core from the next render."""
    now = now or timezone.now()
    return renders_waiting(now) or ReportPdf.objects.filter(status=ReportPdf.Status.DONE,
                                                            published_at__gt=now - within).exists()


def render_stalled(report: AnnualReport, now=None) -> bool:
    """An approved report whose render is lost: the sweep queues it again, an administrator may too."""
    return report.status == ReportStatus.APPROVED and reports_to_sweep(now).filter(pk=report.pk).exists()


@dataclass(frozen=True)
class RenderStatus:
    """What the overview's live fragment shows after the final approval."""

    report: AnnualReport
    pdf: ReportPdf | None
    latest: ReportPdf | None
    stalled: bool = False

    @property
    def finished(self) -> bool:
        return self.report.status in (ReportStatus.PUBLISHED, ReportStatus.PUBLISH_FAILED)

    @property
    def polling(self) -> bool:
        return self.report.status == ReportStatus.APPROVED

    @property
    def message(self) -> str:
        status = self.report.status
        if status == ReportStatus.PUBLISHED and self.latest:
            return f"已发布（第{self.latest.version}版，{self.latest.page_count}页）。"
        if status == ReportStatus.PUBLISH_FAILED:
            return f"发布失败：{self.pdf.error if self.pdf and self.pdf.error else '原因未知'}"
        if self.stalled:
            minutes = int(settings.PUBLISHING_SWEEP_AFTER.total_seconds() // 60)
            return (f"生成 PDF 已超过 {minutes} 分钟没有进展（处理进程可能已中断），系统会自动重新排队；"
                    "区管理员也可以点击“重新发布”。")
        if self.pdf is None or self.pdf.status == ReportPdf.Status.PENDING:
            return "已批准，正在排队生成 PDF……"
        if self.pdf.status == ReportPdf.Status.RENDERING:
            return f"正在生成 PDF（第{self.pdf.attempts}次尝试）……"
        return "正在处理……"


def render_status(report: AnnualReport) -> RenderStatus | None:
    """None for a report that has not reached the final approval (nothing to show)."""
    shown = {ReportStatus.APPROVED, ReportStatus.PUBLISH_FAILED, ReportStatus.PUBLISHED}
    if report.status not in shown and not report.pdf_versions.exists():
        return None
    pending = report.pdf_versions.exclude(status=ReportPdf.Status.DONE).order_by("-version").first()
    return RenderStatus(report=report, pdf=pending, latest=latest_version(report), stalled=render_stalled(report))


