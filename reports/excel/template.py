"""A report's statistics as an XLSX in the official layout: the template the filler downloads.

One sheet per statistics section, laid out by the format's one grid placer (formats.layout.table_grid,
merged cells as in the official table), numbers prefilled, computed cells grey and locked, and a very
hidden sheet mapping every input cell to its canonical id with the format key and the report id,
which upload.py reads back.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal

from config.spreadsheets import cell_value, cell_values

from ..formats import rules as format_rules
from ..formats.base import CellType
from ..formats.layout import table_grid
from ..selectors import ReportContent

MAP_SHEET = "_nianbao"
TEMPLATE_MARK = "nianbao-report-statistics"
TEMPLATE_VERSION = "1"
NUMBER_FORMATS = {CellType.COUNT: "0", CellType.SIGNED: "+0;-0;0", CellType.MONEY: "General"}
INSTRUCTIONS = "填写说明：只填白色单元格；灰色单元格由系统自动计算；请勿增删行列、修改表头或工作表名称。"


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


def sheet_plans(fmt) -> list[SheetPlan]:
    """Where every label and every cell goes, from the format definition alone."""
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
            grid, row = table_grid(table, first_row=row)
            plan.items += [
                Placed(g.row, g.column, g.text, g.rowspan, g.colspan, g.data.id, g.data.computed, "data")
                if g.data else Placed(g.row, g.column, g.text, g.rowspan, g.colspan, kind=g.kind)
                for g in grid
            ]
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
                cell.value = cell_value(item.text or None)
                centred = "center" if item.kind in ("header", "caption") else None
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal=centred)
                cell.font = Font(bold=item.kind in ("title", "caption", "header"),
                                 size=14 if item.kind == "title" else 11)
                if item.kind in ("header", "label"):
                    cell.border, cell.fill = border, head
                continue
            definition = fmt.cell(item.cell_id)
            value = values.get(item.cell_id)
            typed = content.raw.get(item.cell_id)  # what the filler typed, when it is not a number
            cell.value = cell_value(typed if typed and not item.computed else (
                float(value) if isinstance(value, Decimal) else value))
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
        info.append(cell_values(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_filename(report) -> str:
    return f"{report.body_name}{report.year}年度报告统计表.xlsx"
