"""A summary (a district's or a city's, read through document.Summary) as XLSX: one sheet per
statistics table in the official layout (merged header and label cells as in the printed table), one
sheet of every part summed (each body of a district, each district of a city) × every cell, and a
sheet saying what was summed, who is missing and how the rules came out.

(The filler's Excel round trip is reports/excel/; this module only writes.)
"""

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from config.spreadsheets import cell_value, cell_values

from ..formats.base import CellType
from ..formats.blocks import describe_rule
from ..formats.layout import table_grid
from .document import Summary

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F3F4F6")
MONEY_FORMAT = "0.0000"
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_title(text: str, used: set[str]) -> str:
    title = text.translate(INVALID_SHEET_CHARS)[:31] or "表"
    base, n = title, 2
    while title in used:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _excel_value(value):
    return float(value) if isinstance(value, Decimal) else cell_value(value)


def _table_sheet(wb, table, summary: Summary, used: set[str]) -> None:
    fmt = summary.format
    section = next(s for s in fmt.sections if table in s.tables)
    ws = wb.create_sheet(_sheet_title(table.caption or section.title, used))
    ws.cell(1, 1, cell_value(f"{summary.name}{summary.year}年度"
                             f"{section.title}（{summary.level}，{summary.body_count} 个单位）")).font = Font(bold=True)
    cells, next_row = table_grid(table, first_row=3)
    if table.caption:
        ws.cell(2, 1, cell_value(table.caption)).font = Font(bold=True)
    for cell in cells:
        value = summary.sums.get(cell.data.id) if cell.data else cell.text
        target = ws.cell(cell.row, cell.column, _excel_value(value))
        target.border = BORDER
        target.alignment = Alignment(wrap_text=True, vertical="center",
                                     horizontal="right" if cell.data else "center")
        if not cell.data:
            target.fill = HEADER_FILL
        elif isinstance(value, Decimal):
            target.number_format = MONEY_FORMAT
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=cell.row, start_column=cell.column,
                           end_row=cell.row + cell.rowspan - 1, end_column=cell.column + cell.colspan - 1)
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.column, cell.column + cell.colspan):
                    ws.cell(r, c).border = BORDER
    width = table.row_label_width()
    for column in range(1, width + len(table.leaf_columns()) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 28 if column <= width else 12
    if table.note:
        ws.cell(next_row + 1, 1, cell_value(table.note))


def _parts_sheet(wb, summary: Summary, used: set[str]) -> None:
    fmt = summary.format
    title, header, parts = summary.breakdown()
    ws = wb.create_sheet(_sheet_title(title, used))
    cells = list(fmt.cells().values())
    ws.append(cell_values([header, *[c.label for c in cells]]))
    ws.append(cell_values(["（单元格编号）", *[c.id for c in cells]]))
    for row in ws.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for name, values in parts:
        ws.append([cell_value(name), *[_excel_value(values.get(c.id)) for c in cells]])
    ws.append(["合计", *[_excel_value(summary.sums.get(c.id)) for c in cells]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for index, c in enumerate(cells, start=2):
        if c.type is CellType.MONEY:
            for row in ws.iter_rows(min_row=3, min_col=index, max_col=index):
                row[0].number_format = MONEY_FORMAT
    ws.column_dimensions["A"].width = 28
    ws.freeze_panes = "B3"


def _about_sheet(ws, summary: Summary) -> None:
    ws.title = "说明"
    fmt = summary.format
    rules = {rule.id: rule for rule in fmt.rules}
    rows = [
        [summary.title],
        [f"汇总范围：{summary.basis_label}，{summary.extent}；格式：{fmt.name}"],
        *([note] for note in summary.notes),
        [],
        ["未纳入汇总的单位", "状态"],
        *(row for district, missing in summary.missing_groups
          for row in [*([[f"{district}："]] if district else []), *([m.name, m.status] for m in missing)]),
        *([["（无）"]] if not summary.missing_count else []),
        [],
        ["勾稽关系校验（按汇总数）", "结果"],
        *([describe_rule(fmt, rules[r.rule_id]), "通过" if r.ok else r.message] for r in summary.rules),
    ]
    for row in rows:
        ws.append(cell_values(row))
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 60


def summary_workbook(summary: Summary) -> bytes:
    wb = Workbook()
    used = {"说明"}
    _about_sheet(wb.active, summary)
    for table in summary.format.tables():
        _table_sheet(wb, table, summary, used)
    _parts_sheet(wb, summary, used)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
