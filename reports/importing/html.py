"""A published report saved as an HTML page, read into the text layout the parser knows.

Portal pages put the statistics in <table>s and the rest in paragraphs. The page becomes text in
the seed's own layout: every table cell on its own line after a tab (an empty cell as a lone tab),
a blank line after every table row, every paragraph or heading on its own line. Scripts, styles
and the like are dropped; a cell that holds a whole article (a layout table) or a nested table is
read as paragraphs, not as one cell. Standard library only (html.parser).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text", "looks_like_html"]

_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|table|div|p)[\s>/]", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "select"})
_BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "main", "blockquote", "pre", "caption", "dt", "dd", "hr", "center",
})
_LONG_CELL = 80  # characters: a cell longer than this with line breaks is a layout cell (paragraphs)


def looks_like_html(text: str) -> bool:
    """A page saved from a browser, rather than text copied out of one."""
    return bool(_HTML_START.search(text[:4000]))


class _Cell:
    def __init__(self) -> None:
        self.lines: list[str] = [""]
        self.container = False  # holds a nested table: its text is paragraphs

    def text(self, data: str) -> None:
        self.lines[-1] += data

    def brk(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def take(self) -> list[str]:
        lines = [_SPACES.sub(" ", line).strip() for line in self.lines]
        self.lines = [""]
        return [line for line in lines if line]


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.paragraph = ""
        self.cells: list[_Cell] = []  # open cells, outermost first
        self.tables = 0
        self.skipping: list[str] = []

    # -- output --------------------------------------------------------------------------------

    def _flush_paragraph(self) -> None:
        text = _SPACES.sub(" ", self.paragraph).strip()
        if text:
            self.out.append(text)
        self.paragraph = ""

    def _paragraphs(self, lines: list[str]) -> None:
        self.out.extend(lines)

    def _row_end(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    # -- events --------------------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if tag in _SKIPPED:
            self.skipping.append(tag)
            return
        if tag == "table":
            self._flush_paragraph()
            if self.cells:  # a table inside a cell: the cell is layout, its text paragraphs
                cell = self.cells[-1]
                cell.container = True
                self._paragraphs(cell.take())
            self._row_end()
            self.tables += 1
        elif tag in ("td", "th") and self.tables:
            self.cells.append(_Cell())
        elif tag == "tr" and self.tables:
            self._row_end()
        elif tag in _BLOCKS:
            if self.cells:
                self.cells[-1].brk()
            else:
                self._flush_paragraph()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img", "input", "meta", "link", "col"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in ("td", "th") and self.cells:
            cell = self.cells.pop()
            lines = cell.take()
            if cell.container or (len(lines) > 1 and sum(map(len, lines)) > _LONG_CELL):
                self._paragraphs(lines)
            else:
                # A label broken by <br> (结<br>果<br>维<br>持) is one label.
                self.out.append("\t" + "".join(lines))
        elif tag == "tr" and self.tables:
            self._row_end()
        elif tag == "table" and self.tables:
            self.tables -= 1
            self._row_end()
        elif tag in _BLOCKS:
            if self.cells:
                self.cells[-1].brk()
            else:
                self._flush_paragraph()

    def handle_data(self, data):
        if self.skipping:
            return
        if self.cells:
            self.cells[-1].text(data)
        else:
            self.paragraph += data

    def result(self) -> str:
        self.close()
        while self.cells:  # unclosed cells at the end of a broken page
            self.handle_endtag("td")
        self._flush_paragraph()
        return "\n".join(self.out).strip("\n") + "\n"


def html_to_text(html: str) -> str:
    """The page's text: paragraphs as lines, table cells one per line (tab-indented), rows apart."""
    reader = _PageReader()
    reader.feed(html)
    return reader.result()
