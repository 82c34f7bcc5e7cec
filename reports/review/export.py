"""The timeline as rows: shown on the report page, and exported as CSV and XLSX for district admins."""

import csv
import io
from dataclasses import dataclass

from django.utils import timezone

from config.spreadsheets import cell_values
from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.timeline import report_timeline, with_details

HEADERS = ["时间", "事件", "操作人", "原状态", "新状态", "说明", "详情", "IP 地址"]
_STATUS = dict(ReportStatus.choices)
_LEVEL = {"head": "部门负责人", "director": "主管主任"}


@dataclass
class TimelineRow:
    event: ReportEvent
    when: object
    kind: str
    actor: str
    from_status: str
    to_status: str
    comment: str
    details: list[str]
    ip: str

    def as_list(self) -> list[str]:
        return [timezone.localtime(self.when).strftime("%Y-%m-%d %H:%M:%S"), self.kind, self.actor,
                self.from_status, self.to_status, self.comment, "\n".join(self.details), self.ip]


def _details(event: ReportEvent) -> list[str]:
    data = event.data or {}
    lines = []
    if event.kind in (ReportEvent.Kind.SAVED, ReportEvent.Kind.EXPLAINED):
        for change in (data.get("changes") or {}).values():
            before, after = change.get("before") or "（空）", change.get("after") or "（空）"
            if len(before) > 60 or len(after) > 60:
                lines.append(f"{change.get('label', '')}：文字已修改")
            else:
                lines.append(f"{change.get('label', '')}：{before} → {after}")
    elif event.kind == ReportEvent.Kind.RETURNED:
        if data.get("level"):
            lines.append(f"{_LEVEL.get(data['level'], '')}退回")
        for comment in data.get("comments") or []:
            lines.append(f"意见（{comment.get('label', '')}）：{comment.get('text', '')}")
    elif event.kind in (ReportEvent.Kind.APPROVED_HEAD, ReportEvent.Kind.APPROVED_DIRECTOR) and data.get("secrecy"):
        lines.append("保密审查已确认：" + "；".join(point.get("label", "") for point in data["secrecy"]))
    elif event.kind == ReportEvent.Kind.SUBMITTED and data.get("round"):
        lines.append(f"第 {data['round']} 次提交")
    elif event.kind == ReportEvent.Kind.REMINDED and data.get("what"):
        lines.append(data["what"])
    elif event.kind == ReportEvent.Kind.OPENED and data.get("carried_over"):
        lines.append(f"由上年报告结转 {len(data['carried_over'])} 项数据")
    return lines


def timeline_rows(report: AnnualReport, *, last: int | None = None) -> list[TimelineRow]:
    """Every event as a row, oldest first; with `last`, only the latest so many."""
    events = list(report_timeline(report))
    return [
        TimelineRow(
            event=event, when=event.created_at, kind=event.get_kind_display(),
            actor=event.actor.display_name if event.actor else "系统",
            from_status=_STATUS.get(event.from_status, ""), to_status=_STATUS.get(event.to_status, ""),
            comment=event.comment, details=_details(event), ip=event.ip_address or "",
        )
        for event in with_details(events[-last:] if last else events)
    ]


def _filename(report: AnnualReport, ext: str) -> str:
    return f"timeline-{report.body.code}-{report.year}.{ext}"


def timeline_csv(report: AnnualReport) -> tuple[str, bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in timeline_rows(report):
        writer.writerow(cell_values(row.as_list()))
    # UTF-8 with BOM: Excel and WPS then open the Chinese text correctly.
    return _filename(report, "csv"), buffer.getvalue().encode("utf-8-sig")


def timeline_xlsx(report: AnnualReport) -> tuple[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "时间线"
    sheet.append(cell_values([report.title]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in timeline_rows(report):
        sheet.append(cell_values(row.as_list()))
    for column, width in zip("ABCDEFGH", (20, 16, 14, 16, 16, 40, 60, 16)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return _filename(report, "xlsx"), out.getvalue()
