"""What a token reads: everything is limited to the token's districts (ApiClient.district_ids).

Published values come from the portal's reading of a report (portal.selectors.PublicReport: the
current published version's snapshot, or imported history) and are exported by the open-data code
(portal.opendata.report_json), so the API and the public open data never disagree.
"""

from django.db.models import Count, Q

from agencies.models import Body, District
from portal.selectors import PublicReport
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.publishing.models import ReportPdf
from reports.summary.summary import BASES, DistrictSummary, district_summary

DONE = ReportPdf.Status.DONE


def districts(district_ids) -> list[District]:
    return list(District.objects.filter(pk__in=district_ids).order_by("code"))


def bodies(district_ids, *, district: str = "", kind: str = ""):
    found = Body.objects.filter(district_id__in=district_ids).select_related("district")
    if district:
        found = found.filter(district__code=district)
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("district__code", "kind", "sort_order", "code")


def years(district_ids, *, district: str = ""):
    found = (ReportingYear.objects.filter(district_id__in=district_ids).select_related("district")
             .annotate(report_count=Count("reports"),
                       published_count=Count("reports", filter=Q(reports__status=ReportStatus.PUBLISHED))))
    if district:
        found = found.filter(district__code=district)
    return found.order_by("district__code", "-year")


def reports(district_ids, *, district: str = "", year: int | None = None, body: str = "", status: str = ""):
    found = (AnnualReport.objects.filter(reporting_year__district_id__in=district_ids)
             .select_related("reporting_year", "reporting_year__district", "body"))
    if district:
        found = found.filter(reporting_year__district__code=district)
    if year is not None:
        found = found.filter(reporting_year__year=year)
    if body:
        found = found.filter(body__code=body)
    if status:
        found = found.filter(status=status)
    return found.order_by("reporting_year__district__code", "-reporting_year__year", "body__kind",
                          "body__sort_order", "body__code", "pk")


def with_versions(page) -> list[PublicReport]:
    """Each report with its published (done) versions, oldest first: one query for the page."""
    page = list(page)
    by_report: dict[int, list[ReportPdf]] = {r.pk: [] for r in page}
    for pdf in ReportPdf.objects.filter(report__in=page, status=DONE).order_by("version"):
        by_report[pdf.report_id].append(pdf)
    return [PublicReport(r, by_report[r.pk]) for r in page]


def report(district_ids, pk: int) -> PublicReport | None:
    found = reports(district_ids).filter(pk=pk).first()
    return with_versions([found])[0] if found else None


def timeline(report: AnnualReport):
    return ReportEvent.objects.filter(report=report).select_related("actor").order_by("created_at", "pk")


def summary(district_ids, *, district: str, year: int, basis: str) -> DistrictSummary | None:
    reporting_year = (ReportingYear.objects.filter(district_id__in=district_ids, district__code=district, year=year)
                      .select_related("district").first())
    if reporting_year is None:
        return None
    return district_summary(reporting_year, basis=basis if basis in BASES else "published")
