"""Filling a downloaded statistics workbook the way a person does in Excel (through openpyxl)."""

import io

from openpyxl import load_workbook

from reports.excel.template import MAP_SHEET
from tests.report_factories import AnnualReportFactory, ReportingYearFactory


def make_report(people, *, year=2025, body=None, **traits):
    reporting_year = ReportingYearFactory(district=people.district, year=year)
    return AnnualReportFactory(reporting_year=reporting_year, body=body or people.body, filled=True, **traits)


def cell_map(workbook) -> dict[str, tuple[str, str]]:
    """cell id -> (sheet, address), read from the template's hidden sheet."""
    rows = list(workbook[MAP_SHEET].iter_rows(values_only=True))
    start = rows.index(("cell", "sheet", "address")) + 1
    return {row[0]: (row[1], row[2]) for row in rows[start:] if row and row[0]}


def fill(content: bytes, changes: dict, edit=None) -> bytes:
    """The workbook with some cells typed over (by canonical cell id), saved again."""
    workbook = load_workbook(io.BytesIO(content))
    where = cell_map(workbook)
    for cell_id, value in changes.items():
        sheet, address = where[cell_id]
        workbook[sheet][address] = value
    if edit is not None:
        edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def value_in(content: bytes, cell_id: str):
    workbook = load_workbook(io.BytesIO(content))
    sheet, address = cell_map(workbook)[cell_id]
    return workbook[sheet][address].value
