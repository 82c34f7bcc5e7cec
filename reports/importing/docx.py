"""A Word file (.docx) read through python-docx: paragraphs as lines, tables as tables.

The body is walked in document order; each table row becomes one tab-indented line per cell (an
empty cell a lone tab, the rows apart), like a saved web page, so every number keeps its place. A
merged cell is one cell: python-docx repeats it for every place it covers, and the repeats are
dropped. A table nested in a cell (a layout table) is read as its own rows.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import ReportError
from .tokens import join_cell_lines

__all__ = ["UnreadableDocx", "docx_text"]


class UnreadableDocx(ReportError):
    pass


def docx_text(data: bytes) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocx(f"Word 文件已损坏或不是 .docx 文件，无法读取（{type(error).__name__}）。") from None
    lines: list[str] = []
    _blocks(document.element.body, document, lines)
    return "\n".join(lines).strip("\n") + "\n"


def _blocks(element, parent, lines: list[str]) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, parent).text.strip()
            if text:
                lines.append(text)
        elif tag == "tbl":
            _table(Table(child, parent), lines)
        elif tag == "sdt":  # a content control wraps paragraphs and tables
            content = next((c for c in child.iterchildren() if c.tag.endswith("}sdtContent")), None)
            if content is not None:
                _blocks(content, parent, lines)


def _table(table, lines: list[str]) -> None:
    from docx.table import _Cell

    if lines and lines[-1]:
        lines.append("")
    for row in table.rows:
        printed = False
        for tc in row._tr.tc_lst:  # the row's own cells: a horizontal merge is one <w:tc>
            if _continues_vertical_merge(tc):
                continue  # a place covered by the merged cell above
            cell = _Cell(tc, table)
            if cell.tables:  # a layout cell: its paragraphs and tables, in order
                _blocks(tc, cell, lines)
                continue
            lines.append("\t" + join_cell_lines([p.text for p in cell.paragraphs]))
            printed = True
        if printed:
            lines.append("")


def _continues_vertical_merge(tc) -> bool:
    """<w:vMerge/> without val="restart": the place belongs to the merged cell above."""
    tc_pr = tc.tcPr
    if tc_pr is None:
        return False
    merge = tc_pr.find(f"{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val") != "restart"


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
