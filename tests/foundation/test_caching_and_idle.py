"""Signed-in pages and exports are never cached; the page's own polls do not keep an idle session alive;
the idle timeout is written at most once a minute."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.report_factories import AnnualReportFactory


@pytest.mark.django_db
def test_signed_in_pages_and_exports_are_not_stored(client, people):
    report = AnnualReportFactory(body=people.body, reporting_year__district=people.district, filled=True)
    client.force_login(people.admin)
    for url in (reverse("workspace"), reverse("reports:overview", args=[report.pk]),
                reverse("review:timeline_csv", args=[report.pk]), reverse("review:timeline_xlsx", args=[report.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url


@pytest.mark.django_db
def test_the_public_portal_keeps_its_own_caching(client, people):
    assert "public" in client.get(reverse("portal:home"))["Cache-Control"]
    client.force_login(people.filler)
    assert "public" in client.get(reverse("portal:home"))["Cache-Control"]


@pytest.mark.django_db
def test_the_idle_timeout_moves_on_with_the_persons_requests_written_at_most_once_a_minute(client, people):
    start = timezone.now()
    idle = timedelta(minutes=30)
    with time_machine.travel(start, tick=False):
        client.force_login(people.filler)
        assert client.get(reverse("workspace")).status_code == 200
        assert Session.objects.get().expire_date == start + idle
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        client.get(reverse("workspace"))
        assert Session.objects.get().expire_date == start + idle  # not written again within the minute
    with time_machine.travel(start + timedelta(seconds=70), tick=False):
        client.get(reverse("workspace"))
        assert Session.objects.get().expire_date == start + timedelta(seconds=70) + idle
    with time_machine.travel(start + timedelta(seconds=70) + idle + timedelta(seconds=1), tick=False):
        assert client.get(reverse("workspace")).status_code == 302  # 30 minutes without a request


@pytest.mark.django_db
def test_a_public_visitor_gets_no_session(client, people):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_render_status_poll_does_not_extend_the_idle_timeout(page, live_server, people, login):
    """An approved report's overview polls its render status every 2 seconds; left open for half an hour,
    the session still ends (the polls carry X-Nianbao-Poll and do not count as activity)."""
    report = AnnualReportFactory(body=people.body, reporting_year__district=people.district, approved=True)
    start = timezone.now()
    login(page, people.filler)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    with time_machine.travel(start + timedelta(minutes=10), tick=True):
        page.goto(f"{live_server.url}{reverse('reports:overview', args=[report.pk])}")  # the last activity
        expect(page.locator("#publication-status-message")).to_have_attribute("data-status", "approved")
    with time_machine.travel(start + timedelta(minutes=35), tick=True):
        # 25 minutes after the last activity: the page polls on by itself, and is still answered.
        with page.expect_request(re.compile(r"/publishing/.+/status")) as poll:
            pass
        assert poll.value.headers.get("x-nianbao-poll") == "1"
        expect(page.locator("#publication-status-message")).to_have_attribute("data-status", "approved")
        page.wait_for_timeout(2500)  # another poll or two
    with time_machine.travel(start + timedelta(minutes=41), tick=True):
        # 31 minutes after the last activity: the session has ended in spite of the polls.
        page.goto(f"{live_server.url}{reverse('workspace')}")
        expect(page.get_by_role("heading", name="登录年报系统")).to_be_visible()
