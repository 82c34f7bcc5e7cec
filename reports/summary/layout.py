"""The summary's statistics tables in the official layout, ready for the page, the PDF and the
XLSX: drawn from each table's header_rows() and body_rows(), never laid out by hand."""

from dataclasses import dataclass

from ..formats.cells import format_cell


@dataclass
class SumCell:
    id: str
    text: str
    computed: bool
    label: str
    href: str = ""


@dataclass
class SumRow:
    labels: tuple
    cells: list[SumCell]


@dataclass
class SumTable:
    key: str
    section_title: str
    caption: str | None
    header_rows: tuple
    rows: list[SumRow]
    note: str | None


def summary_tables(fmt, sums: dict, *, link: str = "") -> list[SumTable]:
    """`link`: the drill-down URL with "{cell}" where the cell id goes ("" for no links)."""
    cells = fmt.cells()
    tables = []
    for section in fmt.sections:
        for table in section.tables:
            rows = [
                SumRow(body_row.labels, [
                    SumCell(d.id, format_cell(cells[d.id].type, sums.get(d.id)), d.computed, cells[d.id].label,
                            link.replace("{cell}", d.id) if link else "")
                    for d in body_row.cells
                ])
                for body_row in table.body_rows()
            ]
            tables.append(SumTable(table.key, section.title, table.caption, table.header_rows(), rows, table.note))
    return tables


@dataclass
class GridCell:
    row: int  # 1-based, as openpyxl counts
    column: int
    value: object
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    number: bool = False


def table_grid(table, values: dict, *, first_row: int = 1) -> tuple[list[GridCell], int]:
    """Place a table's header and body cells on a sheet grid, honouring row and column spans the
    way an HTML table does. Returns the cells and the next free row."""
    taken: set[tuple[int, int]] = set()
    out: list[GridCell] = []

    def place(row: int, items):
        column = 1
        for value, rowspan, colspan, header, number in items:
            while (row, column) in taken:
                column += 1
            out.append(GridCell(row, column, value, rowspan, colspan, header, number))
            for r in range(row, row + rowspan):
                for c in range(column, column + colspan):
                    taken.add((r, c))
            column += colspan

    row = first_row
    for header_row in table.header_rows():
        place(row, [(h.label or "", h.rowspan, h.colspan, True, False) for h in header_row])
        row += 1
    for body_row in table.body_rows():
        items = [(label.label, label.rowspan, label.colspan, True, False) for label in body_row.labels]
        items += [(values.get(d.id), 1, 1, False, True) for d in body_row.cells]
        place(row, items)
        row += 1
    return out, row
