"""The view-model of a report's content, shared by the entry preview, the portal and the PDF.

Templates draw from it and do no arithmetic: every table comes as ready rows with their merged
label cells and formatted numbers, straight from the format definition.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from ..formats import rules as format_rules
from ..formats.cells import format_cell
from ..models import AnnualReport
from ..selectors import ReportContent

# Characters that make fontconfig hunt for fallbacks or print as boxes (WeasyPrint #2811).
_ODD_CHARACTERS = re.compile("[\u2011\u200b\u200c\u200d\u2060\ufeff]")
# A table with more columns than this is laid out on a landscape page in the PDF.
WIDE_TABLE_COLUMNS = 6


def clean_text(text: str) -> str:
    return _ODD_CHARACTERS.sub(lambda m: "-" if m.group() == "\u2011" else "", text or "")


@dataclass
class CellView:
    id: str
    text: str
    computed: bool
    value: object = None
    error: str = ""
    raw: str = ""
    carried: dict | None = None
    label: str = ""
    comments: list = field(default_factory=list)  # a return's review comments on this cell (filler's page)
    href: str = ""  # where the number links to (the district summary's drill-down)

    @property
    def dom_id(self) -> str:
        """An HTML id for the cell: "s3.R3_7.A" → "s3-R3_7-A"."""
        return self.id.replace(".", "-")


@dataclass
class RowView:
    labels: tuple
    cells: list[CellView]


@dataclass
class TableView:
    key: str
    caption: str | None
    header_rows: tuple
    rows: list[RowView]
    note: str | None
    label_width: int

    @property
    def column_count(self) -> int:
        """Label columns plus data columns: how wide the table is on paper."""
        return self.label_width + (len(self.rows[0].cells) if self.rows else 0)

    @property
    def wide(self) -> bool:
        """Too wide for a portrait page with readable, unwrapped labels (sections 三 and 四)."""
        return self.column_count > WIDE_TABLE_COLUMNS


@dataclass
class PartView:
    key: str
    title: str
    paragraphs: list[str]
    guidance: str = ""
    required: bool = False
    text: str = ""


@dataclass
class SectionView:
    key: str
    number: int
    title: str
    tables: list[TableView] = field(default_factory=list)
    parts: list[PartView] = field(default_factory=list)
    notes: list[PartView] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        return any(table.wide for table in self.tables)


def table_view(fmt, table, values: dict, *, raw=None, errors=None, carried=None, comments=None,
               link: str = "") -> TableView:
    """`link`: a URL with "{cell}" where each number's cell id goes ("" for plain numbers)."""
    raw, errors, carried, comments = raw or {}, errors or {}, carried or {}, comments or {}
    cells = fmt.cells()
    rows = []
    for body_row in table.body_rows():
        row_cells = []
        for data in body_row.cells:
            cell = cells[data.id]
            value = values.get(data.id)
            row_cells.append(CellView(
                id=data.id, text=format_cell(cell.type, value), computed=data.computed, value=value,
                error=errors.get(data.id, ""), raw=raw.get(data.id, ""), carried=carried.get(data.id),
                label=cell.label, comments=comments.get(data.id, []),
                href=link.replace("{cell}", data.id) if link else "",
            ))
        rows.append(RowView(labels=body_row.labels, cells=row_cells))
    return TableView(table.key, table.caption, table.header_rows(), rows, table.note, table.row_label_width())


def part_view(part, texts: dict) -> PartView:
    text = clean_text(texts.get(part.key, ""))
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return PartView(part.key, part.title, paragraphs, part.guidance, part.required, text)


def section_views(fmt, values: dict, texts: dict) -> list[SectionView]:
    """The six sections of a report of this format with these values and texts (an empty report of
    the format with none: what every report of it shows)."""
    views = []
    for section in fmt.sections:
        view = SectionView(section.key, section.number, section.title)
        view.tables = [table_view(fmt, t, values) for t in section.tables]
        for part in section.parts:
            target = view.notes if section.tables else view.parts
            target.append(part_view(part, texts))
        views.append(view)
    return views


@dataclass
class AnnualReportDocument:
    """A report ready to print: title, preamble and the six sections."""

    report: AnnualReport
    content: ReportContent | None = None

    def __post_init__(self):
        self.content = self.content or ReportContent.of(self.report)
        self.format = self.report.format

    @cached_property
    def values(self) -> dict:
        """Every cell's value, the computed ones included (not for a page that shows kept HTML)."""
        content = cast(ReportContent, self.content)  # read by __post_init__ when not given
        return format_rules.compute(self.format, content.values) if not self.report.imported else dict(content.values)

    @property
    def title(self) -> str:
        return f"{self.report.body_name}{self.report.year}年政府信息公开工作年度报告"

    @property
    def preamble(self) -> str:
        year = self.report.year
        return (f"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定编制。"
                f"本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。")

    @property
    def sections(self) -> list[SectionView]:
        return section_views(self.format, self.values, self.content.texts if self.content else {})

    def places_of(self, character: str) -> list[str]:
        """Where a character is printed, in the words of the report (its title, a section, a part)."""
        places = [self.title] if character in self.title else []
        for section in self.sections:
            for part in (*section.parts, *section.notes):
                if character in part.text:
                    places.append(f"{section.title}{part.title}" if part.title else section.title)
        return places
