"""Merged-cell layouts of a table, computed from its column and row trees.

Renderers (entry form, HTML, PDF, Excel) draw the official table from these views and never
work out a rowspan themselves. Group nodes are recognised by their `children`, so this module
needs nothing from base.py (which imports it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HeaderCell:
    label: str | None
    colspan: int
    rowspan: int
    column: Any = None  # the Column for a leaf header cell, None for a group or the stub
    stub: bool = False  # the cell over the row labels (信息内容)


@dataclass(frozen=True)
class LabelCell:
    label: str
    rowspan: int
    colspan: int
    group: bool = False  # a RowGroup label such as （三）不予公开, spanning its rows
    column: int = 0  # the first label column it occupies (0 = outermost): screens pin each column in place


@dataclass(frozen=True)
class DataCell:
    id: str
    column: Any
    computed: bool


@dataclass(frozen=True)
class BodyRow:
    row: Any
    labels: tuple[LabelCell, ...]
    cells: tuple[DataCell, ...]


def leaves(nodes: tuple, ancestors: tuple = ()) -> Iterator[tuple[Any, tuple]]:
    """Depth-first leaves of a column or row tree, each with its ancestor groups (outermost first)."""
    for node in nodes:
        if hasattr(node, "children"):
            yield from leaves(node.children, (*ancestors, node))
        else:
            yield node, ancestors


def leaf_count(node) -> int:
    return sum(1 for _ in leaves(node.children)) if hasattr(node, "children") else 1


def _first_leaf(node):
    while hasattr(node, "children"):
        node = node.children[0]
    return node


def header_rows(table) -> tuple[tuple[HeaderCell, ...], ...]:
    """Header rows in reading order; the stub cell spans every header row and all label columns."""
    depth = table.header_depth()
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    width = table.row_label_width()
    if width:
        rows[0].append(HeaderCell(table.stub_label, colspan=width, rowspan=depth, stub=True))

    def walk(nodes, level):
        for node in nodes:
            if hasattr(node, "children"):
                rows[level].append(HeaderCell(node.label, colspan=leaf_count(node), rowspan=1))
                walk(node.children, level + 1)
            else:
                rows[level].append(HeaderCell(node.label, colspan=1, rowspan=depth - level, column=node))

    walk(table.columns, 0)
    return tuple(tuple(row) for row in rows)


def body_rows(table) -> tuple[BodyRow, ...]:
    """One item per data row: the label cells that start on it, then its data cells.

    A group label starts on its first leaf row and spans all its leaf rows, exactly like
    三、本年度办理结果 and （三）不予公开 in the official table; a leaf label fills the label
    columns its ancestors leave free.
    """
    width = table.row_label_width()
    columns = table.leaf_columns()
    body = []
    for row, groups in table.row_paths():
        labels: list[LabelCell] = []
        if width:
            for depth, group in enumerate(groups):
                if _first_leaf(group) is row:
                    labels.append(LabelCell(group.label, rowspan=leaf_count(group), colspan=1, group=True,
                                            column=depth))
            labels.append(LabelCell(row.label, rowspan=1, colspan=width - len(groups), column=len(groups)))
        cells = tuple(
            DataCell(table.cell_id(row, column), column, table.is_computed(row, column)) for column in columns
        )
        body.append(BodyRow(row, tuple(labels), cells))
    return tuple(body)


@dataclass(frozen=True)
class GridCell:
    """One cell of a table laid on a spreadsheet grid (1-based row and column, as Excel counts)."""

    row: int
    column: int
    kind: str  # "header", "label" or "data"
    text: str = ""  # the label of a header or label cell
    rowspan: int = 1
    colspan: int = 1
    data: DataCell | None = None  # the data cell, for kind "data"


def table_grid(table, *, first_row: int = 1) -> tuple[tuple[GridCell, ...], int]:
    """The table's header rows then body rows on a grid from `first_row`, each spanning cell placed
    in the next free column the way an HTML table places it. Returns the cells and the next free row.
    The one placer of every spreadsheet (the filler's template, the district summary)."""
    taken: set[tuple[int, int]] = set()
    out: list[GridCell] = []
    rows = [[GridCell(0, 0, "header", h.label or "", h.rowspan, h.colspan) for h in header_row]
            for header_row in table.header_rows()]
    rows += [[GridCell(0, 0, "label", lc.label, lc.rowspan, lc.colspan) for lc in body_row.labels]
             + [GridCell(0, 0, "data", data=d) for d in body_row.cells]
             for body_row in table.body_rows()]
    for offset, cells in enumerate(rows):
        row, column = first_row + offset, 1
        for cell in cells:
            while (row, column) in taken:
                column += 1
            out.append(GridCell(row, column, cell.kind, cell.text, cell.rowspan, cell.colspan, cell.data))
            taken.update((r, c) for r in range(row, row + cell.rowspan) for c in range(column, column + cell.colspan))
            column += cell.colspan
    return tuple(out), first_row + len(rows)
