"""Demo: last year's reports of every body published on the portal, each with its PDF.

They are moved along the real transition table by the body's own people (submitted by the filler,
approved by the 部门负责人 and the 主管主任) and rendered by the same code as the worker, so their
timelines and PDFs are what a real season leaves behind. Idempotent: published reports are skipped.
"""

from agencies.models import District, User

from ..models import AnnualReport, ReportingYear, ReportStatus
from ..workflow import report_transition
from .tasks import publish

STEPS = [("submit", "filler"), ("approve", "head"), ("approve", "director")]


def seed():
    district = District.objects.get(code="110101")
    years = ReportingYear.objects.filter(district=district).order_by("-year")
    if years.count() < 2:
        return []
    last_year = years[1]
    reports = AnnualReport.objects.filter(reporting_year=last_year, imported=False).select_related("body")
    for report in reports.exclude(status=ReportStatus.PUBLISHED):
        for action, role in STEPS:
            if (report.status, action) in {(ReportStatus.DRAFT, "submit"), (ReportStatus.PENDING_HEAD, "approve"),
                                           (ReportStatus.PENDING_DIRECTOR, "approve")}:
                actor = User.objects.filter(username=f"{report.body.code}.{role}").first()
                report_transition(report=report, action=action, by=actor, comment="同意。" if role != "filler" else "")
        if report.status == ReportStatus.APPROVED:
            publish(report.pk, worker="seed_demo")
    return []
