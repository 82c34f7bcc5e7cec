"""Reading a filled-in statistics template back, the preview, and the confirmation.

`read_upload` refuses a wrong, changed, damaged, oversized or bomb file before anything is stored
(config.spreadsheets.check_xlsx first: openpyxl never sees a file out of bounds); `upload_preview`
checks every cell with the entry rules (parse_cell, report_check on the would-be values);
`upload_apply` saves through report_section_save with the previewed base versions.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from config.spreadsheets import CORRUPT, XlsxLimits, XlsxRefused, cell_value, check_xlsx

from ..errors import ReportError
from ..formats import rules as format_rules
from ..formats.cells import CellValueError, format_cell, normalise, parse_cell
from ..selectors import ReportContent, report_check
from ..services import report_section_save
from .template import MAP_SHEET, TEMPLATE_MARK, layout_fingerprint, sheet_plans

# The template has six sheets of at most a few dozen rows and columns; these bounds leave room for
# what Excel and WPS add when they save it, and nothing for a bomb.
LIMITS = XlsxLimits(max_bytes=2 * 1024 * 1024, max_uncompressed=10 * 1024 * 1024, max_members=100,
                    max_rows=500, max_columns=60, max_cells=20_000, max_spanned=5_000)
MAX_UPLOAD_BYTES = LIMITS.max_bytes
WRONG = "上传的文件不是本报告的统计表模板，请先在本页下载模板，填写后再上传。"


class ExcelError(ReportError):
    """The file as a whole cannot be used; nothing was changed."""


def _typed(value) -> str:
    """A cell's value as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value).strip()[:50]


def read_upload(report, content: bytes) -> dict[str, str]:
    """{cell id: text} for every cell of the report's template, or ExcelError with what is wrong."""
    try:
        check_xlsx(content, LIMITS)
    except XlsxRefused as refused:
        raise ExcelError(refused.message) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise ExcelError(CORRUPT) from None
    fmt = report.format
    if MAP_SHEET not in workbook.sheetnames or workbook[MAP_SHEET]["A1"].value != TEMPLATE_MARK:
        raise ExcelError(WRONG)
    info = workbook[MAP_SHEET]
    if str(info["B2"].value) != fmt.key or str(info["B3"].value) != str(report.pk):
        title = info["B4"].value or "另一份报告"
        raise ExcelError(f"上传的是“{title}”的统计表模板，不是本报告（{report.title}）的。请在本页下载模板后再填写。")
    if info["B5"].value != layout_fingerprint(fmt):
        raise ExcelError("统计表模板的版本已经变化，请重新下载模板，把数字填入新模板后再上传。")
    cells: dict[str, str] = {}
    for plan in sheet_plans(fmt):
        if plan.title not in workbook.sheetnames:
            raise ExcelError(f"找不到工作表“{plan.title}”：工作表被删除或改名了。请重新下载模板填写。")
        sheet = workbook[plan.title]
        for item in plan.items:
            found = sheet.cell(row=item.row, column=item.col).value
            printed = normalise(str(found or ""))
            if item.kind in ("header", "label", "caption") and printed != normalise(cell_value(item.text)):
                raise ExcelError(
                    f"工作表“{plan.title}”的表格被改动了（第{item.row}行第{item.col}列应为“{item.text}”，"
                    f"现为“{_typed(found)}”）。请勿增删行列或修改表头，请重新下载模板填写。"
                )
            if item.kind == "data":
                cells[item.cell_id] = _typed(found)
    return cells


# ---------------------------------------------------------------------------------------------
# Preview and confirmation


@dataclass
class CellChange:
    id: str
    label: str
    section: str
    old: str
    new: str
    messages: list[str] = field(default_factory=list)
    invalid: bool = False


@dataclass
class UploadPreview:
    changes: list[CellChange]
    unchanged_problems: list  # failed rules that involve no changed cell
    computed_notes: list[str]  # totals typed in the file, which are recomputed
    check: object  # ReportCheck of the would-be content
    versions: dict[str, int]

    @property
    def invalid(self) -> list[CellChange]:
        return [c for c in self.changes if c.invalid]


def _shown(fmt, content: ReportContent, cell_id: str) -> str:
    if cell_id in content.raw:
        return content.raw[cell_id]
    return format_cell(fmt.cell(cell_id).type, content.values.get(cell_id))


def upload_preview(report, uploaded: dict[str, str]) -> UploadPreview:
    fmt = report.format
    content = ReportContent.of(report)
    values = dict(content.values)
    raw = {k: v for k, v in content.raw.items() if k not in uploaded}
    changes, computed_notes = [], []
    computed = format_rules.compute(fmt, content.values)
    for cell_id, typed in uploaded.items():
        cell = fmt.cell(cell_id)
        if cell.computed:
            continue
        old = _shown(fmt, content, cell_id)
        try:
            value = parse_cell(cell.type, typed)
        except CellValueError as error:
            values.pop(cell_id, None)
            raw[cell_id] = typed
            change = CellChange(cell_id, cell.label, cell.section, old, typed, [str(error)], invalid=True)
        else:
            if value is None:
                values.pop(cell_id, None)
            else:
                values[cell_id] = value
            new = format_cell(cell.type, value)
            if new == old:
                continue
            change = CellChange(cell_id, cell.label, cell.section, old, new)
        changes.append(change)
    would = ReportContent(values=values, texts=content.texts, raw=raw, sections=content.sections)
    check = report_check(report, would)
    totals = format_rules.compute(fmt, values)
    for cell_id in fmt.computed_cells():
        typed = uploaded.get(cell_id, "")
        try:
            given = parse_cell(fmt.cell(cell_id).type, typed)
        except CellValueError:
            given = typed
        if typed and given != totals.get(cell_id) and given != computed.get(cell_id):
            shown = format_cell(fmt.cell(cell_id).type, totals.get(cell_id))
            computed_notes.append(f"“{fmt.cell(cell_id).label}”由系统自动计算，文件中的 {typed} 不会保存，按 {shown} 计算。")
    by_cell = {c.id: c for c in changes}
    unchanged = []
    for result in [*check.hard_failures, *check.soft_warnings]:
        touched = [by_cell[c] for c in result.cells if c in by_cell]
        for change in touched:
            prefix = "错误" if result.severity is format_rules.Severity.HARD else "预警"
            change.messages.append(f"{prefix}：{result.message}")
        if not touched:
            unchanged.append(result)
    versions = {key: section.version for key, section in content.sections.items()}
    return UploadPreview(changes, unchanged, computed_notes, check, versions)


@transaction.atomic
def upload_apply(*, report, uploaded: dict[str, str], base_versions: dict, by, request=None) -> list[str]:
    """Save the uploaded cells section by section (all or nothing); returns the keys of saved sections.

    Each section is saved with the version the preview was based on, so a save by someone else in
    between is a SectionConflict (and nothing of the upload is kept)."""
    fmt = report.format
    for cell_id, text in uploaded.items():
        try:
            parse_cell(fmt.cell(cell_id).type, text)
        except CellValueError as error:
            raise ExcelError(f"“{fmt.cell(cell_id).label}”填写的“{text}”无法识别（{error}），没有保存任何内容。") from None
    content = ReportContent.of(report)
    saved = []
    for section in (s for s in fmt.sections if s.tables):
        inputs = [c.id for t in section.tables for c in t.cells() if not c.computed]
        typed = {c: _shown(fmt, content, c) for c in inputs}
        incoming = {c: uploaded[c] for c in inputs if c in uploaded}
        if all(_same(fmt, c, typed[c], text) for c, text in incoming.items()):
            continue
        typed.update(incoming)
        stored = content.sections.get(section.key)
        report_section_save(
            report=report, key=section.key, cells=typed, texts=dict(stored.texts) if stored else {},
            base_version=int(base_versions.get(section.key, -1)), by=by, request=request,
        )
        saved.append(section.key)
    return saved


def _same(fmt, cell_id: str, old: str, new: str) -> bool:
    try:
        return format_cell(fmt.cell(cell_id).type, parse_cell(fmt.cell(cell_id).type, new)) == old
    except CellValueError:
        return new == old
