"""The 年报体检 of one report (the filler's overview, the review page) or of every report of a year
(the board's score column), computed from the checks declared in checks.py.

The board computes the 体检 of every report of the year on each load (with Redis, a worker's refresh:
board.py). At the January peak fillers save every few seconds: each report's outcomes are kept in the
shared cache with the digest of the content they read (`_content_key`) by the load that checked them,
so that a load checks no report that was checked since it was saved, on any day, and checks the
reports saved since in one batch. A save does not check its report: that was a third of an
autosave's CPU, for content the next refresh checks in its batch anyway. The checks that read the
other reports, the submission, the publication or the day are computed on every load (and 内容雷同
compares only the parts whose texts changed, comparison.year_similar).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db.models import Min, Prefetch
from django.utils import timezone

from ..kept import keep, kept_as_of
from ..models import AnnualReport, ReportEvent, ReportSection, ReportStatus
from ..publishing.models import ReportPdf
from ..selectors import ReportContent, report_check
from ..summary.comparison import Comparison, report_comparison, year_reports, year_similar
from ..timeline import read_events
from .checks import CHECKS, Check, Facts, Outcome


@dataclass(frozen=True)
class HealthItem:
    check: Check
    outcome: Outcome

    @property
    def points(self) -> int:
        return round(self.check.weight * self.outcome.share)

    @property
    def passed(self) -> bool:
        return self.outcome.passed


@dataclass(frozen=True)
class Health:
    items: tuple[HealthItem, ...]

    @property
    def score(self) -> int:
        return sum(item.points for item in self.items)

    @property
    def maximum(self) -> int:
        return sum(item.check.weight for item in self.items)

    @property
    def to_fix(self) -> tuple[HealthItem, ...]:
        return tuple(item for item in self.items if not item.passed)

    def item(self, key: str) -> HealthItem:
        return next(item for item in self.items if item.check.key == key)

    @property
    def level(self) -> str:
        """success / warning / danger, for the badge."""
        return "success" if self.score >= 90 else "warning" if self.score >= 70 else "danger"


def _graphic(report: AnnualReport, published_ids: set[int]) -> bool | None:
    """The 图解 is drawn by reports.graphic for every published version (and imported history):
    None before publication (发布后自动生成), else whether there is something to draw it from."""
    if report.status != ReportStatus.PUBLISHED:
        return None
    return report.pk in published_ids or report.imported


def health_of(report: AnnualReport, comparison: Comparison, *, submitted_on: date | None,
              graphic: bool | None, today: date | None = None) -> Health:
    content = comparison.content or ReportContent.of(report)
    if comparison.check is not None:
        check = comparison.check
    elif comparison.content is not None:
        check = report_check(report, content, previous=comparison.previous,
                             previous_content=comparison.previous_content)
    else:
        check = report_check(report, content)
    facts = Facts(
        report=report, fmt=report.format, values=content.values, texts=content.texts,
        results=check.results, progress=check.progress, invalid_cells=check.invalid_cells,
        similar=comparison.similar, submitted_on=submitted_on, today=today or timezone.localdate(),
        graphic=graphic,
    )
    return Health(tuple(HealthItem(c, c.function(facts)) for c in CHECKS))


def _first_submissions(report_filter) -> dict[int, date]:
    rows = (ReportEvent.objects.filter(kind=ReportEvent.Kind.SUBMITTED, **report_filter)
            .values("report_id").annotate(first=Min("created_at")).values_list("report_id", "first"))
    return {report_id: timezone.localdate(first) for report_id, first in rows}


def _published(report_filter) -> set[int]:
    return set(ReportPdf.objects.filter(status=ReportPdf.Status.DONE, **report_filter)
               .values_list("report_id", flat=True))


def report_health(report: AnnualReport, *, today: date | None = None,
                  comparison: Comparison | None = None) -> Health:
    """`comparison`: the report's report_comparison, where the page has it already."""
    comparison = comparison or report_comparison(report)
    where = {"report_id": report.pk}
    if (events := read_events(report)) is not None:
        first = next((e.created_at for e in events if e.kind == ReportEvent.Kind.SUBMITTED), None)
        submitted_on = timezone.localdate(first) if first else None
    else:
        submitted_on = _first_submissions(where).get(report.pk)
    return health_of(report, comparison, submitted_on=submitted_on,
                     graphic=_graphic(report, _published(where) if report.status == ReportStatus.PUBLISHED else set()),
                     today=today)


# The code the kept outcomes came from (the checks, the format rules, the content they read): a
# new release checks afresh.
_SOURCES = (Path(__file__).parent, Path(__file__).parent.parent / "formats", Path(__file__).parent.parent / "selectors.py")
SOURCE = hashlib.sha256(b"".join(
    path.read_bytes() for source in _SOURCES
    for path in (sorted(source.glob("*.py")) if source.is_dir() else [source]))).hexdigest()[:16]


def _content_digests(report_ids) -> tuple[dict[int, tuple], dict[int, dict[str, str]]]:
    """Report id -> its sections' (key, digest of the stored content), and report id -> section key ->
    digest of its texts alone (ReportSection.content_digest and texts_digest: kept by the database as
    each row is written, so one query reads them without reading or hashing any content): what changes
    whenever the content (the texts) does, however it is saved."""
    saved: dict[int, list] = {}
    texts: dict[int, dict[str, str]] = {}
    for report_id, key, digest, text_digest in (
            ReportSection.objects.filter(report_id__in=report_ids).order_by("report_id", "key")
            .values_list("report_id", "key", "content_digest", "texts_digest")):
        saved.setdefault(report_id, []).append((key, digest))
        texts.setdefault(report_id, {})[key] = text_digest
    return {report_id: tuple(sections) for report_id, sections in saved.items()}, texts


def _with_content(report_ids) -> dict[int, AnnualReport]:
    """The reports with their sections, each section with its digest, read in one snapshot (one query
    for the sections): what is kept is kept under the digest of the very content it was checked on."""
    sections = ReportSection.objects.order_by("key")
    return {r.pk: r for r in AnnualReport.objects.filter(pk__in=report_ids).select_related("reporting_year", "body")
            .prefetch_related(Prefetch("sections", queryset=sections))}


def _read_digests(reports) -> dict[int, tuple]:
    """As _content_digests gives them (a report without sections has none)."""
    return {r.pk: tuple((section.key, section.content_digest) for section in r.sections.all())
            for r in reports if r.sections.all()}


def _slot(report_id: int) -> str:
    """One entry a report in the shared cache: (the _content_key it was checked under, its content
    outcomes). A save overwrites it, so the cache holds one entry a report however often it is saved."""
    return f"health-content:{report_id}"


def _content_key(report, last, saved) -> str:
    """What the checks of the content read (Check.of_content): the report's content and format, and
    last year's report's, by the database's digests."""
    year = report.reporting_year
    facts = (SOURCE, report.pk, year.format_version, year.format_variant, saved.get(report.pk),
             last and (last.pk, last.reporting_year.format_version, last.reporting_year.format_variant,
                       saved.get(last.pk)))
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def _content_outcomes(health: Health) -> tuple[Outcome, ...]:
    return tuple(item.outcome for item in health.items if item.check.of_content)


def _checked_afresh(reports, lasts, read: dict[int, AnnualReport], similar, submitted, published, today):
    """The 体检 of reports whose content outcomes are not kept, from their content as read (`read`:
    _with_content); their content outcomes kept with that content's digest, one entry a report."""
    saved, fresh, out = _read_digests(read.values()), {}, {}
    for report in reports:
        last = read[known.pk] if (known := lasts[report.pk]) else None
        this = read[report.pk]
        comparison = Comparison(report, last.year if last else None, similar=similar.get(report.pk, []),
                                content=ReportContent.of(this), previous=last,
                                previous_content=ReportContent.of(last) if last else None)
        out[report.pk] = health = health_of(report, comparison, submitted_on=submitted.get(report.pk),
                                            graphic=_graphic(report, published), today=today)
        fresh[_slot(report.pk)] = (_content_key(this, last, saved), _content_outcomes(health))
    keep(fresh)
    return out


def year_health(reporting_year, *, today: date | None = None) -> dict[int, Health]:
    """Report id -> its 体检, for every report of the year (a fixed number of queries). The checks of
    the content are kept with the content's digest by the load that checked them; the others (内容雷同,
    按时报送, 图解) are computed on every load from what the board reads anyway."""
    today = today or timezone.localdate()
    where = {"report__reporting_year": reporting_year}
    submitted, published = _first_submissions(where), _published(where)
    reports, previous = year_reports(reporting_year, sections=False)
    lasts = {r.pk: previous.get(r.body_id) for r in reports}
    saved, text_digests = _content_digests([r.pk for r in reports] + [last.pk for last in lasts.values() if last])

    def texts(sections) -> dict[int, dict]:
        read: dict[int, dict] = {}
        for report_id, part_texts in (ReportSection.objects.filter(report_id__in=saved, key__in=sections)
                                      .values_list("report_id", "texts")):
            read.setdefault(report_id, {}).update(part_texts)
        return read

    similar = year_similar(reporting_year.format, reports, previous, texts, digests=text_digests)
    keys = {r.pk: _content_key(r, lasts[r.pk], saved) for r in reports}
    found = kept_as_of({_slot(r.pk): keys[r.pk] for r in reports})
    outcomes = {r.pk: found[_slot(r.pk)] for r in reports if _slot(r.pk) in found}
    checked = [r for r in reports if r.pk not in outcomes]
    afresh = {}
    if checked:
        wanted = [r.pk for r in checked] + [last.pk for r in checked if (last := lasts[r.pk])]
        afresh = _checked_afresh(checked, lasts, _with_content(wanted), similar, submitted, published, today)
    out = {}
    for report in reports:
        if report.pk in afresh:
            out[report.pk] = afresh[report.pk]
            continue
        kept_outcomes = iter(outcomes[report.pk])
        facts = _load_facts(report, similar[report.pk], submitted.get(report.pk), _graphic(report, published), today)
        out[report.pk] = Health(tuple(HealthItem(c, next(kept_outcomes) if c.of_content else c.function(facts))
                                      for c in CHECKS))
    return out


def _load_facts(report, similar, submitted_on, graphic, today) -> Facts:
    """The facts of the checks computed on every load (not Check.of_content): no content, which
    they do not read."""
    return Facts(report=report, fmt=report.format, values={}, texts={}, results=[], progress={}, invalid_cells={},
                 similar=similar, submitted_on=submitted_on, today=today, graphic=graphic)
