"""The demo shows this year's reports in every review state, with timelines that tell the story."""

import pytest

from agencies import demo as agencies_demo
from reports import demo as reports_demo
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.review import demo as review_demo
from reports.review.models import ReviewComment

pytestmark = pytest.mark.django_db
S = ReportStatus
E = ReportEvent.Kind


def test_demo_reports_in_every_state_and_idempotent():
    agencies_demo.seed()
    reports_demo.seed()
    review_demo.seed()
    year = ReportingYear.objects.order_by("-year").first()
    status = dict(AnnualReport.objects.filter(reporting_year=year).values_list("body__code", "status"))
    assert {code: status[code] for code in review_demo.PLAN} == review_demo.PLAN
    returned = AnnualReport.objects.get(reporting_year=year, body__code="beixinqiao")
    assert ReviewComment.objects.filter(report=returned, target_kind="cell", target=review_demo.CELL).exists()
    approved = AnnualReport.objects.get(reporting_year=year, body__code="dongsi")
    story = [k for k in approved.events.order_by("pk").values_list("kind", flat=True) if k != E.OPENED]
    assert story == [E.SUBMITTED, E.APPROVED_HEAD, E.RETURNED, E.SAVED, E.SAVED, E.SUBMITTED,
                     E.APPROVED_HEAD, E.APPROVED_DIRECTOR]
    events = ReportEvent.objects.count()
    review_demo.seed()
    assert ReportEvent.objects.count() == events
