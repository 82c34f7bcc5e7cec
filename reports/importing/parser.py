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

from ..formats import Format, Section, format_version_for_year, get_format
from ..formats import rules as format_rules
from ..formats.cells import normalise
from .result import ImportResult, read_number
from .table_reader import _SHOWN, TableReader
from .tokens import CELL, PARA, Token, label_key, tokenize

__all__ = ["ImportResult", "parse_report", "parse_report_for_year", "read_number"]

_OVERFLOW_PART = re.compile(r"^[(（][六七八九十]+[)）]")  # （六）… after the official sub-parts
_YEAR = re.compile(r"(20[0-9]{2})\s*年")


def parse_report_for_year(text: str, year: int, variant: str | None = None) -> ImportResult:
    return parse_report(text, get_format(format_version_for_year(year), variant), year=year)


def parse_report(text: str, fmt: Format, *, year: int | None = None) -> ImportResult:
    return _Parser(text, fmt, year).run()


# ---------------------------------------------------------------------------------------------


class _Parser(TableReader):
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
