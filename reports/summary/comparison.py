"""Year-over-year and 内容雷同 checks of one report, for the filler before submission and for both
reviewers (国办公开办函〔2021〕30号 names 内容雷同 as a ground for holding people accountable).

- Every cell against the body's report of the previous year, with the change; a cell is flagged
  when it moved by more than settings.NIANBAO_YOY_FACTOR (default 3) times, up or down, and by at
  least NIANBAO_YOY_MIN_CHANGE (default 5), so that 1 → 4 does not cry wolf.
- Every text part against the same part of the body's previous report and of the other bodies'
  reports of the same year: more than 90 % the same (difflib's ratio) is flagged. Character
  shingles pick the candidates first, so the expensive ratio only runs on texts that could match.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from django.conf import settings

from ..formats.base import CellType
from ..formats.cells import format_cell
from ..models import AnnualReport, ReportSection
from ..selectors import ReportContent, previous_report

SIMILARITY_THRESHOLD = 0.9
MIN_TEXT_LENGTH = 30  # "无。" or a one-line 无其他需要报告的事项 is the same everywhere, and rightly so
SHINGLE = 3


def yoy_factor() -> float:
    return float(getattr(settings, "NIANBAO_YOY_FACTOR", 3))


def yoy_min_change() -> int:
    return int(getattr(settings, "NIANBAO_YOY_MIN_CHANGE", 5))


@dataclass
class CellChange:
    id: str
    label: str
    this_year: str
    last_year: str
    change: str
    flagged: bool


@dataclass
class SimilarText:
    part: str
    title: str
    other: str  # "本单位2024年度报告" or another body's name
    ratio: float

    @property
    def percent(self) -> int:
        return int(self.ratio * 100)


@dataclass
class Comparison:
    report: AnnualReport
    previous_year: int | None
    cells: list[CellChange] = field(default_factory=list)
    similar: list[SimilarText] = field(default_factory=list)
    factor: float = 3

    @property
    def flagged_cells(self) -> list[CellChange]:
        return [c for c in self.cells if c.flagged]

    @property
    def has_flags(self) -> bool:
        return bool(self.flagged_cells or self.similar)


def moved_too_much(this, last, *, factor: float, min_change: int) -> bool:
    this, last = abs(Decimal(this or 0)), abs(Decimal(last or 0))
    if abs(this - last) < min_change:
        return False
    low, high = min(this, last), max(this, last)
    return low == 0 or high / low > Decimal(str(factor))


def _change_text(cell_type, change) -> str:
    if not change:
        return "0"
    magnitude = format_cell(CellType.MONEY if cell_type is CellType.MONEY else CellType.COUNT, abs(change))
    return ("+" if change > 0 else "-") + magnitude


def _shingles(text: str) -> set[str]:
    text = "".join(text.split())
    return {text[i:i + SHINGLE] for i in range(max(len(text) - SHINGLE + 1, 1))}


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, "".join(a.split()), "".join(b.split()), autojunk=False).ratio()


def _similar(text: str, others: list[tuple[str, str]], threshold: float) -> tuple[str, float] | None:
    """The most similar of `others` (label, text) above the threshold, or None."""
    if len(text.strip()) < MIN_TEXT_LENGTH:
        return None
    mine = _shingles(text)
    best = None
    for label, other in others:
        if len(other.strip()) < MIN_TEXT_LENGTH:
            continue
        theirs = _shingles(other)
        # |A∩B| / max(|A|,|B|) bounds what the ratio can be; skip what cannot reach the threshold.
        if len(mine & theirs) / max(len(mine), len(theirs)) < threshold - 0.2:
            continue
        ratio = similarity(text, other)
        if ratio > threshold and (best is None or ratio > best[1]):
            best = (label, ratio)
    return best


def _texts_of_other_bodies(report: AnnualReport) -> dict[str, list[tuple[str, str]]]:
    """Part key -> [(body name, text)] of the other reports of the same year (one query)."""
    by_part: dict[str, list[tuple[str, str]]] = {}
    rows = (ReportSection.objects.filter(report__reporting_year_id=report.reporting_year_id)
            .exclude(report=report).exclude(texts={}).values_list("report__body_name", "texts"))
    for name, texts in rows:
        for part, text in texts.items():
            if text:
                by_part.setdefault(part, []).append((name, text))
    return by_part


def report_comparison(report: AnnualReport, *, content: ReportContent | None = None) -> Comparison:
    """Everything the fillers and the reviewers are warned about, for one report."""
    content = content or ReportContent.of(report)
    fmt = report.format
    factor, min_change = yoy_factor(), yoy_min_change()
    previous = previous_report(report)
    comparison = Comparison(report, previous.year if previous else None, factor=factor)
    prev_content = ReportContent.of(previous) if previous else None
    if previous is not None:
        prev_cells = previous.format.cells()
        for cell_id, cell in fmt.cells().items():
            if cell_id not in prev_cells:
                continue
            this, last = content.values.get(cell_id), prev_content.values.get(cell_id)
            change = (this or 0) - (last or 0)
            comparison.cells.append(CellChange(
                cell_id, cell.label, format_cell(cell.type, this), format_cell(cell.type, last),
                _change_text(cell.type, change),
                moved_too_much(this, last, factor=factor, min_change=min_change),
            ))
    others = _texts_of_other_bodies(report)
    for part in fmt.text_parts():
        text = content.texts.get(part.key) or ""
        candidates = []
        if prev_content is not None and prev_content.texts.get(part.key):
            candidates.append((f"本单位{previous.year}年度报告", prev_content.texts[part.key]))
        candidates += others.get(part.key, [])
        found = _similar(text, candidates, SIMILARITY_THRESHOLD)
        if found:
            title = part.title or fmt.section(part.key.split(".")[0]).title
            comparison.similar.append(SimilarText(part.key, title, found[0], found[1]))
    return comparison
