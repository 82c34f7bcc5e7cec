"""The 图解 of a report as data: what the graphic draws and what its table lists, derived from the
format definition (every label is the definition's own, never retyped) and the published values.

- key figures: section 二's headline cells (the last column of each of its tables), section 三's
  rows outside the outcome group and its total, section 四's totals — each against the previous
  year's published report when it has the same cell with the same label;
- applicants: section 三's first row (本年新收) by applicant column, the 法人或其他组织 kinds grouped;
- outcomes: the rows of the group that holds section 三's total row (（一）…（七）), a sub-group
  (（三）不予公开) as the sum of its rows;
- reviews and lawsuits: section 四, one bar per outcome group, split by outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..formats.base import CellType, ColumnGroup, Format, Row, RowGroup, Table
from ..formats.cells import format_cell
from ..formats.layout import leaf_count, leaves

_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
APPLICANTS, OUTCOMES, REVIEWS = "applicants", "outcomes", "reviews"


def plain(label: str) -> str:
    """A label without its enumerator, for a heading: 一、本年新收… → 本年新收…"""
    return _ENUMERATOR.sub("", label)


@dataclass(frozen=True)
class Segment:
    label: str
    value: int | Decimal
    text: str


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    group: str = ""  # the group the bar belongs to (法人或其他组织), drawn as a heading above it
    total: bool = False
    cell: str = ""  # the cell id the figure comes from ("" for a sum of several)

    @property
    def value(self) -> int | Decimal:
        return sum((s.value for s in self.segments), 0)

    @property
    def text(self) -> str:
        return _text(self.value)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    bars: tuple[Bar, ...]
    legend: tuple[str, ...] = ()  # segment labels, when bars are split

    @property
    def maximum(self) -> int | Decimal:
        return max((bar.value for bar in self.bars), default=0)


@dataclass(frozen=True)
class KeyFigure:
    cell: str
    label: str
    type: CellType
    value: int | Decimal | None
    previous: int | Decimal | None = None
    compared: bool = False  # the previous year's report has this cell, with this label

    @property
    def text(self) -> str:
        return format_cell(self.type, self.value) or "—"

    @property
    def previous_text(self) -> str:
        return format_cell(self.type, self.previous) if self.compared and self.previous is not None else "—"

    @property
    def change(self) -> int | Decimal | None:
        if not self.compared or self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "—"
        if change == 0:
            return "持平"
        text = format_cell(CellType.MONEY if self.type is CellType.MONEY else CellType.COUNT, abs(change))
        return ("+" if change > 0 else "−") + text


@dataclass
class Explainer:
    title: str
    subtitle: str
    figures: list[KeyFigure]
    charts: list[Chart]
    previous_year: int | None = None  # the year compared with, when there was a published report
    notes: list[str] = field(default_factory=list)

    def chart(self, key: str) -> Chart:
        return next(chart for chart in self.charts if chart.key == key)

    @property
    def description(self) -> str:
        """What the graphic shows, in one paragraph (the SVG's <desc>)."""
        parts = [f"{figure.label}{figure.text}" for figure in self.figures if figure.cell.startswith("s3.")]
        compared = f"（与{self.previous_year}年度报告比较）" if self.previous_year else ""
        charts = "、".join(f"“{chart.title}”" for chart in self.charts)
        return "；".join(parts) + f"{compared}。图中另有{charts}，数据见图后的表格。"


def _text(value) -> str:
    return format_cell(CellType.MONEY if isinstance(value, Decimal) else CellType.COUNT, value)


def _number(values: dict, cell_id: str) -> int | Decimal:
    value = values.get(cell_id)
    return value if isinstance(value, int | Decimal) and not isinstance(value, bool) else 0


def _segment(values: dict, label: str, cell_id: str) -> Segment:
    value = _number(values, cell_id)
    return Segment(label, value, _text(value))


def _total_column(table: Table):
    return next(column for column in table.leaf_columns() if column.total)


def _spans_all(group, table_size: int) -> bool:
    return leaf_count(group) >= table_size


def applicants_chart(fmt: Format, values: dict) -> Chart:
    table = fmt.table("s3")
    first = table.leaf_rows()[0]
    everything = len(table.leaf_columns())
    bars = []
    heading = ""
    for column, groups in table.column_paths():
        if column.total:
            continue
        inner = [g for g in groups if not _spans_all(g, everything)]
        heading = next((g.label for g in groups if _spans_all(g, everything)), heading)
        cell = table.cell_id(first, column)
        bars.append(Bar(column.label, (_segment(values, column.label, cell),),
                        group=inner[-1].label if inner else "", cell=cell))
    title = f"{plain(first.label)}（{heading}）" if heading else plain(first.label)
    return Chart(APPLICANTS, title, tuple(bars))


def _outcome_group(table: Table) -> RowGroup:
    """The row group that holds the table's total row (三、本年度办理结果)."""
    for node in table.rows:
        if isinstance(node, RowGroup) and any(row.total for row, _ in leaves(node.children)):
            return node
    raise KeyError(f"table {table.key} has no group with a total row")


def outcomes_chart(fmt: Format, values: dict) -> Chart:
    table = fmt.table("s3")
    total = _total_column(table)
    group = _outcome_group(table)
    bars = []
    for node in group.children:
        if isinstance(node, Row):
            cell = table.cell_id(node, total)
            bars.append(Bar(node.label, (_segment(values, node.label, cell),), total=node.total, cell=cell))
        else:
            value = sum((_number(values, table.cell_id(row, total)) for row, _ in leaves(node.children)), 0)
            bars.append(Bar(node.label, (Segment(node.label, value, _text(value)),)))
    return Chart(OUTCOMES, f"{plain(group.label)}（{total.label}）", tuple(bars))


def reviews_chart(fmt: Format, values: dict) -> Chart:
    """One bar per innermost column group of section 四 (行政复议, 未经复议直接起诉, 复议后起诉), its
    segments the group's outcome columns (the total column is the bar's length)."""
    table = fmt.table("s4")
    row = table.leaf_rows()[0]
    by_group: dict[ColumnGroup, tuple[tuple[ColumnGroup, ...], list]] = {}
    for column, groups in table.column_paths():
        if column.total or not groups:
            continue
        by_group.setdefault(groups[-1], (groups[:-1], []))[1].append(column)
    bars, legend = [], []
    for group, (outer, columns) in by_group.items():
        segments = tuple(_segment(values, column.label, table.cell_id(row, column)) for column in columns)
        legend += [column.label for column in columns if column.label not in legend]
        bars.append(Bar(group.label, segments, group=outer[-1].label if outer else ""))
    return Chart(REVIEWS, plain(fmt.section("s4").title), tuple(bars), tuple(legend))


def key_cells(fmt: Format) -> list[tuple[str, str]]:
    """(cell id, short label) of the key figures, in document order."""
    found = []
    for table in fmt.section("s2").tables:
        column = table.leaf_columns()[-1]
        if column.type is CellType.SIGNED:  # a change (本年增/减) is no headline figure
            continue
        for row in table.leaf_rows():
            found.append((table.cell_id(row, column), f"{row.label}·{column.label}"))
    s3 = fmt.table("s3")
    total = _total_column(s3)
    outcome_rows = {row for row, _ in leaves(_outcome_group(s3).children)}
    for row in s3.leaf_rows():
        if row.total or row not in outcome_rows:
            found.append((s3.cell_id(row, total), plain(s3.row_label(row))))
    s4 = fmt.table("s4")
    row = s4.leaf_rows()[0]
    for column in s4.leaf_columns():
        if column.total:
            found.append((s4.cell_id(row, column), s4.column_label(column)))
    return found


def key_figures(fmt: Format, values: dict, previous: tuple[Format, dict] | None) -> list[KeyFigure]:
    cells = fmt.cells()
    figures = []
    for cell_id, label in key_cells(fmt):
        value = values.get(cell_id)
        compared, before = False, None
        if previous is not None:
            previous_fmt, previous_values = previous
            other = previous_fmt.cells().get(cell_id)
            if other is not None and other.label == cells[cell_id].label and other.type is cells[cell_id].type:
                compared, before = True, previous_values.get(cell_id)
        figures.append(KeyFigure(cell_id, label, cells[cell_id].type, value, before, compared))
    return figures


def explainer(*, fmt: Format, values: dict, title: str, subtitle: str = "",
              previous: tuple[int, Format, dict] | None = None) -> Explainer:
    """`values` by cell id (numbers, computed cells included); `previous`: (year, format, values) of
    the previous year's published report, or None."""
    figures = key_figures(fmt, values, previous[1:] if previous else None)
    charts = [applicants_chart(fmt, values), outcomes_chart(fmt, values), reviews_chart(fmt, values)]
    return Explainer(title=title, subtitle=subtitle, figures=figures, charts=charts,
                     previous_year=previous[0] if previous else None)


def bodies_chart(fmt: Format, bodies: list[tuple[str, dict]], cell_id: str) -> Chart:
    """Each body's value of one cell (the district's comparison of its bodies), largest first."""
    cell = fmt.cell(cell_id)
    bars = [Bar(name, (_segment(values, name, cell_id),), cell=cell_id) for name, values in bodies]
    bars.sort(key=lambda bar: bar.value, reverse=True)
    return Chart(f"bodies-{cell_id}", cell.label, tuple(bars))


def split_bodies_chart(key: str, title: str, bodies: list[tuple[str, dict]],
                       parts: list[tuple[str, str]]) -> Chart:
    """Each body's bar split into cells: `parts` are (cell id, label); largest total first."""
    bars = [Bar(name, tuple(_segment(values, label, cell_id) for cell_id, label in parts)) for name, values in bodies]
    bars.sort(key=lambda bar: bar.value, reverse=True)
    return Chart(key, title, tuple(bars), tuple(label for _, label in parts))


def bodies_comparison(fmt: Format, bodies: list[tuple[str, dict]]) -> list[Chart]:
    """The district's bodies compared (from the summary's per-body values, see
    reports.summary.summary.all_bodies_values): section 三's new applications by applicant column,
    and section 四's totals by kind (复议, the two kinds of 诉讼)."""
    s3 = fmt.table("s3")
    first = s3.leaf_rows()[0]
    applicants = [(s3.cell_id(first, column), s3.column_label(column))
                  for column in s3.leaf_columns() if not column.total]
    s4 = fmt.table("s4")
    row = s4.leaf_rows()[0]
    totals = [(s4.cell_id(row, column), s4.column_label(column)) for column in s4.leaf_columns() if column.total]
    return [
        split_bodies_chart(APPLICANTS, plain(first.label), bodies, applicants),
        split_bodies_chart(REVIEWS, plain(fmt.section("s4").title), bodies, totals),
    ]
