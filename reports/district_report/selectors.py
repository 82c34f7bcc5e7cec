"""Reads of the district report: the one of a year, who reviews it, and what starting it would take."""

from dataclasses import dataclass

from agencies.models import Role, RoleAssignment

from ..models import ReportingYear
from ..summary.summary import district_summary
from .models import DistrictReport, district_report_deadline
from .services import district_government


def district_report_of(reporting_year: ReportingYear) -> DistrictReport | None:
    return (DistrictReport.objects.select_related("report", "report__body", "reporting_year__district")
            .filter(reporting_year=reporting_year).first())


def reviewers(body) -> dict[str, list]:
    """The people holding the 区政府 body's review roles today, by role."""
    found: dict[str, list] = {Role.DEPT_HEAD: [], Role.DIRECTOR: []}
    if body is None:
        return found
    for assignment in (RoleAssignment.objects.current().filter(body=body, role__in=list(found))
                       .select_related("user").order_by("user__pk")):
        found[assignment.role].append(assignment.user)
    return found


@dataclass
class StartPreview:
    reporting_year: ReportingYear
    existing: DistrictReport | None
    body: object  # the 区政府 body, or None before the first start
    bodies: int
    missing: list  # MissingBody
    reviewers: dict

    @property
    def deadline(self):
        return district_report_deadline(self.reporting_year.year)

    @property
    def head_label(self) -> str:
        return Role.DEPT_HEAD.label

    @property
    def director_label(self) -> str:
        return Role.DIRECTOR.label


def start_preview(reporting_year: ReportingYear) -> StartPreview:
    summary = district_summary(reporting_year)
    body = district_government(reporting_year.district)
    return StartPreview(reporting_year, district_report_of(reporting_year), body, len(summary.bodies),
                        summary.missing, reviewers(body))
