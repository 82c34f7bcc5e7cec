"""Reading a published report's text into cell values and text parts, by walking a format definition.

Headings come from the definition's section titles, tables from their captions, header rows
(table.header_rows()) and body rows (table.body_rows()); numbers are read in the order of the
leaf columns. An imported report keeps its published numbers, totals included: wrong totals
show up in `check` as findings, they are never corrected. A blank cell is read as 0 and listed
in `blanks`; a value written in 元 is converted to 万元 (report-format.md §3.3, §7).

Nothing raises on a broken text: what cannot be read is listed in `errors` (in Chinese).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from ..formats import Format, Section, Table, format_version_for_year, get_format
from ..formats import rules as format_rules
from ..formats.base import CellType
from ..formats.cells import CellValueError, normalise
from .labels import loose_key, other_labels, similar
from .result import ImportResult, read_number
from .tokens import BREAK, CELL, EMPTY, PARA, Cursor, Token, label_key, several_numbers, tokenize

__all__ = ["ImportResult", "parse_report", "parse_report_for_year", "read_number"]

_OVERFLOW_PART = re.compile(r"^[(（][六七八九十]+[)）]")  # （六）… after the official sub-parts
_YEAR = re.compile(r"(20[0-9]{2})\s*年")
_SHOWN = 3  # unrecognised text quoted in a message


def parse_report_for_year(text: str, year: int, variant: str | None = None) -> ImportResult:
    return parse_report(text, get_format(format_version_for_year(year), variant), year=year)


def parse_report(text: str, fmt: Format, *, year: int | None = None) -> ImportResult:
    return _Parser(text, fmt, year).run()


# ---------------------------------------------------------------------------------------------


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _quote(tokens: list[Token]) -> str:
    shown = "、".join(f"“{_short(t.text, 16)}”" for t in tokens[:_SHOWN])
    return shown + ("等" if len(tokens) > _SHOWN else "")


class _Parser:
    def __init__(self, text: str, fmt: Format, year: int | None):
        self.fmt, self.year = fmt, year
        self.lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.tokens = tokenize(text or "")
        self.used: set[int] = set()
        self.result = ImportResult(format=fmt)
        self.label_keys = self._label_keys()

    def _label_keys(self) -> frozenset[str]:
        """Every printed label of the format, to tell "the next row begins" from "not a number"."""
        keys = set()
        for section in self.fmt.sections:
            keys.add(label_key(section.title))
            keys.update(label_key(p.title) for p in section.parts if p.title)
            for table in section.tables:
                keys.update(label_key(x) for x in (table.caption, table.note, table.stub_label) if x)
                keys.update(label_key(h.label) for row in table.header_rows() for h in row if h.label)
                keys.update(label_key(lc.label) for row in table.body_rows() for lc in row.labels if lc.label)
        keys.discard("")
        return frozenset(keys)

    def _starts_label(self, key: str) -> bool:
        return any(label.startswith(key) for label in self.label_keys)

    # -- the whole text ------------------------------------------------------------------------

    def run(self) -> ImportResult:
        result = self.result
        if not any(not t.blank for t in self.tokens):
            result.errors.append("文本为空，没有可导入的内容。")
            self._unread(list(self.fmt.cells()), None, "文本为空")
            return result
        headings = self._headings()
        starts = sorted(start for start, _ in headings.values())
        first = starts[0] if starts else len(self.tokens)
        result.preamble = self._text_of(0, first)
        self._check_year(result.preamble)
        for section in self.fmt.sections:
            if section.key not in headings:
                result.errors.append(f"未找到第{section.title[:1]}部分“{section.title}”，本部分没有导入。")
                if section.tables:
                    self._unread([c.id for t in section.tables for c in t.cells()], None, "未找到本部分")
                continue
            start, body = headings[section.key]
            end = next((s for s in starts if s > start), len(self.tokens))
            result.sections_found.append(section.key)
            if section.tables:
                self._table_section(section, body, end)
            else:
                self._text_section(section, body, end)
        if result.blanks:
            result.warnings.append(
                f"{len(result.blanks)} 个单元格为空，按 0 读取："
                + "、".join(f"“{self.fmt.cell(c).label}”" for c in result.blanks[:_SHOWN])
                + ("等。" if len(result.blanks) > _SHOWN else "。")
            )
        result.check = checked_rules(self.fmt, result)
        return result

    def _check_year(self, preamble: str) -> None:
        years = _YEAR.findall(normalise(preamble))
        if self.year is not None and years and int(years[0]) != self.year:
            self.result.warnings.append(f"报告标题中的年份是{years[0]}年，与导入的{self.year}年度不一致，请核对。")

    def _headings(self) -> dict[str, tuple[int, int]]:
        """Section key -> (heading position, first position after it), in the definition's order."""
        found: dict[str, tuple[int, int]] = {}
        pos = 0
        for section in self.fmt.sections:
            hit = self._heading(section, pos, (PARA,)) or self._heading(section, pos, (PARA, CELL))
            if hit is None:
                continue
            token = self.tokens[hit]
            if token.key != label_key(section.title):
                self.result.warnings.append(
                    f"第{section.title[:1]}部分的标题印作“{token.text}”，按格式的“{section.title}”读取。"
                )
            self.used.add(hit)
            found[section.key] = (hit, hit + 1)
            pos = hit + 1
        return found

    def _heading(self, section: Section, pos: int, kinds) -> int | None:
        """A line beginning with the section's number (五、) whose wording contains, or is contained
        in, the title's (allowing 五、存在的主要问题及改进情况 for a longer official title)."""
        number, _, wording = section.title.partition("、")
        prefix, wording = label_key(number + "、"), label_key(wording)
        for token in self.tokens[pos:]:
            if token.kind not in kinds or not token.key.startswith(prefix):
                continue
            rest = token.key[len(prefix):].rstrip("。:")
            if len(rest) > len(wording) + 12:
                continue
            shorter = min(len(rest), len(wording))
            if rest == wording or (shorter >= 4 and (rest in wording or wording in rest)):
                return token.index
            if shorter >= 6 and _common_prefix(rest, wording) >= 6:  # 五、存在的主要问题及整改措施
                return token.index
        return None

    def _text_of(self, start: int, end: int) -> str:
        return self._text_of_tokens([t for t in self.tokens[start:end] if not t.blank])

    @staticmethod
    def _by_line(tokens: list[Token]) -> list[Token]:
        """Tokens of one printed line (a paragraph ending in a number is split) as one line again."""
        lines: list[Token] = []
        for token in tokens:
            if lines and lines[-1].line == token.line and token.kind == PARA and lines[-1].kind == PARA:
                text = f"{lines[-1].text} {token.text}"
                lines[-1] = replace(lines[-1], text=text, key=label_key(text), value=False)
            else:
                lines.append(token)
        return lines

    def _text_of_tokens(self, tokens: list[Token]) -> str:
        return "\n".join(t.text for t in self._by_line(tokens))

    # -- text sections -------------------------------------------------------------------------

    def _text_section(self, section: Section, start: int, end: int) -> None:
        printed = [t for t in self.tokens[start:end] if not t.blank]
        self.used.update(t.index for t in printed)
        lines = self._by_line(printed)
        parts = section.parts
        titled = [p for p in parts if p.title]
        if not titled:
            self.result.texts[parts[0].key] = "\n".join(t.text for t in lines)
        else:
            self._split_parts(section, lines)
        if not any(self.result.texts.get(p.key, "").strip() for p in parts):
            self.result.warnings.append(f"第{section.title[:1]}部分“{section.title}”没有文字。")

    def _split_parts(self, section: Section, lines: list[Token]) -> None:
        """Text under （一）主动公开 … （五）监督保障 goes to those parts; （六）… to the untitled extra part;
        text before the first sub-heading to the first part."""
        parts = section.parts
        extra = next((p for p in parts if not p.title), None)
        keys = {p.key: label_key(p.title) for p in parts if p.title}
        collected: dict[str, list[str]] = {p.key: [] for p in parts}
        current, seen = parts[0].key, set()
        for token in lines:
            hit = next((k for k, t in keys.items() if _sub_heading(token.key, t) and k not in seen), None)
            if hit is not None:
                current = hit
                seen.add(hit)
                rest = token.text
                if len(token.key) > len(keys[hit]) + 6:  # a sub-heading followed by its text
                    collected[hit].append(rest)
                continue
            if extra is not None and _OVERFLOW_PART.match(token.key) and seen:
                current = extra.key
            collected[current].append(token.text)
        for key, lines_ in collected.items():
            if lines_:
                self.result.texts[key] = "\n".join(lines_)
        absent = [p.title for p in parts if p.title and p.key not in seen]
        if absent and seen:
            self.result.warnings.append(
                f"第{section.title[:1]}部分未找到小标题：{'、'.join(absent)}。"
            )
        elif absent:
            self.result.warnings.append(
                f"第{section.title[:1]}部分没有按{parts[0].title}等小标题分段，全文读入“{parts[0].title}”。"
            )

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

    def _line(self, number: int) -> str:
        line = self.lines[number - 1].strip() if 0 < number <= len(self.lines) else ""
        return re.sub(r"\s+", " ", line)[:200]


def _sub_heading(printed: str, title: str) -> bool:
    """（五）监督保障 printed as itself, or as （五）政府信息公开监督保障情况: the same number, the
    title's wording near the start."""
    if printed.startswith(title):
        return True
    match = _OVERFLOW_PART.match(title) or re.match(r"^[(（][一二三四五][)）]", title)
    if not match or not printed.startswith(match.group(0)):
        return False
    wording = title[match.end():]
    return len(wording) >= 2 and wording in printed[match.end():match.end() + len(wording) + 10]


def _common_prefix(a: str, b: str) -> int:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


def checked_rules(fmt: Format, result: ImportResult) -> list:
    """The rules on the published values; a rule on a cell that could not be read is skipped, so a
    cut-off text does not read as wrong totals."""
    missing = set(result.missing)
    checked = []
    for outcome in format_rules.evaluate(fmt, result.values, texts=result.texts):
        if not outcome.ok and missing.intersection(outcome.cells):
            outcome = replace(outcome, ok=True, message="", skipped=True)
        checked.append(outcome)
    return checked
