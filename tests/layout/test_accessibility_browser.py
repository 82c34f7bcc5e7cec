"""axe-core (WCAG 2.1 AA and best practice) finds nothing on the portal's pages, the pages of filling in a
report, and the reviewers' and administrators' main pages, on a desktop screen and on a 390 px phone; and
once their scripts and htmx panels have drawn, no id is on the page twice (axe no longer checks that;
tests/layout/test_unique_ids.py checks the pages as the server sends them)."""

import pytest

from tests.a11y import axe_violations, repeated_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def assert_no_violations(page, url, screen):
    page.goto(url)
    page.wait_for_load_state("networkidle")  # htmx panels and entry.js have drawn what they draw
    assert axe_violations(page) == [], f"{url} ({screen})"
    assert repeated_ids(page) == {}, f"{url} ({screen}): the same id on several elements"


@pytest.mark.parametrize("screen", SCREENS)
def test_the_portal_has_no_accessibility_violations(page, live_server, season, screen):
    page.set_viewport_size(SCREENS[screen])
    published = season["published"]
    for path in ("/", "/?year=2024", "/portal/?q=东花市", f"/portal/reports/{published.pk}/", "/portal/archive/",
                 "/portal/?q=不存在的单位", "/portal/verify/"):
        assert_no_violations(page, live_server.url + path, screen)
    # With the navigation opened from its toggler on a phone.
    if screen == "phone":
        page.goto(live_server.url + "/")
        page.get_by_role("button", name="展开导航").click()
        page.get_by_role("link", name="历年报告").wait_for()
        assert axe_violations(page) == [], "open navigation"


@pytest.mark.parametrize("screen", SCREENS)
def test_the_pages_of_filling_in_have_no_accessibility_violations(page, live_server, people, login, season, screen):
    page.set_viewport_size(SCREENS[screen])
    draft = season["draft"]
    login(page, people.filler)
    base = f"{live_server.url}/reports/{draft.pk}"
    for url in (f"{live_server.url}/workspace/", f"{live_server.url}/reports/", f"{base}/",
                *(f"{base}/sections/s{n}/" for n in range(1, 7)), f"{base}/preview/", f"{base}/excel/upload/"):
        assert_no_violations(page, url, screen)


@pytest.mark.parametrize("screen", SCREENS)
def test_reviewers_and_administrators_pages_have_no_accessibility_violations(page, live_server, people, login,
                                                                             season, screen):
    page.set_viewport_size(SCREENS[screen])
    draft, current = season["draft"], season["current"]
    login(page, people.admin)
    for path in ("/workspace/", "/district/years/", f"/district/years/{current.pk}/board/",
                 f"/summary/years/{current.pk}/", "/manage/bodies/", f"/manage/bodies/{people.body.code}/",
                 "/manage/people/", f"/manage/people/{people.filler.pk}/", "/manage/security-log/",
                 "/manage/change-log/", "/review/notifications/", f"/reports/{draft.pk}/"):
        assert_no_violations(page, live_server.url + path, screen)
    page.context.clear_cookies()
    login(page, people.head)
    for path in ("/review/inbox/", f"/review/{draft.pk}/"):
        assert_no_violations(page, live_server.url + path, screen)
