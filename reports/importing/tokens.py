"""A published report's text as a list of tokens, and matching a definition's labels against them.

Every shape a person has is turned into lines first (a PDF's grid, a Word table and a saved page
as one cell per tab-indented line); then each line becomes tokens:

- cells whose places are known ("explicit"): a row printed with "|" or tabs, or one cell per
  tab-indented line (an empty cell as a lone tab, a blank line between rows). An empty cell is an
  EMPTY token, so a number's column is its place in the row;
- everything else (a line of pdftotext, a browser copy with one cell per paragraph, a row whose
  cells are separated by runs of spaces): lines, split into cells at runs of two or more spaces,
  and a cell ending in numbers split into its text and each number. Numbers separated by a single
  space stay separate numbers (never glued), and an empty cell leaves no trace: the parser places
  such numbers only when their count leaves no doubt.

Page numbers (-3-, 第 3 页) are dropped. Labels may be broken over several tokens; matching
concatenates tokens until the label is complete. Nothing here knows a label: the labels always
come from the format definition.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..formats.cells import normalise

PARA, CELL, EMPTY, BREAK = "para", "cell", "empty", "break"

# Cells of a row copied as plain text: two or more (half-width, full-width or no-break) spaces.
_SPACE_RUN = re.compile(r"[ \u3000\u00a0]{2,}")
_WORDS = re.compile(r"[ \u3000\u00a0]+")
_PAGE_NUMBER = re.compile(r"^[\s\-—–－~]*(?:[0-9]{1,3}|第\s*[0-9]{1,3}\s*页(?:\s*[,，/／]?\s*共\s*[0-9]{1,3}\s*页)?)"
                          r"[\s\-—–－~]*$")
_DASHED = re.compile(r"[\-—–－~]")
# A printed number (after full-width forms are folded): signs, thousands commas, decimals, a unit.
NUMBER = re.compile(r"[+\-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:万元|元)?")
# What published tables print for "nothing" instead of a number (read as a blank cell).
BLANK_MARKS = frozenset({"-", "--", "—", "——", "/", "\\", "无", "－", "–"})


def unify_ideographs(text: str) -> str:
    """Kangxi radicals and compatibility ideographs (⾃ for 自, as some PDF fonts map their glyphs)
    as the ideographs they stand for; other characters as they are."""
    if not _RADICALS.search(text):
        return text
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


_RADICALS = re.compile(r"[\u2e80-\u2fdf\uf900-\ufaff]")


def fold(text: str) -> str:
    """Full-width forms to ASCII, U+3000 to a space, − to -, keeping the spaces (unlike normalise)."""
    return "".join(
        chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else " " if ch == "\u3000" else
        "-" if ch == "\u2212" else ch
        for ch in text
    )


def is_value(text: str) -> bool:
    """A cell that holds one printed number or a blank mark (—, /) and nothing else."""
    text = fold(text).strip()
    return bool(text) and (text in BLANK_MARKS or NUMBER.fullmatch(text) is not None)


def several_numbers(text: str) -> bool:
    """Two or more numbers in one printed cell (13364 252): not one number, whatever the spaces."""
    words = _WORDS.split(fold(text).strip())
    return len(words) > 1 and all(NUMBER.fullmatch(w) or w in BLANK_MARKS for w in words)


def join_cell_lines(lines: list[str]) -> str:
    """The lines of one table cell as one text: a label broken over lines (结 / 果 / 维 / 持) is
    joined, but two numbers on two lines stay two numbers (a space between them)."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text and text[-1].isdigit() and line[0].isdigit():
            text += " "
        text += line
    return text


@dataclass(frozen=True)
class Token:
    index: int
    text: str  # as printed, stripped
    key: str  # for comparing with labels: full-width forms folded to ASCII, no whitespace
    kind: str  # PARA (a line or part of one), CELL (a table cell), EMPTY (an empty cell), BREAK
    line: int  # 1-based line number in the text
    explicit: bool = False  # a cell whose place in its row is known (tabs, "|", a grid)
    value: bool = False  # one printed number or blank mark

    @property
    def blank(self) -> bool:
        return self.kind in (EMPTY, BREAK)


def label_key(text: str) -> str:
    """The form in which labels and printed text are compared: （一） and (一) alike, no spaces."""
    return normalise(text or "")


def _split_numbers(segment: str) -> list[str]:
    """A cell of a line as printed text followed by its trailing numbers, each on its own:
    "（七）总计 2932 53" → ["（七）总计", "2932", "53"]; "全年 5 件" stays as it is."""
    words = _WORDS.split(segment.strip())
    cut = len(words)
    while cut > 0 and is_value(words[cut - 1]):
        cut -= 1
    if cut == len(words):
        return [segment.strip()]
    head = " ".join(words[:cut])
    return ([head] if head else []) + words[cut:]


def page_number(line: str) -> bool:
    """-3-, — 3 —, 第 3 页, 第3页 共6页: printed in a page's margin, not part of the report."""
    stripped = line.strip()
    if not _PAGE_NUMBER.fullmatch(stripped):
        return False
    return "页" in stripped or bool(_DASHED.match(stripped)) and bool(_DASHED.search(stripped[-1:]))


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []

    def add(raw: str, kind: str, line: int, explicit: bool = False) -> None:
        stripped = raw.strip()
        value = kind in (CELL, PARA) and is_value(stripped)
        tokens.append(Token(len(tokens), stripped, label_key(stripped), kind, line, explicit, value))

    def row(cells: list[str], line: int) -> None:
        for cell in cells:
            add(cell, CELL if label_key(cell) else EMPTY, line, explicit=True)
        add("", BREAK, line)

    def loose(parts: list[str], line: int) -> None:
        for part in parts:
            for piece in _split_numbers(part):
                add(piece, PARA, line)

    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = line.replace("｜", "|")
        if page_number(line):
            continue
        if "|" in line:
            cells = line.split("|")
            if cells and not cells[-1].strip():
                cells = cells[:-1]  # the closing "|" of a row
            row(cells, number)
        elif label_key(line) and "\t" in line.removeprefix("\t"):
            cells = line.split("\t")
            if cells[0] == "" and (not label_key(cells[1]) or is_value(cells[1])):
                row(cells, number)  # a row without a label whose first cell is empty: "\t\t5\t3" or "\t5\t3"
            else:
                row(line.removeprefix("\t").split("\t"), number)  # the leading tab marks a cell
        elif not label_key(line):
            add("", EMPTY if "\t" in line else BREAK, number, explicit="\t" in line)
        elif line.startswith("\t"):
            add(line, CELL, number, explicit=True)
        elif len(_SPACE_RUN.split(line.strip())) > 1:
            loose(_SPACE_RUN.split(line.strip()), number)
            add("", BREAK, number)
        else:
            loose([line], number)
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
