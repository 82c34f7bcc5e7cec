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
from .result import ImportResult, read_number
from .tokens import BREAK, CELL, EMPTY, PARA, Cursor, Token, label_key, tokenize

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
            result.missing = list(self.fmt.cells())
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
                    result.missing += [c.id for t in section.tables for c in t.cells()]
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
        result.check = _checked(self.fmt, result)
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
        return None

    def _text_of(self, start: int, end: int) -> str:
        return "\n".join(t.text for t in self.tokens[start:end] if not t.blank)

    # -- text sections -------------------------------------------------------------------------

    def _text_section(self, section: Section, start: int, end: int) -> None:
        lines = [t for t in self.tokens[start:end] if not t.blank]
        self.used.update(t.index for t in lines)
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
            hit = next((k for k, t in keys.items() if token.key.startswith(t) and k not in seen), None)
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
                    self.result.missing += [c.id for c in table.cells()]
                    continue
                pos = captions[table.key][0]
            later = [captions[t.key][0] for t in section.tables[index + 1:] if captions.get(t.key)]
            table_end = min(later) if later else end
            pos = self._table(table, section, pos, table_end)
        leftover = [t for t in self.tokens[start:end] if not t.blank and t.index not in self.used]
        notes = [t for t in leftover if t.kind == PARA]
        if notes:
            note_part = next((p for p in section.parts), None)
            if note_part is not None:
                self.result.texts[note_part.key] = "\n".join(t.text for t in notes)
        stray = [t for t in leftover if t.kind != PARA]
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
        for body_row in table.body_rows():
            leaf = None
            for label in body_row.labels:
                if label.group:
                    cursor.expect(label_key(label.label), window=2)  # printed once, or not at all
                else:
                    leaf = label.label
            if leaf:
                if not self._find_row(cursor, leaf, name):
                    absent_rows.append(leaf)
                    self.result.missing += [c.id for c in body_row.cells]
                    continue
            elif not printed and table.stub_label is None and body_row is table.body_rows()[0]:
                self._skip_to_number(cursor)
            self._values(cursor, body_row, name, labelled=bool(leaf))
        if absent_rows:
            shown = "、".join(f"“{_short(label, 40)}”" for label in absent_rows[:_SHOWN])
            if len(absent_rows) == 1:
                self.result.errors.append(f"{name}中未找到{shown}一行，该行数字没有导入。")
            else:
                more = f"等 {len(absent_rows)} 行" if len(absent_rows) > _SHOWN else "各行"
                self.result.errors.append(f"{name}中未找到{shown}{more}，这些数字没有导入。")
        return cursor.pos

    def _find_row(self, cursor: Cursor, label: str, name: str) -> bool:
        key = label_key(label)
        if cursor.expect(key, window=2):
            return True
        found = cursor.find(key)
        if found is None:
            return False
        skipped = [t for t in self.tokens[cursor.pos:found[0]] if not t.blank]
        self.result.warnings.append(f"{name}“{_short(label)}”一行之前有无法识别的内容：{_quote(skipped)}。")
        cursor.take(*found)
        return True

    def _skip_to_number(self, cursor: Cursor) -> None:
        for token in self.tokens[cursor.pos:cursor.end]:
            if token.blank:
                continue
            try:
                read_number(CellType.SIGNED, token.text)
            except CellValueError:
                continue
            cursor.pos = token.index
            return

    def _values(self, cursor: Cursor, body_row, name: str, *, labelled: bool) -> None:
        fmt, result = self.fmt, self.result
        if not labelled:
            while cursor.pos < cursor.end and self.tokens[cursor.pos].kind == BREAK:
                cursor.pos += 1
        cells = list(body_row.cells)
        for number, data in enumerate(cells):
            cell = fmt.cell(data.id)
            token = self.tokens[cursor.pos] if cursor.pos < cursor.end else None
            if token is None or token.kind == BREAK:
                self._short_row(cells[number:], name)
                return
            if token.kind == EMPTY:
                result.values[cell.id] = 0 if cell.type is not CellType.MONEY else Decimal(0)
                result.blanks.append(cell.id)
                cursor.take(cursor.pos, cursor.pos + 1)
                continue
            try:
                value, note = read_number(cell.type, token.text)
            except CellValueError as error:
                if self._starts_label(token.key):
                    self._short_row(cells[number:], name)
                    return
                result.errors.append(f"“{cell.label}”印作“{_short(token.text, 16)}”，{error}，没有导入。")
                result.missing.append(cell.id)
                cursor.take(cursor.pos, cursor.pos + 1)
                continue
            if note == "blank":
                value = 0 if cell.type is not CellType.MONEY else Decimal(0)
                result.blanks.append(cell.id)
            elif note:
                result.warnings.append(f"“{cell.label}”{note}。")
            result.values[cell.id] = value
            cursor.take(cursor.pos, cursor.pos + 1)

    def _short_row(self, cells, name: str) -> None:
        labels = "、".join(_short(self.fmt.cell(c.id).label, 40) for c in cells[:_SHOWN])
        more = f"等 {len(cells)} 个单元格" if len(cells) > _SHOWN else ""
        self.result.errors.append(f"{name}缺少数字：{labels}{more}，没有导入。")
        self.result.missing += [c.id for c in cells]


def _checked(fmt: Format, result: ImportResult) -> list:
    """The rules on the published values; a rule on a cell that could not be read is skipped, so a
    cut-off text does not read as wrong totals."""
    missing = set(result.missing)
    checked = []
    for outcome in format_rules.evaluate(fmt, result.values, texts=result.texts):
        if not outcome.ok and missing.intersection(outcome.cells):
            outcome = replace(outcome, ok=True, message="", skipped=True)
        checked.append(outcome)
    return checked
