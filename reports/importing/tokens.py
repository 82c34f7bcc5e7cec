"""A published report's text as a list of tokens, and matching a definition's labels against them.

The text is what a web page or a Word file gives when copied out: headings and paragraphs on
their own lines, and tables flattened either one cell per line (indented with a tab, an empty
merged cell as a line holding only a tab, a blank line between table rows) or one row per line
with the cells separated by "|", by tabs (after the one leading tab that marks a cell) or by runs
of two or more spaces. Labels may be broken over several lines (（三）不予 / 公开, or 结 / 果 / 维 /
持 printed vertically); matching concatenates tokens until the label is complete.

Nothing here knows a label: the labels always come from the format definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..formats.cells import normalise

PARA, CELL, EMPTY, BREAK = "para", "cell", "empty", "break"

# Cells of a row copied as plain text: two or more (half-width, full-width or no-break) spaces.
_SPACE_RUN = re.compile(r"[ \u3000\u00a0]{2,}")


@dataclass(frozen=True)
class Token:
    index: int
    text: str  # as printed, stripped
    key: str  # for comparing with labels: full-width forms folded to ASCII, no whitespace
    kind: str  # PARA (a line), CELL (a table cell), EMPTY (an empty cell), BREAK (a blank line)
    line: int  # 1-based line number in the text

    @property
    def blank(self) -> bool:
        return self.kind in (EMPTY, BREAK)


def label_key(text: str) -> str:
    """The form in which labels and printed text are compared: （一） and (一) alike, no spaces."""
    return normalise(text or "")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []

    def add(raw: str, kind: str, line: int) -> None:
        stripped = raw.strip()
        tokens.append(Token(len(tokens), stripped, label_key(stripped), kind, line))

    def row(cells: list[str], line: int) -> None:
        for cell in cells:
            add(cell, CELL if label_key(cell) else EMPTY, line)
        add("", BREAK, line)

    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = line.replace("｜", "|")
        if "|" in line:
            cells = line.split("|")
            if cells and not cells[-1].strip():
                cells = cells[:-1]  # the closing "|" of a row
            row(cells, number)
        elif label_key(line) and "\t" in line.removeprefix("\t"):
            row(line.removeprefix("\t").split("\t"), number)  # the leading tab marks a cell
        elif len(_SPACE_RUN.split(line.strip())) > 1:
            row(_SPACE_RUN.split(line.strip()), number)
        elif not label_key(line):
            add("", EMPTY if "\t" in line else BREAK, number)
        elif line.startswith("\t"):
            add(line, CELL, number)
        else:
            add(line, PARA, number)
    return tokens


class Cursor:
    """Reads tokens[start:end] forward and remembers which tokens were understood."""

    def __init__(self, tokens: list[Token], start: int, end: int, used: set[int]):
        self.tokens, self.pos, self.end, self.used = tokens, start, end, used

    def skip_blank(self, pos: int | None = None) -> int:
        pos = self.pos if pos is None else pos
        while pos < self.end and self.tokens[pos].blank:
            pos += 1
        return pos

    def match_at(self, pos: int, key: str) -> int | None:
        """End position when the label `key` is printed from `pos` on (blank tokens before it and,
        for a label broken over lines, between its pieces are allowed); otherwise None."""
        if not key:
            return None
        pos = self.skip_blank(pos)
        text = ""
        while pos < self.end:
            token = self.tokens[pos]
            if token.blank:  # before the label, or between the pieces of a broken one
                pos += 1
                continue
            joined = text + token.key
            if joined == key:
                return pos + 1
            if not key.startswith(joined):
                return None
            text, pos = joined, pos + 1
        return None

    def find(self, key: str, limit: int | None = None) -> tuple[int, int] | None:
        """The first place from the cursor on (within `limit` printed tokens) where `key` is printed."""
        pos, seen = self.pos, 0
        while pos < self.end and (limit is None or seen <= limit):
            if not self.tokens[pos].blank:
                end = self.match_at(pos, key)
                if end is not None:
                    return pos, end
                seen += 1
            pos += 1
        return None

    def take(self, start: int, end: int) -> None:
        self.used.update(range(start, end))
        self.pos = end

    def expect(self, key: str, window: int = 0) -> bool:
        """Consume the label if it is printed next (or within `window` printed tokens)."""
        found = self.find(key, limit=window)
        if found is None:
            return False
        self.take(*found)
        return True

