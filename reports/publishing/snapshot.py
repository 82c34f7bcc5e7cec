"""The published snapshot of a report: the values (computed cells included) and texts as they were
when a version was rendered, so that the portal and every later download show exactly what was
published, whatever happens to the live sections afterwards (a correction reopens them)."""

from ..formats import rules as format_rules
from ..formats.cells import from_json_value, to_json_value
from ..models import AnnualReport
from ..selectors import ReportContent
from .document import AnnualReportDocument


def snapshot_of(report: AnnualReport) -> dict:
    content = ReportContent.of(report)
    fmt = report.format
    values = dict(content.values) if report.imported else format_rules.compute(fmt, content.values)
    cells = fmt.cells()
    return {
        "title": AnnualReportDocument(report, content).title,
        "body_name": report.body_name,
        "year": report.year,
        "format": fmt.key,
        "values": {cid: to_json_value(cells[cid].type, v) for cid, v in values.items() if cid in cells and v is not None},
        "texts": dict(content.texts),
    }


def snapshot_content(report: AnnualReport, snapshot: dict) -> ReportContent:
    cells = report.format.cells()
    values = {cid: from_json_value(cells[cid].type, v) for cid, v in snapshot.get("values", {}).items() if cid in cells}
    return ReportContent(values=values, texts=dict(snapshot.get("texts", {})), raw={}, sections={})


def snapshot_document(report: AnnualReport, snapshot: dict) -> AnnualReportDocument:
    return AnnualReportDocument(report, snapshot_content(report, snapshot))
