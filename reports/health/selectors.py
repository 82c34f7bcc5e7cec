"""The 年报体检 of one report (the filler's overview, the review page) or of every report of a year
(the board's score column), computed from the checks declared in checks.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Min
from django.utils import timezone

from ..models import AnnualReport, ReportEvent, ReportStatus
from ..publishing.models import ReportPdf
from ..selectors import ReportContent, previous_report, report_check
from ..summary.comparison import Comparison, report_comparison, year_comparisons
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
    if comparison.content is not None:
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


def report_health(report: AnnualReport, *, today: date | None = None) -> Health:
    content = ReportContent.of(report)
    comparison = report_comparison(report, content=content)
    comparison.content, comparison.previous = content, previous_report(report)
    comparison.previous_content = ReportContent.of(comparison.previous) if comparison.previous else None
    where = {"report_id": report.pk}
    return health_of(report, comparison, submitted_on=_first_submissions(where).get(report.pk),
                     graphic=_graphic(report, _published(where)), today=today)


def year_health(reporting_year, *, today: date | None = None) -> dict[int, Health]:
    """Report id -> its 体检, for every report of the year (a fixed number of queries)."""
    where = {"report__reporting_year": reporting_year}
    submitted, published = _first_submissions(where), _published(where)
    return {
        c.report.pk: health_of(c.report, c, submitted_on=submitted.get(c.report.pk),
                               graphic=_graphic(c.report, published), today=today)
        for c in year_comparisons(reporting_year, cells=False)
    }
