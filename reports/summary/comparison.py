"""Year-over-year and 内容雷同 checks of one report, for the filler before submission and for both
reviewers (国办公开办函〔2021〕30号 names 内容雷同 as a ground for holding people accountable).

- Every cell against the body's report of the previous year, with the change; a cell is flagged
  when it moved by more than settings.NIANBAO_YOY_FACTOR (default 3) times, up or down, and by at
  least settings.NIANBAO_YOY_MIN_CHANGE (default 10), so that 0 → 5 does not cry wolf.
- Every text part against the same part of the body's previous report and of the other bodies'
  reports of the same year: more than 90 % the same (difflib's ratio) is flagged, the most similar
  named. Each text is prepared once (whitespace removed, character shingles and counts); a candidate
  only reaches the expensive ratio when difflib's own upper bounds (lengths, characters in common)
  could beat the best so far, and the same text is 100 % without it. Bodies copying one template is
  what this check is for: then every text is a candidate of every other (140 bodies: 137,200 ratios,
  16 s for the board), and the bounds leave a few per text.

`year_flags` runs the same checks for every report of a year at once (a fixed number of queries),
for the district administrator's list of flagged bodies.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import MD5
from django.utils import timezone

from ..formats.base import CellType
from ..formats.cells import format_cell
from ..kept import keep, kept, kept_as_of
from ..models import AnnualReport, ReportSection
from ..selectors import ReportCheck, ReportContent, contents_of_two_years, report_check
from .similarity import _similar, _Text

SIMILARITY_THRESHOLD = 0.9


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
    check: ReportCheck | None = None  # the rules on that content (request_comparison.checked)

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


def _texts_by_part(rows, parts: set[str]) -> dict[str, list[tuple[int, str, _Text]]]:
    """Part key -> [(report id, body name, text)] of the `parts`, from (report id, body name, texts) rows."""
    by_part: dict[str, list[tuple[int, str, _Text]]] = {}
    for report_id, name, texts in rows:
        for part, text in texts.items():
            if text and part in parts:
                by_part.setdefault(part, []).append((report_id, name, _Text.of(text)))
    return by_part


# The sections of a year in the bodies' order (year_reports'): the first of equally similar texts is
# the same body on the board and on the report's own pages.
TEXTS_ORDER = ("report__body__kind", "report__body__sort_order", "report__body__code", "report_id", "key")


def _year_sections(reporting_year_id: int):
    return (ReportSection.objects.filter(report__reporting_year_id=reporting_year_id).exclude(texts={})
            .order_by(*TEXTS_ORDER))


def _texts_of_the_year(reporting_year_id: int, parts) -> dict[str, list[tuple[int, str, _Text]]]:
    """Every report's texts of these parts of the year, by part (one query)."""
    rows = (_year_sections(reporting_year_id).filter(key__in={part.split(".")[0] for part in parts})
            .values_list("report_id", "report__body_name", "texts"))
    return _texts_by_part(rows, set(parts))


def _part_digests(reporting_year_id: int, parts) -> dict[str, str]:
    """Part key -> what changes whenever a text of that part in the year or the name of a body with
    one does: the database digests each text (one query that reads no text into Python)."""
    names = {part: f"digest_{i}" for i, part in enumerate(parts)}
    rows = (_year_sections(reporting_year_id)
            .annotate(**{name: MD5(KeyTextTransform(part, "texts")) for part, name in names.items()})
            .values_list("report_id", "report__body_name", "key", *names.values()))
    found: dict[str, list] = {part: [] for part in parts}
    for report_id, body_name, key, *digests in rows:
        for part, digest in zip(parts, digests, strict=True):
            if digest is not None and part.split(".")[0] == key:
                found[part].append((report_id, body_name, digest))
    return {part: hashlib.sha256(repr(entries).encode()).hexdigest() for part, entries in found.items()}


def _report_similar(report, content: ReportContent, previous, prev_content) -> list[SimilarText]:
    """The 内容雷同 of one report. Each part's answer is kept in the shared cache under a digest of what
    it is computed from (that part's texts of the year with their bodies' names, the report's own of
    last year), so that the review page and the overview compare again only the parts whose texts
    have changed: at the January peak fillers save a text every few seconds, nearly always one part.
    The report's latest answers are kept too (`_keep_latest`): shown again for a while as long as its
    own texts have not changed."""
    fmt, label = report.format, _own_label(previous)
    state = _own_state(fmt, label, _text_digests(content), _text_digests(prev_content) if prev_content else {})
    if (latest := _latest(report.pk, state)) is not None:
        return [_similar_text(fmt, part, latest[part.key]) for part in fmt.text_parts() if latest.get(part.key)]
    last_texts = prev_content.texts if prev_content is not None else {}
    parts = [part.key for part in fmt.text_parts()]
    digests = _part_digests(report.reporting_year_id, parts)
    keys = {part: f"report-similar:{SOURCE}:{SIMILARITY_THRESHOLD}:" + hashlib.sha256(repr((
        report.pk, report.reporting_year.format_version, report.reporting_year.format_variant, part, label,
        last_texts.get(part) or "", digests[part])).encode()).hexdigest() for part in parts}
    known = kept(list(keys.values()))
    answers = {part: known[keys[part]][0] for part in parts if keys[part] in known}
    if missing := [part for part in parts if part not in answers]:
        year_texts = _texts_of_the_year(report.reporting_year_id, missing)
        fresh = {}
        for part in missing:
            answers[part] = _part_similar(content.texts.get(part) or "", label, last_texts.get(part),
                                          year_texts.get(part, []), report.pk)
            fresh[keys[part]] = (answers[part],)  # in a tuple: the cache cannot tell a kept None from none
        keep(fresh)
    _keep_latest({report.pk: (state, answers)})
    return [_similar_text(fmt, part, answers[part.key]) for part in fmt.text_parts() if answers[part.key]]


def _latest_slot(report_id: int) -> str:
    return f"similar-latest:{SOURCE}:{SIMILARITY_THRESHOLD}:{report_id}"


def _text_digests(content: ReportContent) -> dict[str, str | None]:
    return {key: getattr(section, "texts_digest", None) for key, section in content.sections.items()}


def _own_state(fmt, label: str, this: dict, last: dict) -> str | None:
    """What a report's 内容雷同 reads of its own: its texts and last year's (the database's digests of
    each section's texts) and how last year's report is named; None when a digest is not known (the
    content was not read from the database)."""
    if None in this.values() or None in last.values():
        return None
    return hashlib.sha256(repr((fmt.key, label, sorted(this.items()), sorted(last.items()))).encode()).hexdigest()


def _similar_kept_for() -> int:
    return int(settings.NIANBAO_SIMILAR_KEPT_FOR)


def _latest(report_id: int, state: str | None) -> dict | None:
    """Part -> the answer of the report's latest comparison, when it was made with its own texts as
    they are now, within NIANBAO_SIMILAR_KEPT_FOR seconds: the other bodies' texts are those of that
    moment. A reviewer opens a report, approves it and lands on it again; the board's refresh (a
    worker) compares every report of the year, so a review page then compares nothing."""
    if state is None or not (kept_for := _similar_kept_for()):
        return None
    found = kept_as_of({_latest_slot(report_id): state}).get(_latest_slot(report_id))
    if found is None:
        return None
    as_of, answers = found
    return answers if 0 <= (timezone.now() - as_of).total_seconds() <= kept_for else None


def _keep_latest(answers: dict[int, tuple]) -> None:
    """Report id -> (its own state, part -> answer), each as computed now."""
    if _similar_kept_for():
        now = timezone.now()
        keep({_latest_slot(pk): (state, (now, found)) for pk, (state, found) in answers.items() if state is not None})


def _compare(report, content: ReportContent, previous, prev_content, similar: list[SimilarText], *,
             cells=True) -> Comparison:
    """`similar`: the report's 内容雷同 (_report_similar, or year_similar for a whole year)."""
    fmt = report.format
    factor, min_change = yoy_factor(), yoy_min_change()
    comparison = Comparison(report, previous.year if previous else None, factor=factor, min_change=min_change)
    if previous is not None and cells:
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
    comparison.similar = similar
    return comparison


def _own_label(previous) -> str:
    return f"本单位{previous.year}年度报告" if previous is not None else ""


def _similar_text(fmt, part, found: tuple[str, float]) -> SimilarText:
    return SimilarText(part.key, part.title or fmt.section(part.key.split(".")[0]).title, found[0], found[1])


def _part_similar(text: str, previous_label: str, previous_text: str | None, entries, pk: int):
    """The text most like this report's part: its own of last year first, then the other bodies'
    of the year (`entries`: [(report id, body name, prepared text)])."""
    candidates = [(previous_label, _Text.of(previous_text))] if previous_text else []
    candidates += [(name, other) for report_id, name, other in entries if report_id != pk]
    return _similar(_Text.of(text), candidates, SIMILARITY_THRESHOLD)


# The code the kept answers came from: a new release compares afresh.
SOURCE = hashlib.sha256(Path(__file__).read_bytes() + (Path(__file__).parent / "similarity.py").read_bytes()).hexdigest()[:16]


def year_similar(fmt, reports, previous: dict, texts, *, digests: dict[int, dict] | None = None,
                 ) -> dict[int, list[SimilarText]]:
    """内容雷同 of every report of a year (in the bodies' order), part by part: report id -> its similar
    texts. `previous` maps a body to its report of last year, `texts` a report (of either year) to its
    texts, or is a function that reads them (given the keys of the sections whose parts it compares).
    A part's answers are kept in the shared cache under a digest of everything they are computed from
    (the part's texts of both years and the bodies' names), so that a board load compares again only
    the parts saved since the last load in any process. With `digests` (report id -> section key -> the database's digest of its texts) the kept
    answers are found without reading any text: `texts` is called only when a part is compared again."""
    def stored(pk, part, read):
        return (texts.get(pk, {}).get(part.key) if read else digests.get(pk, {}).get(part.key.split(".")[0])) or ""

    def part_rows(part, read):
        return [(r.pk, r.body_name, stored(r.pk, part, read), _own_label(last := previous.get(r.body_id)),
                 stored(last.pk, part, read) if last else "") for r in reports]

    read = digests is None
    if read and callable(texts):
        texts = texts({part.key.split(".")[0] for part in fmt.text_parts()})
    keys = {part.key: f"similar:{SOURCE}:{SIMILARITY_THRESHOLD}:{part.key}:{'texts' if read else 'digests'}:"
                      f"{hashlib.sha256(repr(part_rows(part, read)).encode()).hexdigest()}"
            for part in fmt.text_parts()}
    known = kept(list(keys.values()))
    answers, fresh = {}, {}
    if callable(texts) and (again := {part.key.split(".")[0] for part in fmt.text_parts() if keys[part.key] not in known}):
        texts = texts(again)
    for part in fmt.text_parts():
        if keys[part.key] in known:
            answers[part.key] = known[keys[part.key]]
            continue
        rows = part_rows(part, True)
        entries = [(pk, name, _Text.of(text)) for pk, name, text, _label, _last in rows if text]
        answers[part.key] = fresh[keys[part.key]] = {
            pk: found for pk, _name, text, label, last in rows if (found := _part_similar(text, label, last, entries, pk))}
    if fresh:
        keep(fresh)
    if digests is not None:  # each report's latest comparison kept, under its own texts' digests
        def own_state(r):
            last = previous.get(r.body_id)
            return _own_state(fmt, _own_label(last), digests.get(r.pk, {}), digests.get(last.pk, {}) if last else {})

        _keep_latest({r.pk: (own_state(r), {part.key: answers[part.key].get(r.pk) for part in fmt.text_parts()})
                      for r in reports})
    return {r.pk: [_similar_text(fmt, part, answers[part.key][r.pk]) for part in fmt.text_parts()
                   if r.pk in answers[part.key]] for r in reports}


def report_comparison(report: AnnualReport) -> Comparison:
    """Everything the fillers and the reviewers are warned about, for one report, with what it was
    computed from (which the 年报体检 reads too)."""
    content, previous, prev_content = contents_of_two_years(report)
    comparison = _compare(report, content, previous, prev_content,
                          _report_similar(report, content, previous, prev_content))
    comparison.content, comparison.previous, comparison.previous_content = content, previous, prev_content
    return comparison


def request_comparison(request, report: AnnualReport) -> Comparison:
    """The report's comparison computed once a request (`request` may be None): a page shows it in
    its warnings, its 年报体检 and its document, which all read the same content."""
    kept = getattr(request, "_report_comparisons", None)
    if kept is None:
        kept = {}
        if request is not None:
            request._report_comparisons = kept
    if report.pk not in kept:
        kept[report.pk] = report_comparison(report)
    return kept[report.pk]


def checked(comparison: Comparison) -> ReportCheck:
    """The format's rules on the content the comparison read (its previous year's included), once."""
    if comparison.check is None:
        comparison.check = report_check(comparison.report, comparison.content, previous=comparison.previous,
                                        previous_content=comparison.previous_content)
    return comparison.check


def year_flags(reporting_year) -> list[Comparison]:
    """The comparison of every report of the year that has a flag, in the bodies' order."""
    return [comparison for comparison in year_comparisons(reporting_year) if comparison.has_flags]


def year_reports(reporting_year, *, sections: bool = True) -> tuple[list[AnnualReport], dict[int, AnnualReport]]:
    """The bodies' reports of the year in the bodies' order, and body id -> its report of last year
    (two queries; with `sections`, their sections prefetched: two more)."""
    order = ("body__kind", "body__sort_order", "body__code")
    reports = (AnnualReport.objects.of_reporting_bodies().filter(reporting_year=reporting_year)
               .select_related("reporting_year", "body").order_by(*order))
    previous = (AnnualReport.objects.select_related("reporting_year")
                .filter(reporting_year__district_id=reporting_year.district_id,
                        reporting_year__year=reporting_year.year - 1))
    if sections:
        reports, previous = reports.prefetch_related("sections"), previous.prefetch_related("sections")
    return list(reports), {r.body_id: r for r in previous}


def year_comparisons(reporting_year, *, cells: bool = True) -> list[Comparison]:
    """The comparison of every report of the year, in the bodies' order: this year's reports, last
    year's reports of the same district and their sections in four queries. cells=False leaves the
    year-over-year cells out (the 年报体检 reads only the 内容雷同)."""
    reports, previous = year_reports(reporting_year)
    contents = {r.pk: ReportContent.of(r) for r in reports}
    last_contents = {last.pk: ReportContent.of(last) for r in reports if (last := previous.get(r.body_id))}
    similar = year_similar(reporting_year.format, reports, previous,
                           {pk: content.texts for pk, content in (contents | last_contents).items()})
    comparisons = []
    for report in reports:
        last = previous.get(report.body_id)
        last_content = last_contents[last.pk] if last else None
        comparison = _compare(report, contents[report.pk], last, last_content, similar[report.pk], cells=cells)
        comparison.content, comparison.previous, comparison.previous_content = contents[report.pk], last, last_content
        comparisons.append(comparison)
    return comparisons
