"""The text of the district report's first draft, drawn from the summary: how many bodies reported,
the main figures of sections 二 to 四 with their change on last year, and which bodies are missing.
Every label comes from the format definition; the administrator edits the draft like any text."""

from decimal import Decimal

from config.dates import cn_date

from ..formats.base import CellType
from ..formats.cells import format_cell

UNITS = {CellType.MONEY: "万元"}


def _change(cell, value, previous: dict | None) -> str:
    if previous is None or cell.id not in previous:
        return ""
    before = previous[cell.id] or 0
    diff = (value or 0) - before
    if diff == 0:
        return "，与上年持平"
    word = "增加" if diff > 0 else "减少"
    return f"，较上年{word}{format_cell(cell.type, abs(Decimal(diff)) if cell.type is CellType.MONEY else abs(diff))}"


def _figure(label: str, cell, sums: dict, previous: dict | None) -> str:
    value = sums.get(cell.id) or 0
    return f"{label}{format_cell(cell.type, value)}{UNITS.get(cell.type, '')}{_change(cell, value, previous)}"


def _table_figures(table, sums: dict, previous: dict | None) -> list[str]:
    """A table's main figures: with a 总计 column, the 总计 of its top rows (those in at most one row
    group: 本年新收, 上年结转, each 办理结果 of the first level, 结转下年度) or, without row labels, each
    总计; otherwise every cell that is not zero."""
    totals = [c for c in table.leaf_columns() if c.total]
    if totals:
        total = totals[-1]
        rows = [(row, groups) for row, groups in table.row_paths() if len(groups) <= 1]
        if len(rows) > 1:
            return [_figure(table.row_label(row), table_cell(table, row, total), sums, previous)
                    for row, _groups in rows]
        return [_figure(cell.label, cell, sums, previous) for cell in table.cells() if cell.column.total]
    return [_figure(f"{cell.row.label}{cell.column.label}", cell, sums, previous)
            for cell in table.cells() if sums.get(cell.id)]


def table_cell(table, row, column):
    return next(c for c in table.cells() if c.row is row and c.column is column)


def _sentence(figures: list[str]) -> str:
    return "；".join(figures) + "。" if figures else "本年无相关数据。"


def missing_text(missing: list[str], year: int, today) -> str:
    if not missing:
        return f"全区各单位{year}年度报告均已发布，其数据已全部计入本报告。"
    return (f"截至{cn_date(today)}，{'、'.join(missing)}（共{len(missing)}个单位）尚未发布{year}年度报告，"
            "其数据未计入本报告。")


def asked_for(fmt, part, sums: dict) -> str:
    """What the format's writing rules ask this part to report given the sums (2021: 六 names the
    信息处理费 when 三（六）2 counts applications that lapsed on unpaid fees), as a draft sentence."""
    sentences = []
    for rule in fmt.rules:
        if getattr(rule, "kind", "") == "writing" and rule.part == part.key and rule.when and rule.needs:
            count = sums.get(rule.when) or 0
            if count > 0:
                sentences.append(f"（草稿）“{fmt.cell(rule.when).label}”共{count}件，"
                                 f"请汇总各单位报告的{'、'.join(rule.needs)}收取情况。")
    return "".join(sentences)


def draft_texts(fmt, *, year: int, district: str, sums: dict, previous: dict | None, bodies: int,
                missing: list[str], today) -> dict[str, str]:
    """{text part key: draft text} for every text part of the format."""
    by_number = {s.number: s for s in fmt.sections}
    source = (f"本报告统计数据由{district}{bodies}个单位已发布的{year}年度政府信息公开工作年度报告汇总生成"
              + ("，并与上年汇总数据比较" if previous is not None else "") + "。")
    figures = {n: [f for t in by_number[n].tables for f in _table_figures(t, sums, previous)]
               for n in (2, 3, 4) if n in by_number}
    active = f"主动公开方面，{_sentence(figures.get(2, []))}"
    requests = f"依申请公开方面，{_sentence(figures.get(3, []))}"
    review = f"行政复议、行政诉讼方面，{_sentence(figures.get(4, []))}"
    texts: dict[str, str] = {}
    for section in fmt.sections:
        required = [p for p in section.parts if p.required]
        for index, part in enumerate(section.parts):
            if section.number == 1 and len(required) == 1 and part is required[0]:
                texts[part.key] = "\n".join((f"{year}年，{source}", active, requests, review))
            elif section.number == 1 and part.required:
                texts[part.key] = (
                    [f"{year}年，{source}{active}", f"{requests}{review}"][index] if index < 2
                    else f"（草稿）{part.title}：请结合各单位报告中的{part.title.strip('（）一二三四五六七八九十')}情况补充全区的做法和成效。")
            elif part.key.endswith(".note") and section.tables:
                texts[part.key] = source + missing_text(missing, year, today)
            elif section.number == 5 and part.required:
                texts[part.key] = "（草稿）请归纳各单位报告所列的主要问题及改进情况。"
            elif section.number == 6 and part.required:
                texts[part.key] = missing_text(missing, year, today) + asked_for(fmt, part, sums)
    return texts
