"""Demo: the last season's reports of every body published on the portal, each with its PDF and its
Word copy (never the current season's: its year may not even be over).

They are moved along the real transition table by the body's own people (submitted by the filler,
approved by the 部门负责人 and the 主管主任) and rendered by the same code as the worker, so their
timelines and PDFs are what a real season leaves behind. Idempotent: published reports are skipped.
"""

from agencies.demo import DEMO_DISTRICT_CODES
from agencies.models import District, User

from ..demo import demo_seasons
from ..models import AnnualReport, ReportStatus
from ..review.secrecy import ALL_POINTS
from ..review.services import approval_data
from ..workflow import report_transition
from .copies import docx_backfill
from .tasks import publish

OPINIONS = {"head": "经保密审查，数据已核对，同意公开。", "director": "经保密审查，同意公开。"}
STEPS = [("submit", "filler"), ("approve", "head"), ("approve", "director")]


def reports_to_publish():
    """The last season's reports of the demo districts (imported history has its own seeder)."""
    last_season, _ = demo_seasons()
    return AnnualReport.objects.of_reporting_bodies().filter(
        reporting_year__district__code__in=DEMO_DISTRICT_CODES, reporting_year__year=last_season, imported=False,
    ).select_related("body")


def seed():
    if not District.objects.filter(code="110101").exists():
        return []
    for report in reports_to_publish().exclude(status=ReportStatus.PUBLISHED):
        for action, role in STEPS:
            if (report.status, action) in {(ReportStatus.DRAFT, "submit"), (ReportStatus.PENDING_HEAD, "approve"),
                                           (ReportStatus.PENDING_DIRECTOR, "approve")}:
                actor = User.objects.filter(username=f"{report.body.code}.{role}").first()
                if action == "approve":  # with its 保密审查, as the review page records it (the 审核表)
                    report_transition(report=report, action=action, by=actor, comment=OPINIONS[role],
                                      data=approval_data(report, ALL_POINTS))
                else:
                    report_transition(report=report, action=action, by=actor)
        if report.status == ReportStatus.APPROVED:
            publish(report.pk, worker="seed_demo")
    docx_backfill()  # a demo database published before Word copies existed gets them now
    return []
