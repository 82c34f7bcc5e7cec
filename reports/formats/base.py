"""Building blocks of a report format definition.

A format is plain immutable data: sections made of tables and text parts; a table is a tree of
column groups and a tree of row groups. Everything else (cell ids, human labels, merged header
and body layouts, which cells are computed, the sum rules) is derived from those trees, so a
label is written once, in the definition, and never again.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from . import layout
from .layout import leaf_count, leaves


class CellType(enum.Enum):
    COUNT = "count"  # integer >= 0
    SIGNED = "signed"  # signed integer, shown with its sign: "+337", "-5", "0"
    MONEY = "money"  # Decimal in 万元, up to 4 decimal places


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: CellType = CellType.COUNT
    # A total column equals the sum of the other leaf columns of its group (computed, read-only).
    total: bool = False


@dataclass(frozen=True)
class ColumnGroup:
    label: str
    children: tuple[Column | ColumnGroup, ...]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    # A total row equals the sum of the other leaf rows of its group (computed, read-only).
    total: bool = False


@dataclass(frozen=True)
class RowGroup:
    """A label spanning its rows; it has no cells of its own."""

    label: str
    children: tuple[Row | RowGroup, ...]


def _join_row_path(labels: list[str]) -> str:
    """三、本年度办理结果 + （七）总计 read as one phrase; other nested labels get a "·"."""
    text = ""
    for label in labels:
        enumerated = label[:1] == "（" or label[:1].isdigit()
        text += label if not text or enumerated else "·" + label
    return text


@dataclass(frozen=True)
class Cell:
    id: str
    table: str  # the table key, e.g. "s2.t5"
    row: Row
    column: Column
    type: CellType
    label: str  # full human label used in messages
    computed: bool

    @property
    def section(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Table:
    """One statistics table. `key` is the cell-id prefix ("s2.t1", "s3", "s4").

    `stub_label` is the header over the row labels (信息内容); None means the table has no
    row-label area at all (section 四: one unlabelled row whose Row has key and label "").
    """

    key: str
    caption: str | None
    stub_label: str | None
    columns: tuple[Column | ColumnGroup, ...]
    rows: tuple[Row | RowGroup, ...]
    note: str | None = None

    def cell_id(self, row: Row, column: Column) -> str:
        return ".".join(part for part in (self.key, row.key, column.key) if part)

    @cached_property
    def _row_paths(self) -> tuple[tuple[Row, tuple[RowGroup, ...]], ...]:
        return tuple(leaves(self.rows))

    @cached_property
    def _column_paths(self) -> tuple[tuple[Column, tuple[ColumnGroup, ...]], ...]:
        return tuple(leaves(self.columns))

    def leaf_rows(self) -> tuple[Row, ...]:
        return tuple(row for row, _ in self._row_paths)

    def leaf_columns(self) -> tuple[Column, ...]:
        return tuple(column for column, _ in self._column_paths)

    def row_paths(self):
        """Leaf rows with their ancestor groups (outermost first)."""
        return self._row_paths

    def column_paths(self):
        """Leaf columns with their ancestor groups (outermost first)."""
        return self._column_paths

    def row(self, key: str) -> Row:
        return next(row for row in self.leaf_rows() if row.key == key)

    def column(self, key: str) -> Column:
        return next(column for column in self.leaf_columns() if column.key == key)

    def row_label_width(self) -> int:
        """Number of label columns: the depth of the row tree (0 without a row-label area)."""
        if self.stub_label is None:
            return 0
        return max(len(groups) for _, groups in self._row_paths) + 1

    def header_depth(self) -> int:
        return max(len(groups) for _, groups in self._column_paths) + 1

    def header_rows(self) -> tuple[tuple[layout.HeaderCell, ...], ...]:
        return self._header_rows

    @cached_property
    def _header_rows(self):
        return layout.header_rows(self)

    def body_rows(self) -> tuple[layout.BodyRow, ...]:
        return self._body_rows

    @cached_property
    def _body_rows(self):
        return layout.body_rows(self)

    def is_computed(self, row: Row, column: Column) -> bool:
        return row.total or column.total

    @staticmethod
    def _path_labels(leaf, groups: tuple, everything: int) -> list[str]:
        # A group over every leaf (申请人情况) tells the cells apart from nothing: leave it out.
        return [g.label for g in groups if leaf_count(g) < everything] + [leaf.label]

    def row_label(self, row: Row) -> str:
        """三、本年度办理结果（七）总计: the row's path read as one phrase."""
        groups = dict(self._row_paths)[row]
        return _join_row_path(self._path_labels(row, groups, len(self._row_paths)))

    def column_label(self, column: Column) -> str:
        """法人或其他组织·商业企业: the column's path without a group spanning every column."""
        groups = dict(self._column_paths)[column]
        return "·".join(self._path_labels(column, groups, len(self._column_paths)))

    def cell_label(self, row: Row, column: Column) -> str:
        """Caption · row path · column path, e.g. 第二十条第（六）项·行政处罚·本年增/减."""
        parts = (self.caption, self.row_label(row), self.column_label(column))
        return "·".join(part for part in parts if part)

    def cells(self) -> tuple[Cell, ...]:
        return self._cells

    @cached_property
    def _cells(self) -> tuple[Cell, ...]:
        return tuple(
            Cell(
                id=self.cell_id(row, column),
                table=self.key,
                row=row,
                column=column,
                type=column.type,
                label=self.cell_label(row, column),
                computed=self.is_computed(row, column),
            )
            for row in self.leaf_rows()
            for column in self.leaf_columns()
        )

    def sum_relations(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(axis, total cell id, item cell ids) for every total column ("across") and row ("down").

        Total columns come first, so a cell that is both (（七）总计·总计) is first derived
        across its own row; the "down" sum then only checks it.
        """
        relations = []
        for column, groups in self._column_paths:
            if column.total:
                items = self._siblings(column, groups, self.columns)
                for row in self.leaf_rows():
                    ids = tuple(self.cell_id(row, item) for item in items)
                    relations.append(("across", self.cell_id(row, column), ids))
        for row, row_groups in self._row_paths:
            if row.total:
                items = self._siblings(row, row_groups, self.rows)
                for column in self.leaf_columns():
                    ids = tuple(self.cell_id(item, column) for item in items)
                    relations.append(("down", self.cell_id(row, column), ids))
        return tuple(relations)

    @staticmethod
    def _siblings(total, groups: tuple, top: tuple) -> tuple:
        """The other leaves under the total's innermost group (or the whole tree at top level)."""
        scope = groups[-1].children if groups else top
        return tuple(leaf for leaf, _ in leaves(scope) if leaf is not total and not leaf.total)


@dataclass(frozen=True)
class TextPart:
    key: str  # "s1.p1", "s5.p0", "s2.note"
    title: str  # sub-heading printed before the text; "" when the part has none
    guidance: str = ""
    required: bool = False


@dataclass(frozen=True)
class Section:
    number: int  # 1..6
    key: str  # "s1".."s6"
    title: str
    tables: tuple[Table, ...] = ()
    parts: tuple[TextPart, ...] = ()
    guidance: str = ""


@dataclass(frozen=True, eq=False)
class Format:
    """One format version (and local variant). Compared by identity: formats are built once.

    `rules` holds every rule (the structural sums first); `rule_factories` are the functions
    that produced the declared ones, kept so that a derived variant regenerates its rules
    from its own structure.
    """

    version: str
    variant: str | None
    title: str
    sections: tuple[Section, ...]
    rules: tuple = ()
    rule_factories: tuple[Callable[[Format], Any], ...] = field(default=(), repr=False)
    variant_name: str = ""  # the local variant as people call it: 北京市

    @property
    def key(self) -> str:
        return f"{self.version}-{self.variant}" if self.variant else self.version

    @property
    def name(self) -> str:
        """The format as shown to people: 2021年格式, 2019年格式（北京市）."""
        name = f"{self.version}年格式"
        return f"{name}（{self.variant_name or self.variant}）" if self.variant else name

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(f"format {self.key} has no section {key!r}")

    def tables(self) -> tuple[Table, ...]:
        return tuple(table for section in self.sections for table in section.tables)

    def table(self, key: str) -> Table:
        for table in self.tables():
            if table.key == key:
                return table
        raise KeyError(f"format {self.key} has no table {key!r}")

    def cells(self) -> Mapping[str, Cell]:
        """Every cell in document order, by canonical id (read-only mapping)."""
        return self._cells

    @cached_property
    def _cells(self) -> Mapping[str, Cell]:
        cells: dict[str, Cell] = {}
        for table in self.tables():
            for cell in table.cells():
                if cell.id in cells:
                    raise ValueError(f"duplicate cell id {cell.id} in format {self.key}")
                cells[cell.id] = cell
        return MappingProxyType(cells)

    def cell(self, cell_id: str) -> Cell:
        try:
            return self._cells[cell_id]
        except KeyError:
            raise KeyError(f"format {self.key} has no cell {cell_id!r}") from None

    def computed_cells(self) -> frozenset[str]:
        return frozenset(cell_id for cell_id, cell in self._cells.items() if cell.computed)

    def text_parts(self) -> tuple[TextPart, ...]:
        return tuple(part for section in self.sections for part in section.parts)

    def text_part(self, key: str) -> TextPart:
        for part in self.text_parts():
            if part.key == key:
                return part
        raise KeyError(f"format {self.key} has no text part {key!r}")
