"""Reading the statistics tables of a published report's text: each table found by its caption, each
row by its labels (tolerantly: other wording, the other format's labels, a missing character, each
named as a warning), each number placed in its column only where that is certain — otherwise the
row's cells are named unread with the line. A mixin of the parser (parser.py), which reads the
headings and the text sections and holds the state (tokens, used tokens, the result).
"""

from __future__ import annotations

from decimal import Decimal

from ..formats import Section, Table
from ..formats.base import CellType
from ..formats.cells import CellValueError
from .labels import loose_key, other_labels, similar
from .result import read_number
from .tokens import BREAK, EMPTY, PARA, Cursor, Token, label_key, several_numbers

_SHOWN = 3  # unrecognised text quoted in a message


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _quote(tokens: list[Token]) -> str:
    shown = "、".join(f"“{_short(t.text, 16)}”" for t in tokens[:_SHOWN])
    return shown + ("等" if len(tokens) > _SHOWN else "")


class TableReader:
    """The table half of the parser; expects the parser's `fmt`, `tokens`, `used`, `result`,
    `_line()`, `_starts_label()` and `_text_of_tokens()`."""

    # -- table sections ------------------------------------------------------------------------

    def _table_section(self, section: Section, start: int, end: int) -> None:
        pos = start
        captions = self._caption_positions(section, start, end)
        for index, table in enumerate(section.tables):
            if table.caption:
                if captions.get(table.key) is None:
                    self.result.errors.append(f"未找到表格“{table.caption}”，其中的数字没有导入。")
                    self._unread([c.id for c in table.cells()], None, "未找到表格")
                    continue
                pos = captions[table.key][0]
            later = [captions[t.key][0] for t in section.tables[index + 1:] if captions.get(t.key)]
            table_end = min(later) if later else end
            pos = self._table(table, section, pos, table_end)
        leftover = [t for t in self.tokens[start:end] if not t.blank and t.index not in self.used]
        numbers = [t for t in leftover if t.value]
        for token in numbers:  # every number is read into a cell or named here, with its line
            self.result.unplaced.append({"line": token.line, "printed": token.text, "quote": self._line(token.line)})
        if numbers:
            self.result.errors.append(
                f"第{section.title[:1]}部分有 {len(numbers)} 个数字未能对应到单元格："
                + "、".join(f"第{t.line}行“{_short(t.text, 16)}”" for t in numbers[:_SHOWN])
                + ("等。" if len(numbers) > _SHOWN else "。")
            )
        notes = [t for t in leftover if t.kind == PARA and not t.value]
        if notes:
            note_part = next((p for p in section.parts), None)
            if note_part is not None:
                self.result.texts[note_part.key] = self._text_of_tokens(notes)
        stray = [t for t in leftover if t.kind != PARA and not t.value]
        if stray:
            self.result.warnings.append(
                f"第{section.title[:1]}部分有 {len(stray)} 处内容未能对应到表格：{_quote(stray)}。"
            )

    def _caption_positions(self, section: Section, start: int, end: int) -> dict:
        positions, pos = {}, start
        for table in section.tables:
            if not table.caption:
                continue
            found = Cursor(self.tokens, pos, end, self.used).find(label_key(table.caption))
            positions[table.key] = found
            if found:
                pos = found[1]
        return positions

    def _table_name(self, table: Table, section: Section) -> str:
        return f"表格“{table.caption}”" if table.caption else f"第{section.title[:1]}部分的表格"

    def _table(self, table: Table, section: Section, start: int, end: int) -> int:
        cursor = Cursor(self.tokens, start, end, self.used)
        name = self._table_name(table, section)
        if table.caption:
            cursor.expect(label_key(table.caption))
        header = [table.note] if table.note else []
        header += [h.label for row in table.header_rows() for h in row if h.label]
        absent = [label for label in header if not cursor.expect(label_key(label), window=3)]
        printed = len(header) - len(absent)
        if absent and printed:
            self.result.warnings.append(f"{name}的表头与格式不同，未找到：{'、'.join(_short(a) for a in absent)}。")
        absent_rows: list[str] = []
        groups = [loose_key(lc.label) for r in table.body_rows() for lc in r.labels if lc.group]
        skip_until = -1
        for number, body_row in enumerate(table.body_rows()):
            if number < skip_until:
                continue
            leaf = None
            for label in body_row.labels:
                if label.group:
                    if cursor.expect(label_key(label.label), window=2) and self._single_row(
                            cursor, table, number, label, name):
                        skip_until = number + label.rowspan
                else:
                    leaf = label.label
            if number < skip_until:
                continue
            interleaved: list[int] = []
            if leaf:
                found = self._find_row(cursor, table, body_row, name, groups)
                if found is None:
                    absent_rows.append(leaf)
                    self._unread([c.id for c in body_row.cells], None, "未找到该行")
                    continue
                interleaved = found
            else:
                self._skip_to_number(cursor)
            self._values(cursor, body_row, name, interleaved, labelled=bool(leaf))
        if absent_rows:
            shown = "、".join(f"“{_short(label, 40)}”" for label in absent_rows[:_SHOWN])
            if len(absent_rows) == 1:
                self.result.errors.append(f"{name}中未找到{shown}一行，该行数字没有导入。")
            else:
                more = f"等 {len(absent_rows)} 行" if len(absent_rows) > _SHOWN else "各行"
                self.result.errors.append(f"{name}中未找到{shown}{more}，这些数字没有导入。")
        return cursor.pos

    # -- finding a row by its label --------------------------------------------------------------

    def _find_row(self, cursor: Cursor, table: Table, body_row, name: str, groups: list[str]) -> list[int] | None:
        """Consume the row's label; the numbers printed inside a label wrapped around them are
        returned (token positions). A variant accepted is named as a warning."""
        label = body_row.row.label
        key = label_key(label)
        if cursor.expect(key, window=2):
            return []
        rivals = self._rival_labels(table)
        candidates = [(label, False)] + [(alt, True) for alt in other_labels(self.fmt.version, self.fmt.variant)
                                         .get((table.key, body_row.row.key), ())]
        for start in self._text_starts(cursor, 3):
            for wording, other_format in candidates:
                hit = self._match_loose(start, cursor.end, loose_key(wording), groups, rivals)
                if hit is None:
                    continue
                stop, interleaved, printed = hit
                self._accepted(name, label, printed, other_format)
                self._skipped_before(cursor, start, name, label)
                cursor.take(start, stop)
                return interleaved
            slip = self._slip(start, cursor.end, label, rivals)
            if slip is not None:
                stop, printed = slip
                self._accepted(name, label, printed, False)
                self._skipped_before(cursor, start, name, label)
                cursor.take(start, stop)
                return []
        found = cursor.find(key)
        if found is None:
            return None
        self._skipped_before(cursor, found[0], name, label)
        cursor.take(*found)
        return []

    def _rival_labels(self, table: Table) -> list[str]:
        return [row.label for row in table.leaf_rows() if row.label]

    def _text_starts(self, cursor: Cursor, limit: int):
        """Positions of the next `limit` printed text tokens (not numbers)."""
        pos, seen = cursor.pos, 0
        while pos < cursor.end and seen < limit:
            token = self.tokens[pos]
            if not token.blank:
                if not token.value:
                    yield pos
                seen += 1
            pos += 1

    def _match_loose(self, pos: int, end: int, target: str, groups: list[str], rivals: list[str]):
        """The label printed from `pos` with other punctuation or numbering, possibly wrapped around
        its row's numbers (pdftotext -layout) or interrupted by pieces of a group label printed
        vertically beside it. (end, numbers inside, printed tokens), or None."""
        text, inside, printed, shortened = "", [], [], None
        while pos < end:
            token = self.tokens[pos]
            if token.blank:
                pos += 1
                continue
            if token.value:
                if not text:
                    return None
                if shortened is None and len(text) >= 4 and sum(loose_key(r).startswith(text) for r in rivals) == 1:
                    shortened = (pos, list(inside), list(printed))
                inside.append(pos)
                pos += 1
                continue
            piece = loose_key(token.text)
            if not piece:
                pos += 1
                continue
            joined = text + piece
            if joined == target:
                return pos + 1, inside, printed + [token]
            if target.startswith(joined):
                text = joined
                printed.append(token)
            elif not (text and any(piece in group for group in groups)):
                break
            pos += 1
        return shortened

    def _slip(self, pos: int, end: int, label: str, rivals: list[str]):
        """The label printed with a character or two missing or wrong (其他法律行政止公开): one or
        a few text tokens in a row, clearly closest to this label."""
        text, printed = "", []
        while pos < end and len(printed) < 4:
            token = self.tokens[pos]
            if token.blank:
                pos += 1
                continue
            if token.value:
                break
            text += token.text
            printed.append(token)
            pos += 1
            if similar(text, label, rivals):
                return pos, printed
            if len(loose_key(text)) > len(loose_key(label)) + 2:
                break
        return None

    def _accepted(self, name: str, label: str, printed: list, other_format: bool) -> None:
        shown = "".join(t.text for t in printed)
        if label_key(shown) == label_key(label):
            return
        why = "（另一版格式的写法）" if other_format else ""
        self.result.warnings.append(f"{name}的“{_short(shown, 40)}”{why}按格式的“{_short(label, 40)}”一行读取，请核对。")

    def _skipped_before(self, cursor: Cursor, start: int, name: str, label: str) -> None:
        skipped = [t for t in self.tokens[cursor.pos:start] if not t.blank and not t.value]
        if skipped and any(len(t.key) > 3 for t in skipped):
            self.result.warnings.append(f"{name}“{_short(label)}”一行之前有无法识别的内容：{_quote(skipped)}。")

    def _single_row(self, cursor: Cursor, table: Table, number: int, label, name: str) -> bool:
        """A group printed as one row of numbers, as the older format did (（六）其他处理 before
        2021): its numbers are the sums of its rows, which cannot be told apart: the rows stay
        unread, the printed numbers named."""
        pos = cursor.skip_blank()
        if pos >= cursor.end or not self.tokens[pos].value:
            return False
        run = self._run(pos, cursor.end)
        rows = table.body_rows()[number:number + label.rowspan]
        cells = [c.id for r in rows for c in r.cells]
        shown = " ".join(self.tokens[p].text for p in run)
        self.result.warnings.append(
            f"{name}的“{label.label}”按旧格式印作一行（{shown}），是其下 {len(rows)} 行之和，无法分到各行：请逐项填写。")
        self._unread(cells, self.tokens[pos].line, f"“{label.label}”只印有合计 {shown}")
        cursor.take(pos, run[-1] + 1 if run else pos)
        return True

    def _run(self, pos: int, end: int) -> list[int]:
        """Positions of the numbers printed one after another from `pos` (blank lines between allowed)."""
        run = []
        while pos < end:
            token = self.tokens[pos]
            if token.blank:
                pos += 1
                continue
            if not token.value:
                break
            run.append(pos)
            pos += 1
        return run

    def _skip_to_number(self, cursor: Cursor) -> None:
        """To the row of the first number; with printed places, to that row's first cell, so that
        an empty first cell (a lone tab) keeps every number in its column."""
        for token in self.tokens[cursor.pos:cursor.end]:
            if token.value:
                pos = token.index
                if token.explicit:
                    while pos > cursor.pos and self.tokens[pos - 1].kind == EMPTY and self.tokens[pos - 1].explicit:
                        pos -= 1
                cursor.pos = pos
                return

    # -- reading a row's numbers -----------------------------------------------------------------

    def _values(self, cursor: Cursor, body_row, name: str, interleaved: list[int], *, labelled: bool) -> None:
        if not labelled:
            while cursor.pos < cursor.end and self.tokens[cursor.pos].kind == BREAK:
                cursor.pos += 1
        first = self.tokens[cursor.pos] if cursor.pos < cursor.end else None
        if not interleaved and first is not None and first.explicit:
            self._explicit_values(cursor, body_row, name)
        else:
            self._counted_values(cursor, body_row, name, interleaved)

    def _explicit_values(self, cursor: Cursor, body_row, name: str) -> None:
        """Cells whose places are printed (tabs, "|", a grid): each number is in its column."""
        fmt, result = self.fmt, self.result
        cells = list(body_row.cells)
        for number, data in enumerate(cells):
            cell = fmt.cell(data.id)
            token = self.tokens[cursor.pos] if cursor.pos < cursor.end else None
            if token is None or token.kind == BREAK:
                self._short_row(cells[number:], name, token)
                return
            if token.kind == EMPTY:
                result.values[cell.id] = 0 if cell.type is not CellType.MONEY else Decimal(0)
                result.blanks.append(cell.id)
                cursor.take(cursor.pos, cursor.pos + 1)
                continue
            if not token.value and several_numbers(token.text):
                result.errors.append(f"“{cell.label}”一格中印有几个数字“{_short(token.text, 16)}”，没有导入。")
                self._unread([cell.id], token.line, "一格中印有几个数字")
                cursor.take(cursor.pos, cursor.pos + 1)
                continue
            if not token.value and self._starts_label(token.key):
                self._short_row(cells[number:], name, token)
                return
            self._read_cell(cell, token)
            cursor.take(cursor.pos, cursor.pos + 1)

    def _counted_values(self, cursor: Cursor, body_row, name: str, interleaved: list[int]) -> None:
        """Numbers without their places (runs of spaces, one per line): placed only when there is
        exactly one for each column; otherwise the row is named as unread, with its line."""
        cells = [self.fmt.cell(c.id) for c in body_row.cells]
        run = interleaved + self._run(cursor.pos, cursor.end)
        if run:
            self.used.update(run)
            cursor.pos = max(cursor.pos, run[-1] + 1)
        if len(run) == len(cells):
            for cell, pos in zip(cells, run):
                self._read_cell(cell, self.tokens[pos])
            return
        row = _short(self.fmt.cell(cells[0].id).label.rsplit("·", 1)[0], 40)
        lines = sorted({self.tokens[p].line for p in run})
        where = f"第{lines[0]}行" if lines else "（未找到数字）"
        shown = " ".join(self.tokens[p].text for p in run)
        reason = (f"印有 {len(run)} 个数字（{shown}），表格有 {len(cells)} 列，无法确定各数字所在的列"
                  if run else "标签后没有数字")
        self.result.errors.append(f"{name}“{row}”一行{reason}，{where}，没有导入。")
        self._unread([c.id for c in cells], lines[0] if lines else None, reason)

    def _read_cell(self, cell, token: Token) -> None:
        result = self.result
        try:
            value, note = read_number(cell.type, token.text)
        except CellValueError as error:
            result.errors.append(f"“{cell.label}”印作“{_short(token.text, 16)}”，{error}，没有导入。")
            self._unread([cell.id], token.line, str(error))
            return
        if note == "blank":
            value = 0 if cell.type is not CellType.MONEY else Decimal(0)
            result.blanks.append(cell.id)
        elif note:
            result.warnings.append(f"“{cell.label}”{note}。")
        result.values[cell.id] = value

    def _short_row(self, cells, name: str, token: Token | None) -> None:
        labels = "、".join(_short(self.fmt.cell(c.id).label, 40) for c in cells[:_SHOWN])
        more = f"等 {len(cells)} 个单元格" if len(cells) > _SHOWN else ""
        self.result.errors.append(f"{name}缺少数字：{labels}{more}，没有导入。")
        self._unread([c.id for c in cells], token.line if token else None, "该行缺少数字")

    def _unread(self, cells: list[str], line: int | None, reason: str) -> None:
        """Cells not read, where (a line of the text) and why: for the person who types them in."""
        self.result.missing += cells
        self.result.unread_places.append(
            {"cells": list(cells), "line": line, "quote": self._line(line) if line else "", "reason": reason})
