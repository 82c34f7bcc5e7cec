"""A report's statistics as an XLSX in the official layout, and reading a filled-in one back.

The fillers' round trip (issue 7 item 5): `report_workbook` writes one sheet per statistics
section, laid out from each table's header_rows()/body_rows() (merged cells as in the official
table), numbers prefilled, computed cells grey and locked, and a very hidden sheet mapping every
input cell to its canonical id with the format key and the report id. `read_upload` refuses a
wrong, changed, damaged, oversized or zip-bomb file before anything is stored; `upload_preview`
checks every cell with the entry rules (parse_cell, report_check on the would-be values);
`upload_apply` saves through report_section_save with the previewed base versions.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from ..errors import ReportError
from ..formats import rules as format_rules
from ..formats.base import CellType
from ..formats.cells import CellValueError, format_cell, normalise, parse_cell
from ..selectors import ReportContent, report_check
from ..services import report_section_save

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
MAX_MEMBERS = 100
MAP_SHEET = "_nianbao"
TEMPLATE_MARK = "nianbao-report-statistics"
TEMPLATE_VERSION = "1"
NUMBER_FORMATS = {CellType.COUNT: "0", CellType.SIGNED: "+0;-0;0", CellType.MONEY: "General"}
INSTRUCTIONS = "填写说明：只填白色单元格；灰色单元格由系统自动计算；请勿增删行列、修改表头或工作表名称。"
CORRUPT = "无法读取该文件：文件已损坏或不是 .xlsx 格式。请上传从本系统下载、用 Excel 或 WPS 保存的 .xlsx 文件。"
TOO_BIG = "文件解压后过大，不像是本系统的统计表模板，已拒绝。"
WRONG = "上传的文件不是本报告的统计表模板，请先在本页下载模板，填写后再上传。"


class ExcelError(ReportError):
    """The file as a whole cannot be used; nothing was changed."""


# ---------------------------------------------------------------------------------------------
# The layout: where every label and every cell goes, from the format definition alone


@dataclass(frozen=True)
class Placed:
    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    cell_id: str = ""  # a data cell
    computed: bool = False
    kind: str = "label"  # "title", "caption", "header", "label", "note", "data"


@dataclass
class SheetPlan:
    title: str
    section_key: str
    items: list[Placed] = field(default_factory=list)
    width: int = 1


def _place_grid(rows, start_row: int, occupied: set, items: list) -> None:
    """Place spanning cells row by row like an HTML table: each cell goes to the next free column."""
    for offset, cells in enumerate(rows):
        row, col = start_row + offset, 1
        for spec in cells:
            while (row, col) in occupied:
                col += 1
            placed = Placed(row=row, col=col, **spec)
            items.append(placed)
            for r in range(row, row + placed.rowspan):
                for c in range(col, col + placed.colspan):
                    occupied.add((r, c))
            col += placed.colspan


def sheet_plans(fmt) -> list[SheetPlan]:
    plans = []
    for section in (s for s in fmt.sections if s.tables):
        plan = SheetPlan(title=section.title[:31], section_key=section.key)
        plan.width = max(t.row_label_width() + len(t.leaf_columns()) for t in section.tables)
        plan.items.append(Placed(1, 1, section.title, colspan=plan.width, kind="title"))
        plan.items.append(Placed(2, 1, INSTRUCTIONS, colspan=plan.width, kind="note"))
        row = 4
        for table in section.tables:
            width = table.row_label_width() + len(table.leaf_columns())
            if table.caption:
                plan.items.append(Placed(row, 1, table.caption, colspan=width, kind="caption"))
                row += 1
            header = [[{"text": h.label or "", "rowspan": h.rowspan, "colspan": h.colspan, "kind": "header"}
                       for h in hr] for hr in table.header_rows()]
            body = [[{"text": lc.label, "rowspan": lc.rowspan, "colspan": lc.colspan} for lc in br.labels]
                    + [{"cell_id": d.id, "computed": d.computed, "kind": "data"} for d in br.cells]
                    for br in table.body_rows()]
            occupied: set = set()
            _place_grid(header + body, row, occupied, plan.items)
            row += len(header) + len(body)
            if table.note:
                plan.items.append(Placed(row, 1, table.note, colspan=width, kind="note"))
                row += 1
            row += 1
        plans.append(plan)
    return plans


def layout_fingerprint(fmt) -> str:
    shape = [[p.title, [[i.row, i.col, i.text, i.rowspan, i.colspan, i.cell_id] for i in p.items]]
             for p in sheet_plans(fmt)]
    return hashlib.sha256(json.dumps([fmt.key, shape], ensure_ascii=False).encode()).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------
# Writing


def report_workbook(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter

    fmt = report.format
    content = ReportContent.of(report)
    values = dict(content.values) if report.imported else format_rules.compute(fmt, content.values)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey = PatternFill("solid", fgColor="D9D9D9")
    head = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="center")
    workbook = Workbook()
    workbook.remove(workbook.active)
    mapping = []
    for plan in sheet_plans(fmt):
        sheet = workbook.create_sheet(plan.title)
        for item in plan.items:
            cell = sheet.cell(row=item.row, column=item.col)
            if item.rowspan > 1 or item.colspan > 1:
                sheet.merge_cells(start_row=item.row, start_column=item.col,
                                  end_row=item.row + item.rowspan - 1, end_column=item.col + item.colspan - 1)
            if item.kind != "data":
                cell.value = item.text or None
                centred = "center" if item.kind in ("header", "caption") else None
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal=centred)
                cell.font = Font(bold=item.kind in ("title", "caption", "header"),
                                 size=14 if item.kind == "title" else 11)
                if item.kind in ("header", "label"):
                    cell.border, cell.fill = border, head
                continue
            definition = fmt.cell(item.cell_id)
            value = values.get(item.cell_id)
            typed = content.raw.get(item.cell_id)
            cell.value = typed if typed and not item.computed else (
                float(value) if isinstance(value, Decimal) else value)
            cell.number_format = NUMBER_FORMATS[definition.type]
            cell.border = border
            cell.alignment = Alignment(horizontal="right", vertical="center")
            if item.computed:
                cell.fill = grey
            else:
                cell.protection = Protection(locked=False)
                mapping.append((item.cell_id, plan.title, cell.coordinate))
        for col in range(1, plan.width + 1):
            labels = [len(i.text) for i in plan.items
                      if i.col == col and i.kind == "label" and i.colspan == 1]
            sheet.column_dimensions[get_column_letter(col)].width = min(max([10, *labels]) * 1.8, 48)
        for item in plan.items:
            if item.kind == "label":
                sheet.cell(row=item.row, column=item.col).alignment = wrap
        sheet.protection.sheet = True  # computed cells and labels locked; no password
    info = workbook.create_sheet(MAP_SHEET)
    info.sheet_state = "veryHidden"
    for row in ([TEMPLATE_MARK, TEMPLATE_VERSION], ["format", fmt.key], ["report", report.pk],
                ["title", report.title], ["layout", layout_fingerprint(fmt)], [],
                ["cell", "sheet", "address"],
                *mapping):
        info.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_filename(report) -> str:
    return f"{report.body_name}{report.year}年度报告统计表.xlsx"


# ---------------------------------------------------------------------------------------------
# Reading back


def check_archive(content: bytes) -> None:
    """Refuse what is not a small, sane XLSX before openpyxl sees it (zip bombs included)."""
    if not content:
        raise ExcelError("上传的文件是空的。")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ExcelError("文件过大（不能超过 2 MB），请上传本系统下载的统计表模板。")
    if content[:4] == b"\xd0\xcf\x11\xe0":
        raise ExcelError("这是旧版 .xls 文件或设置了打开密码的文件，请另存为 .xlsx（不设密码）后再上传。")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
                raise ExcelError(TOO_BIG)
            total = 0
            for member in members:
                with archive.open(member) as stream:  # the real sizes, not the declared ones
                    first = True
                    while chunk := stream.read(65536):
                        xml = member.filename.endswith((".xml", ".rels"))
                        if first and xml and b"<!DOCTYPE" in chunk[:2048]:  # no DTDs, no entity bombs
                            raise ExcelError(CORRUPT)
                        first = False
                        total += len(chunk)
                        if total > MAX_UNCOMPRESSED_BYTES:
                            raise ExcelError(TOO_BIG)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
        raise ExcelError(CORRUPT) from None


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
    check_archive(content)
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
            if item.kind in ("header", "label", "caption") and printed != normalise(item.text):
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
