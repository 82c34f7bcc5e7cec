"""What the public may read: published versions (their snapshot and PDF) and imported history.

Nothing here reads a draft: a report appears through a ReportPdf version that is done (its
snapshot, frozen when it was published), or, for history imported from earlier publications,
through its imported content. A report being corrected keeps showing its last published version.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from agencies.models import BodyKind, District
from reports.models import AnnualReport, ReportingYear, ReportStatus
from reports.publishing.copies import docx_ensure
from reports.publishing.document import AnnualReportDocument
from reports.publishing.models import ReportPdf
from reports.publishing.snapshot import snapshot_document
from reports.selectors import ReportContent

from . import search

DONE = ReportPdf.Status.DONE


@dataclass
class PublicReport:
    report: AnnualReport
    versions: list[ReportPdf] = field(default_factory=list)  # done versions, oldest first
    hit: search.Hit | None = None  # why a search found it, with the snippet to show

    @property
    def current(self) -> ReportPdf | None:
        return self.versions[-1] if self.versions else None

    @property
    def published(self) -> bool:
        return bool(self.versions) or (self.report.imported and self.report.status == ReportStatus.PUBLISHED)

    @property
    def published_at(self) -> datetime | None:
        """Imported history: its original publication date (midnight, local time), or None (shown as
        历史导入), never the day of the import or of its PDF's rendering."""
        if self.report.imported:
            day = self.report.published_on
            return timezone.make_aware(datetime.combine(day, time())) if day else None
        return self.current.published_at if self.current else None

    @property
    def first_published_at(self) -> datetime | None:
        return self.versions[0].published_at if self.versions else None

    @property
    def corrections(self) -> list[ReportPdf]:
        return [v for v in self.versions if v.version > 1]

    def document(self) -> AnnualReportDocument:
        if self.current is not None:
            return snapshot_document(self.report, self.current.content)
        return AnnualReportDocument(self.report, ReportContent.of(self.report))  # imported history

    def values(self) -> dict:
        """Statistics by canonical cell id, as JSON values (money as decimal strings)."""
        if self.current is not None:
            return dict(self.current.content.get("values", {}))
        values = {}
        for section in self.report.sections.all():
            values.update(section.values)
        return values


def _with_versions(reports, *, light: bool = False) -> list[PublicReport]:
    reports = list(reports)
    by_report: dict[int, list[ReportPdf]] = {r.pk: [] for r in reports}
    versions = ReportPdf.objects.filter(report__in=reports, status=DONE).order_by("version")
    if light:
        versions = versions.defer("content", "search_text")
    for pdf in versions:
        by_report[pdf.report_id].append(pdf)
    return [PublicReport(r, by_report[r.pk]) for r in reports]


def _public_q() -> Q:
    return Q(pdf_versions__status=DONE) | Q(imported=True, status=ReportStatus.PUBLISHED)


def _base():
    """In the portal's order: by year, district, the district government's own report (区政府年度报告)
    first, then the bodies."""
    government_first = Case(When(body__kind=BodyKind.DISTRICT_GOVERNMENT, then=Value(0)), default=Value(1))
    return AnnualReport.objects.select_related("reporting_year__district", "body").order_by(
        "-reporting_year__year", "reporting_year__district__code", government_first, "body__kind",
        "body__sort_order", "body__code")


def years() -> list[int]:
    return sorted(set(ReportingYear.objects.values_list("year", flat=True)), reverse=True)


def current_year() -> int | None:
    """The latest year anything was published for (reports on 2025 are published in early 2026);
    before the first publication of a new season the public still sees last season's reports."""
    published = (AnnualReport.objects.filter(_public_q()).order_by("-reporting_year__year")
                 .values_list("reporting_year__year", flat=True).first())
    if published is not None:
        return published
    found = years()
    return found[0] if found else None


def districts() -> list[District]:
    """The districts that have opened a year: a city's portal lets the public choose one."""
    return list(District.objects.filter(reporting_years__isnull=False).distinct().order_by("code"))


def year_reports(*, year: int, kind: str = "", district: str = ""):
    """Every body's report of a year, published or not (an unpublished one shows only 未发布), in the
    portal's order; of one district when its code is given, else of every district (the city's view).
    A queryset: the page shows one page of it (`listed`)."""
    return _of_year(year, kind, district)


def published_count(reports) -> int:
    return reports.filter(_public_q()).distinct().count()


def listed(reports) -> list[PublicReport]:
    """One page of reports with their versions, without the versions' snapshots (a list shows none)."""
    return _with_versions(reports, light=True)


def _of_year(year: int, kind: str, district: str = ""):
    reports = _base().filter(reporting_year__year=year)
    if kind in BodyKind.values:
        reports = reports.filter(body__kind=kind)
    if district:
        reports = reports.filter(reporting_year__district__code=district)
    return reports


def _current_versions():
    """The done version of each report that no later done version replaces."""
    later = ReportPdf.objects.filter(report=OuterRef("report"), status=DONE, version__gt=OuterRef("version"))
    return ReportPdf.objects.filter(status=DONE).exclude(Exists(later))


def _has_done() -> Exists:
    return Exists(ReportPdf.objects.filter(report=OuterRef("pk"), status=DONE))


def public_report(pk: int) -> PublicReport | None:
    report = _base().filter(pk=pk).filter(_public_q()).distinct().first()
    return _with_versions([report])[0] if report else None


def public_version(pk: int, version: int) -> ReportPdf | None:
    return (ReportPdf.objects.select_related("report", "report__reporting_year", "report__body")
            .filter(report_id=pk, version=version, status=DONE).first())


def public_word_copy(pk: int, version: int) -> ReportPdf | None:
    """A done version with its Word copy; a version published before Word copies existed gets it
    now, once (reports.publishing.copies: the copy of what was published, nothing else)."""
    found = public_version(pk, version)
    return docx_ensure(found) if found is not None else None


def published_in_year(year: int) -> list[PublicReport]:
    return _with_versions(_base().filter(reporting_year__year=year).filter(_public_q()).distinct())


def archive() -> list[dict]:
    """Every year with how many reports of each district were published (imported history included):
    one row per year and district, whatever the number of reports (a city has tens of thousands)."""
    rows = (AnnualReport.objects.filter(_public_q()).values("reporting_year__year", "reporting_year__district__code",
                                                              "reporting_year__district__name")
            .annotate(count=Count("pk", distinct=True)).order_by("-reporting_year__year", "reporting_year__district__code"))
    years: dict[int, dict] = {}
    for row in rows:
        year = years.setdefault(row["reporting_year__year"], {"year": row["reporting_year__year"], "count": 0,
                                                               "districts": []})
        year["count"] += row["count"]
        year["districts"].append({"code": row["reporting_year__district__code"],
                                  "name": row["reporting_year__district__name"], "count": row["count"]})
    return list(years.values())


def published_reports_for_sitemap():
    """(id, year, last change) of every published report, without loading any report."""
    return (AnnualReport.objects.filter(_public_q()).distinct().order_by("-reporting_year__year", "pk")
            .annotate(changed=Max("pdf_versions__published_at")).values_list("pk", "reporting_year__year", "changed"))


def recent_publications(limit: int = 50) -> list[ReportPdf]:
    return list(ReportPdf.objects.filter(status=DONE).select_related(
        "report", "report__reporting_year", "report__body").order_by("-published_at")[:limit])


@dataclass(frozen=True)
class PortalState:
    """Everything the public pages are drawn from, summed up: `tag` changes whenever any page may
    (a publication, a correction's new version, an import, a new year or report); `last_change`
    is the latest of those moments."""

    tag: str
    last_change: datetime | None


def portal_state() -> PortalState:
    versions = ReportPdf.objects.filter(status=DONE).aggregate(last=Max("published_at"), n=Count("pk"))
    reports = AnnualReport.objects.aggregate(last=Max("updated_at"), n=Count("pk"))
    years = ReportingYear.objects.aggregate(last=Max("opened_at"), n=Count("pk"))
    parts = (versions, reports, years)
    moments = [part["last"] for part in parts if part["last"] is not None]
    tag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return PortalState(tag=tag, last_change=max(moments) if moments else None)


def version_with_sha256(sha256: str) -> ReportPdf | None:
    """The published version whose file, as downloaded, has this SHA-256 (the signed file's)."""
    return (ReportPdf.objects.select_related("report", "report__reporting_year", "report__body")
            .filter(sha256=sha256.lower(), status=DONE).order_by("version").first())
