"""Reading a published Word copy back with python-docx, and what it must hold by the format definition."""

import io

import docx
from docx.oxml.ns import qn

from reports.formats.cells import format_cell, from_json_value
from reports.formats.layout import leaf_count, table_grid


def open_docx(data_or_pdf):
    if isinstance(data_or_pdf, bytes | bytearray):
        return docx.Document(io.BytesIO(data_or_pdf))
    with data_or_pdf.docx.open("rb") as handle:
        return docx.Document(io.BytesIO(handle.read()))


class Grid:
    """A Word table's cells by (row, column), merged cells repeated over their span (python-docx's
    Table.cell walks the whole table at every call: read them once)."""

    def __init__(self, word_table):
        self.columns = len(word_table.columns)
        self.cells = word_table._cells

    def cell(self, row: int, column: int):
        return self.cells[row * self.columns + column]

    def text(self, row: int, column: int) -> str:
        return self.cell(row, column).text.strip()


def expected_value(fmt, content: dict, cell_id: str) -> str:
    cell = fmt.cell(cell_id)
    raw = content.get("values", {}).get(cell_id)
    return format_cell(cell.type, from_json_value(cell.type, raw) if raw is not None else None)


def assert_table_holds_the_definition(fmt, table, word_table, content: dict) -> int:
    """Every label of the definition where the official table has it, every number of the version in
    its row and column; returns how many numbers were compared."""
    depth, width = table.header_depth(), table.row_label_width()
    grid = Grid(word_table)
    if table.stub_label:
        assert grid.text(0, 0) == table.stub_label
    # Column labels: a group over its leaves in its header row, a leaf down to the last header row.
    for column_index, (column, groups) in enumerate(table.column_paths()):
        x = width + column_index
        for level, group in enumerate(groups):
            assert grid.text(level, x) == group.label
        assert grid.text(len(groups), x) == column.label
        assert grid.text(depth - 1, x) == column.label
    # Row labels and the numbers: row r of the definition is row depth + r of the table.
    compared = 0
    for row_index, (row, groups) in enumerate(table.row_paths()):
        y = depth + row_index
        for level, group in enumerate(groups):
            assert grid.text(y, level) == group.label
        if width:
            assert grid.text(y, width - 1) == row.label
        for column_index, column in enumerate(table.leaf_columns()):
            cell_id = table.cell_id(row, column)
            assert grid.text(y, width + column_index) == expected_value(fmt, content, cell_id), cell_id
            compared += 1
    assert len(word_table.rows) == depth + len(table.leaf_rows())
    return compared


def assert_merges_follow_the_layout(table, word_table) -> int:
    """Each header or label cell that spans rows or columns is one merged Word cell (gridSpan across,
    vMerge down) covering exactly its span; returns how many merged cells were checked."""
    placements, _ = table_grid(table)
    grid = Grid(word_table)
    checked = 0
    for placed in placements:
        if placed.rowspan == 1 and placed.colspan == 1:
            continue
        top = grid.cell(placed.row - 1, placed.column - 1)._tc
        for r in range(placed.row - 1, placed.row - 1 + placed.rowspan):
            for c in range(placed.column - 1, placed.column - 1 + placed.colspan):
                assert grid.cell(r, c)._tc is top, (placed, r, c)
        assert top.grid_span == placed.colspan, placed
        if placed.rowspan > 1:
            assert top.vMerge == "restart", placed
            below = word_table.rows[placed.row - 1 + placed.rowspan - 1]._tr
            continued = [tc for tc in below.findall(qn("w:tc")) if tc.vMerge == "continue"]
            assert continued, placed
        outside = placed.column - 1 + placed.colspan
        if outside < grid.columns:
            assert grid.cell(placed.row - 1, outside)._tc is not top
        checked += 1
    return checked


def group_spans(table) -> list[tuple[str, int]]:
    """(label, leaves) of every column group of the definition: what the header merges across."""
    spans = []

    def walk(nodes):
        for node in nodes:
            if hasattr(node, "children"):
                spans.append((node.label, leaf_count(node)))
                walk(node.children)

    walk(table.columns)
    return spans


def east_asian_font(style) -> str:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))
