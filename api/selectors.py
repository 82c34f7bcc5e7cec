"""What a token reads: everything is limited to the token's districts (ApiClient.district_ids); a
city's summary only by a token that reads every district of the city.

Published values come from the portal's reading of a report (portal.selectors.PublicReport: the
current published version's snapshot, or imported history) and are exported by the open-data code
(portal.opendata.report_json), so the API and the public open data never disagree.
"""

from decimal import Decimal

from django.db.models import Count, Q

from agencies.models import Body, City, District
from portal.selectors import PublicReport
from reports.city.selectors import CitySummary
from reports.city.selectors import city_summary as compile_city_summary
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.publishing.models import ReportPdf
from reports.summary.summary import BASES, DistrictSummary, district_summary

DONE = ReportPdf.Status.DONE


def districts(district_ids) -> list[District]:
    return list(District.objects.filter(pk__in=district_ids).select_related("city").order_by("code"))


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


def city_summary(district_ids, *, city: str, year: int, basis: str) -> CitySummary | None:
    """The city's summary (reports.city's own), if the token reads every one of the city's districts."""
    found = City.objects.filter(code=city).first()
    if found is None:
        return None
    city_districts = set(found.districts.values_list("pk", flat=True))
    if not city_districts or not city_districts <= set(district_ids):
        return None
    result = compile_city_summary(found, year, basis=basis if basis in BASES else "published")
    return result if result.districts else None


def city_summary_json(result: CitySummary) -> dict:
    """The city's summary as the API answers it: each district's part is its own summary's JSON."""
    parts = [(d.reporting_year.district.code, d.as_json()) for d in result.districts]
    return {
        "city_code": result.city.code, "city": result.city.name, "year": result.year, "basis": result.basis,
        "bodies": result.bodies, "missing": result.missing,
        "districts": [{"district_code": code, "district": part["district"], "bodies": part["bodies"],
                       "missing": part["missing"]} for code, part in parts],
        "apart": [ry.district.code for ry in result.apart],
        "cells": {cell_id: (str(value) if isinstance(value, Decimal) else value)
                  for cell_id, value in result.sums.items()},
        "rules": [{"id": r.rule_id, "ok": r.ok, "message": r.message} for r in result.rules],
    }
