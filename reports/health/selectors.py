"""The 年报体检 of one report (the filler's overview, the review page) or of every report of a year
(the board's score column), computed from the checks declared in checks.py.

The board computes the 体检 of every report of the year on each load. At the January peak it is loaded
while fillers save every few seconds, by several web processes: each report's outcomes are kept in the
shared cache under everything they are computed from (see `_kept_key`; not the day, so they hold from
one day to the next: 按时报送 is computed on every load), so that a load reads and checks only the
reports saved since (and compares only the parts whose texts changed, comparison.year_similar).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db.models import Min, TextField, Value
from django.db.models.functions import MD5, Cast, Concat
from django.utils import timezone

from ..models import AnnualReport, ReportEvent, ReportSection, ReportStatus
from ..publishing.models import ReportPdf
from ..selectors import ReportContent, report_check
from ..summary.comparison import Comparison, keep, kept, report_comparison, year_reports, year_similar
from .checks import CHECKS, DAILY, Check, Facts, Outcome, submitted_in_time


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
    return health_of(report, comparison, submitted_on=_first_submissions(where).get(report.pk),
                     graphic=_graphic(report, _published(where)), today=today)


# The code the kept outcomes came from (the checks, the format rules, the content they read): a
# new release checks afresh.
_SOURCES = (Path(__file__).parent, Path(__file__).parent.parent / "formats", Path(__file__).parent.parent / "selectors.py")
SOURCE = hashlib.sha256(b"".join(
    path.read_bytes() for source in _SOURCES
    for path in (sorted(source.glob("*.py")) if source.is_dir() else [source]))).hexdigest()[:16]


def _content_digests(report_ids) -> tuple[dict[int, tuple], dict[int, dict[str, str]]]:
    """Report id -> its sections' (key, digest of the stored content), and report id -> section key ->
    digest of its texts alone, computed by the database (one query that reads no content into
    Python): what changes whenever the content (the texts) does, however it is saved."""
    content = Concat(Cast("values", TextField()), Value("|"), Cast("texts", TextField()), Value("|"),
                     Cast("raw", TextField()), output_field=TextField())
    saved: dict[int, list] = {}
    texts: dict[int, dict[str, str]] = {}
    for report_id, key, digest, text_digest in (
            ReportSection.objects.filter(report_id__in=report_ids)
            .annotate(digest=MD5(content), text_digest=MD5(Cast("texts", TextField()))).order_by("report_id", "key")
            .values_list("report_id", "key", "digest", "text_digest")):
        saved.setdefault(report_id, []).append((key, digest))
        texts.setdefault(report_id, {})[key] = text_digest
    return {report_id: tuple(sections) for report_id, sections in saved.items()}, texts


def _kept_key(report, last, saved, similar, submitted_on, graphic) -> str:
    """Not the day: 按时报送, the one check that reads it, is computed on every load (DAILY)."""
    facts = (SOURCE, report.pk, report.status, report.imported, report.reporting_year.format_version,
             report.reporting_year.format_variant,
             report.reporting_year.deadline.isoformat(), saved.get(report.pk),
             last and (last.pk, last.reporting_year.format_version, last.reporting_year.format_variant,
                       saved.get(last.pk)),
             [(s.part, s.other, s.ratio) for s in similar], submitted_on, graphic)
    return "health:" + hashlib.sha256(repr(facts).encode()).hexdigest()


def year_health(reporting_year, *, today: date | None = None) -> dict[int, Health]:
    """Report id -> its 体检, for every report of the year (a fixed number of queries)."""
    today = today or timezone.localdate()
    where = {"report__reporting_year": reporting_year}
    submitted, published = _first_submissions(where), _published(where)
    reports, previous = year_reports(reporting_year, sections=False)
    lasts = {r.pk: previous.get(r.body_id) for r in reports}
    saved, text_digests = _content_digests([r.pk for r in reports] + [last.pk for last in lasts.values() if last])

    def texts() -> dict[int, dict]:
        read: dict[int, dict] = {}
        for report_id, part_texts in ReportSection.objects.filter(report_id__in=saved).values_list("report_id", "texts"):
            read.setdefault(report_id, {}).update(part_texts)
        return read

    similar = year_similar(reporting_year.format, reports, previous, texts, digests=text_digests)
    keys = {r.pk: _kept_key(r, lasts[r.pk], saved, similar[r.pk], submitted.get(r.pk),
                            _graphic(r, published)) for r in reports}
    found = kept(list(keys.values()))
    outcomes = {r.pk: found[keys[r.pk]] for r in reports if keys[r.pk] in found}
    checked = [r for r in reports if r.pk not in outcomes]
    if checked:
        fresh = {}
        wanted = [r.pk for r in checked] + [last.pk for r in checked if (last := lasts[r.pk])]
        read = {r.pk: r for r in AnnualReport.objects.filter(pk__in=wanted)
                .select_related("reporting_year", "body").prefetch_related("sections")}
        for report in checked:
            last = read[known.pk] if (known := lasts[report.pk]) else None
            comparison = Comparison(report, last.year if last else None, similar=similar[report.pk],
                                    content=ReportContent.of(read[report.pk]), previous=last,
                                    previous_content=ReportContent.of(last) if last else None)
            health = health_of(report, comparison, submitted_on=submitted.get(report.pk),
                               graphic=_graphic(report, published), today=today)
            outcomes[report.pk] = fresh[keys[report.pk]] = tuple(item.outcome for item in health.items)
        keep(fresh)
    return {r.pk: Health(tuple(
        HealthItem(c, submitted_in_time(r, submitted.get(r.pk), today) if c.key == DAILY else o)
        for c, o in zip(CHECKS, outcomes[r.pk], strict=True))) for r in reports}
