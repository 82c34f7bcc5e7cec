"""Year-over-year and 内容雷同 checks of one report, for the filler before submission and for both
reviewers (国办公开办函〔2021〕30号 names 内容雷同 as a ground for holding people accountable).

- Every cell against the body's report of the previous year, with the change; a cell is flagged
  when it moved by more than settings.NIANBAO_YOY_FACTOR (default 3) times, up or down, and by at
  least settings.NIANBAO_YOY_MIN_CHANGE (default 10), so that 0 → 5 does not cry wolf.
- Every text part against the same part of the body's previous report and of the other bodies'
  reports of the same year: more than 90 % the same (difflib's ratio) is flagged. Character
  shingles pick the candidates first, so the expensive ratio only runs on texts that could match.

`year_flags` runs the same checks for every report of a year at once (a fixed number of queries),
for the district administrator's list of flagged bodies.
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
    return float(settings.NIANBAO_YOY_FACTOR)


def yoy_min_change() -> int:
    return int(settings.NIANBAO_YOY_MIN_CHANGE)


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
    min_change: int = 10
    # What it was computed from (set by year_comparisons, so that the 年报体检 reads nothing twice).
    content: ReportContent | None = None
    previous: AnnualReport | None = None
    previous_content: ReportContent | None = None

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


def _texts_by_part(rows) -> dict[str, list[tuple[int, str, str]]]:
    """Part key -> [(report id, body name, text)] from (report id, body name, texts) rows."""
    by_part: dict[str, list[tuple[int, str, str]]] = {}
    for report_id, name, texts in rows:
        for part, text in texts.items():
            if text:
                by_part.setdefault(part, []).append((report_id, name, text))
    return by_part


def _texts_of_the_year(reporting_year_id: int) -> dict[str, list[tuple[int, str, str]]]:
    """Every report's texts of the year, by part (one query)."""
    return _texts_by_part(ReportSection.objects.filter(report__reporting_year_id=reporting_year_id)
                          .exclude(texts={}).values_list("report_id", "report__body_name", "texts"))


def _compare(report, content: ReportContent, previous, prev_content, year_texts) -> Comparison:
    fmt = report.format
    factor, min_change = yoy_factor(), yoy_min_change()
    comparison = Comparison(report, previous.year if previous else None, factor=factor, min_change=min_change)
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
    for part in fmt.text_parts():
        text = content.texts.get(part.key) or ""
        candidates = []
        if prev_content is not None and prev_content.texts.get(part.key):
            candidates.append((f"本单位{previous.year}年度报告", prev_content.texts[part.key]))
        candidates += [(name, other) for report_id, name, other in year_texts.get(part.key, [])
                       if report_id != report.pk]
        found = _similar(text, candidates, SIMILARITY_THRESHOLD)
        if found:
            title = part.title or fmt.section(part.key.split(".")[0]).title
            comparison.similar.append(SimilarText(part.key, title, found[0], found[1]))
    return comparison


def report_comparison(report: AnnualReport, *, content: ReportContent | None = None) -> Comparison:
    """Everything the fillers and the reviewers are warned about, for one report."""
    content = content or ReportContent.of(report)
    previous = previous_report(report)
    prev_content = ReportContent.of(previous) if previous else None
    return _compare(report, content, previous, prev_content, _texts_of_the_year(report.reporting_year_id))


def year_flags(reporting_year) -> list[Comparison]:
    """The comparison of every report of the year that has a flag, in the bodies' order."""
    return [comparison for comparison in year_comparisons(reporting_year) if comparison.has_flags]


def year_comparisons(reporting_year) -> list[Comparison]:
    """The comparison of every report of the year, in the bodies' order: this year's reports, last
    year's reports of the same district and their sections in four queries."""
    order = ("body__kind", "body__sort_order", "body__code")
    reports = list(AnnualReport.objects.of_reporting_bodies().filter(reporting_year=reporting_year)
                   .select_related("reporting_year", "body").prefetch_related("sections").order_by(*order))
    previous = {r.body_id: r for r in AnnualReport.objects.filter(
        reporting_year__district_id=reporting_year.district_id, reporting_year__year=reporting_year.year - 1)
        .select_related("reporting_year").prefetch_related("sections")}
    contents = {r.pk: ReportContent.of(r) for r in reports}
    year_texts = _texts_by_part((r.pk, r.body_name, contents[r.pk].texts) for r in reports)
    comparisons = []
    for report in reports:
        last = previous.get(report.body_id)
        last_content = ReportContent.of(last) if last else None
        comparison = _compare(report, contents[report.pk], last, last_content, year_texts)
        comparison.content, comparison.previous, comparison.previous_content = contents[report.pk], last, last_content
        comparisons.append(comparison)
    return comparisons
