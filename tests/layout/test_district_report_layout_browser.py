"""The district report's pages (start, its own page with a correction's changes) and the portal's
year list with the district's report at its head: nothing for axe-core, and no sideways scrolling on
a 390 px phone."""

import pytest

from reports.district_report.models import SummaryChange
from reports.district_report.services import district_report_start
from reports.models import AnnualReport, ReportStatus
from reports.publishing.tasks import publish
from tests.a11y import axe_violations
from tests.layout.test_mobile_browser import PHONE, assert_fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}


def _check(page, url, screen):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == [], f"{url} ({screen})"
    if screen == "phone":
        assert_fits(page, url)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_district_report_pages_pass_axe_and_fit_a_phone(page, live_server, people, login, season, screen):
    current = season["current"]
    page.set_viewport_size(SCREENS[screen])
    login(page, people.admin)
    _check(page, f"{live_server.url}/district-report/years/{current.pk}/start/", screen)
    assert page.get_by_role("button", name="开始编制").is_visible()
    started = district_report_start(reporting_year=current, by=people.admin)
    AnnualReport.objects.filter(pk=started.report.pk).update(status=ReportStatus.APPROVED)
    assert publish(started.report.pk) == "published"
    SummaryChange.objects.create(district_report=started, source=season["current_published"], version=2,
                                 cells=[{"cell": "s3.R1.A", "label": "一、本年新收政府信息公开申请数量·自然人",
                                         "old": "5", "new": "9"}])
    for path in (f"/district-report/{started.pk}/", f"/summary/years/{current.pk}/", "/portal/?year=2025"):
        _check(page, live_server.url + path, screen)
    first = page.locator("#report-list tbody tr").first
    assert "区政府年度报告" in first.inner_text()
