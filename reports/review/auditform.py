"""审核表: 《政府信息公开申请与保密申请审核表》 of each published version, read from the record.

Nothing is stored for it: the approvals of a version are append-only timeline entries (who, when,
the opinion, the 保密审查 points confirmed; reports/review/services.report_approve), so the same PDF
can be drawn again whenever the paper file needs it. The approvals of version N are the 主管主任's
last approval before the publication of version N and the 部门负责人's last approval before that
(both levels of the round that was published).
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from reports.models import AnnualReport, ReportEvent
from reports.publishing.models import ReportPdf
from reports.timeline import read_events, report_timeline

from . import secrecy

E = ReportEvent.Kind
TITLE = "政府信息公开申请与保密申请审核表"
_LEVELS = ((E.APPROVED_HEAD, "部门负责人"), (E.APPROVED_DIRECTOR, "主管主任"))


@dataclass(frozen=True)
class PointRow:
    label: str
    confirmed: bool


@dataclass(frozen=True)
class AuditLevel:
    """One signature of the form: a level's reviewer, opinion, points and time."""

    role: str  # 部门负责人 / 主管主任
    reviewer: str
    opinion: str
    when: datetime
    points: list[PointRow]

    @property
    def all_confirmed(self) -> bool:
        return bool(self.points) and all(point.confirmed for point in self.points)


@dataclass(frozen=True)
class AuditForm:
    report: AnnualReport
    pdf: ReportPdf
    levels: list[AuditLevel]

    title = TITLE

    @property
    def subject(self) -> str:
        suffix = f"（第{self.pdf.version}版）" if self.pdf.version > 1 else ""
        return f"{self.report.body_name}{self.report.year}年政府信息公开工作年度报告{suffix}"

    @property
    def filename(self) -> str:
        return f"{self.report.body_name}{self.report.year}年度报告审核表（第{self.pdf.version}版）.pdf"

    @property
    def ascii_filename(self) -> str:
        return f"shenhebiao-{self.report.year}-{self.report.body.code}-v{self.pdf.version}.pdf"

    @property
    def content_disposition(self) -> str:
        return f"inline; filename=\"{self.ascii_filename}\"; filename*=UTF-8''{quote(self.filename)}"


def _points(event: ReportEvent) -> list[PointRow]:
    """Every point the approval confirmed, in its recorded words, then any current point it did not."""
    recorded = (event.data or {}).get("secrecy") or []
    rows = [PointRow(label=item.get("label", ""), confirmed=True) for item in recorded]
    keys = {item.get("key") for item in recorded}
    rows += [PointRow(label=point.label, confirmed=False) for point in secrecy.POINTS if point.key not in keys]
    return rows


def _level(event: ReportEvent, role: str) -> AuditLevel:
    return AuditLevel(role=role, reviewer=event.actor.display_name if event.actor else "（未记录）",
                      opinion=event.comment, when=event.created_at, points=_points(event))


def _approvals(report: AnnualReport, pdf: ReportPdf) -> list[ReportEvent]:
    """The two approvals of the round published as `pdf`, head first ([] when there are none), from
    the timeline a page has read already (reports.timeline.read_timeline), else read now, one query
    (not kept: the report may have moved on since this instance was read)."""
    timeline = list(report_timeline(report))

    def last(kind, before):
        return max((e for e in timeline if e.kind == kind and before(e)), key=lambda e: e.pk, default=None)

    published = min((e for e in timeline if e.kind == E.PUBLISHED and (e.data or {}).get("version") == pdf.version),
                    key=lambda e: e.pk, default=None)
    director = last(E.APPROVED_DIRECTOR, (lambda e: e.pk < published.pk) if published
                    else (lambda e: pdf.published_at is not None and e.created_at <= pdf.published_at))
    if director is None:
        return []
    head = last(E.APPROVED_HEAD, lambda e: e.pk < director.pk)
    return [event for event in (head, director) if event is not None]


def audit_form(report: AnnualReport, version: int) -> AuditForm | None:
    """The 审核表 of a published version; None when the version is not published or was not
    approved in this system (imported history)."""
    if report.imported:
        return None
    pdf = report.pdf_versions.filter(version=version, status=ReportPdf.Status.DONE).first()
    if pdf is None:
        return None
    roles = dict(_LEVELS)
    levels = [_level(event, roles[event.kind]) for event in _approvals(report, pdf)]
    return AuditForm(report=report, pdf=pdf, levels=levels) if levels else None


def audit_form_versions(report: AnnualReport) -> list[int]:
    """The versions that have a 审核表: every published version approved in this system. From the
    timeline a page has read already, a report no 主管主任 ever approved has none, and no version is read
    (the review page of a report at its first level)."""
    if report.imported:
        return []
    events = read_events(report)
    if events is not None and not any(event.kind == E.APPROVED_DIRECTOR for event in events):
        return []
    done = report.pdf_versions.filter(status=ReportPdf.Status.DONE).order_by("version")
    return [pdf.version for pdf in done if _approvals(report, pdf)]


def audit_form_pdf(form: AuditForm) -> bytes:
    from reports.publishing.pdf import render_to_pdf  # lazily: only this download needs WeasyPrint

    _html, pdf = render_to_pdf("reports/pdf/audit_form.html", {"form": form})
    return pdf
