"""The demo: the last season published, the current one in progress in every review state short of the
final approval, with timelines that tell the story; the seasons follow today's date."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencies import demo as agencies_demo
from reports import demo as reports_demo
from reports.demo import demo_seasons
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.publishing import demo as publishing_demo
from reports.publishing.models import ReportPdf
from reports.review import demo as review_demo
from reports.review.models import ReviewComment

pytestmark = pytest.mark.django_db
S = ReportStatus
E = ReportEvent.Kind
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("today", "seasons"), [
    (date(2026, 12, 2), (2025, 2026)),  # the walk-through's day: 2026 is not over, it is in progress
    (date(2027, 1, 31), (2025, 2026)),  # the 2026 reports' deadline
    (date(2027, 2, 1), (2026, 2027)),
    (date(2030, 6, 30), (2029, 2030)),
])
def test_the_seasons_follow_the_date(today, seasons):
    assert demo_seasons(today) == seasons


@time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_demo_reports_in_every_state_and_idempotent():
    agencies_demo.seed()
    reports_demo.seed()
    review_demo.seed()
    assert sorted(ReportingYear.objects.filter(district__code="110101").values_list("year", flat=True)) == [2025, 2026]
    assert sorted(ReportingYear.objects.filter(district__code="110102").values_list("year", flat=True)) == [2025, 2026]
    year = ReportingYear.objects.get(year=2026, district__code="110101")
    assert year.deadline == date(2027, 1, 31)
    status = dict(AnnualReport.objects.filter(reporting_year=year).values_list("body__code", "status"))
    assert {code: status[code] for code in review_demo.PLAN} == {
        code: review_demo.PLAN_STATUS[plan] for code, plan in review_demo.PLAN.items()}
    # Nothing of 2026 is approved (which queues its PDF) or published before the year is over.
    assert not AnnualReport.objects.filter(reporting_year=year, status__in=[S.APPROVED, S.PUBLISHED]).exists()
    assert not ReportEvent.objects.filter(report__reporting_year=year, kind=E.APPROVED_DIRECTOR).exists()
    assert not ReportPdf.objects.filter(report__reporting_year=year).exists()
    returned = AnnualReport.objects.get(reporting_year=year, body__code="beixinqiao")
    assert ReviewComment.objects.filter(report=returned, target_kind="cell", target=review_demo.CELL).exists()
    again = AnnualReport.objects.get(reporting_year=year, body__code="dongsi")
    story = [k for k in again.events.order_by("pk").values_list("kind", flat=True) if k != E.OPENED]
    assert story == [E.SUBMITTED, E.APPROVED_HEAD, E.RETURNED, E.SAVED, E.SAVED, E.SUBMITTED, E.APPROVED_HEAD]
    # The last season is the one the publishing demo publishes.
    assert set(publishing_demo.reports_to_publish().values_list("reporting_year__year", flat=True)) == {2025}
    events = ReportEvent.objects.count()
    review_demo.seed()
    assert ReportEvent.objects.count() == events


@time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_in_a_later_year_the_demo_moves_on():
    agencies_demo.seed()
    reports_demo.seed()
    review_demo.seed()
    assert sorted(set(ReportingYear.objects.values_list("year", flat=True))) == [2026, 2027]
    assert ReportingYear.objects.get(year=2027, district__code="110101").deadline == date(2028, 1, 31)
    assert AnnualReport.objects.filter(reporting_year__year=2027, body__code="beixinqiao",
                                       status=S.RETURNED).exists()
    assert set(publishing_demo.reports_to_publish().values_list("reporting_year__year", flat=True)) == {2026}
