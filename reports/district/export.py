"""The progress board as an XLSX file (the rows shown, with the filters applied)."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from config.spreadsheets import cell_values

from .selectors import Board

HEADERS = ("单位", "类型", "状态", "当前处理", "处理人", "在此状态（天）", "最后活动时间", "最后活动",
           "距截止（天）", "是否逾期")


def board_workbook(board: Board) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{board.reporting_year.year}年度进度"
    ws.append([f"{board.reporting_year.year}年度报告报送进度（截止日期 {board.reporting_year.deadline:%Y-%m-%d}，"
               f"导出于 {timezone.localtime():%Y-%m-%d %H:%M}）"])
    ws.append(list(HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="F8D7DA")
    for row in board.rows:
        last = row.last_activity.replace(tzinfo=None) if row.last_activity else None
        ws.append(cell_values([row.body_name, row.kind_label, row.status_label, row.holder_role or "—",
                               "、".join(row.holders), row.days_in_state, last, row.last_kind,
                               row.days_to_deadline, "是" if row.overdue else "否"]))
        if row.overdue:
            for cell in ws[ws.max_row]:
                cell.fill = red
        ws.cell(ws.max_row, 7).number_format = "yyyy-mm-dd hh:mm"
    for index, width in enumerate((28, 12, 16, 12, 20, 14, 18, 16, 12, 10), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
