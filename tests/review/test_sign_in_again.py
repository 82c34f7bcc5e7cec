"""A form posted after the session ended (idle too long): the action is not done, the login page says
so, and signing in leads back to the page the form is on, never to the address the form posts to
(which only takes POST: a blank 405) nor to another site. Such an address opened as a page says what it is."""

import pytest
from django.urls import reverse

from reports.models import ReportStatus
from reports.review.services import report_submit
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

ENDED = "登录已过期（超过30分钟没有操作），刚才的操作没有执行。请重新登录后再操作一次。"


@pytest.fixture
def waiting(report, people):
    report_submit(report=report, by=people.filler)
    return report


def _return(client, report, **headers):
    return client.post(reverse("review:return", args=[report.pk]),
                       {"reason": "请核实。", "expected_status": report.status}, headers=headers)


def test_signing_in_leads_back_to_the_page_the_form_is_on(client, waiting, people):
    page = f"/review/{waiting.pk}/"
    response = _return(client, waiting, Referer=f"http://testserver{page}")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=%2Freview%2F{waiting.pk}%2F"
    login_page = client.get(response["Location"])
    assert ENDED in login_page.content.decode()
    signed_in = client.post(response["Location"], {"username": people.head.username, "password": DEFAULT_PASSWORD})
    assert signed_in["Location"] == page
    assert "退回修改" in client.get(page).content.decode()
    waiting.refresh_from_db()
    assert waiting.status == ReportStatus.PENDING_HEAD  # nothing was done


@pytest.mark.parametrize("referer", [
    None,
    "https://evil.example/review/1/",  # another site
    "http://testserver/review/{pk}/withdraw/",  # an address that only takes POST
    "http://testserver/review/{pk}/return/",  # the form's address, where a refused return is shown
    "http://testserver/accounts/login/",
    "http://testserver/no/such/page/",
])
def test_without_a_page_to_go_back_to_the_login_leads_to_the_workspace(client, waiting, referer):
    headers = {"Referer": referer.format(pk=waiting.pk)} if referer else {}
    response = _return(client, waiting, **headers)
    assert response["Location"] == "/accounts/login/"
    assert ENDED in client.get(response["Location"]).content.decode()


def test_a_form_that_posts_to_its_own_page_comes_back_to_it(client, report, people):
    """The section form posts to the section's page (without JavaScript, autosave aside)."""
    page = reverse("reports:section", args=[report.pk, "s1"])
    response = client.post(page, {}, headers={"Referer": f"http://testserver{page}"})
    assert response["Location"] == f"/accounts/login/?next={page.replace('/', '%2F')}"


def test_for_htmx_the_page_is_the_one_htmx_names(client, waiting):
    response = client.post(reverse("review:approve", args=[waiting.pk]), {}, headers={
        "HX-Request": "true", "HX-Current-URL": f"http://testserver/review/{waiting.pk}/?tab=1",
        "Referer": "http://testserver/workspace/"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/accounts/login/?next=%2Freview%2F{waiting.pk}%2F%3Ftab%3D1"


def test_other_redirects_to_the_login_say_nothing_of_an_ended_session(client, people):
    client.force_login(people.filler)
    response = client.post(reverse("accounts:logout"), headers={"Referer": "http://testserver/workspace/"})
    assert response["Location"] == "/accounts/login/"
    page = client.get(response["Location"]).content.decode()
    assert "登录已过期" not in page and "您已安全退出" in page


def test_a_form_address_opened_as_a_page_says_what_it_is(client, waiting, people):
    client.force_login(people.head)
    response = client.get(reverse("review:return", args=[waiting.pk]))
    assert response.status_code == 405 and response["Allow"] == "POST"
    html = response.content.decode()
    assert "不能直接打开此地址" in html and "没有执行任何操作" in html
    assert f'href="/review/{waiting.pk}/">前往相关页面' in html and "返回工作台" in html
    # A link to the address above it only when that is a page (/accounts/ is not).
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405 and "不能直接打开此地址" in response.content.decode()
    assert "前往相关页面" not in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == ReportStatus.PENDING_HEAD


@pytest.mark.parametrize(("referer", "back"), [
    ("http://testserver/review/{pk}/", "/review/{pk}/"),
    ("https://evil.example/review/{pk}/", None),
    (None, None),
])
def test_a_stale_token_leads_back_to_the_form_page_only_on_this_site(waiting, people, referer, back):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.head)
    headers = {"Referer": referer.format(pk=waiting.pk)} if referer else {}
    response = _return(client, waiting, **headers)
    html = response.content.decode()
    assert response.status_code == 403 and "页面已过期，请刷新后重试" in html and "data-form-not-done" in html
    if back:
        assert f'href="{back.format(pk=waiting.pk)}">返回原页面' in html and "返回首页" not in html
    else:
        assert "返回原页面" not in html and "返回首页" in html
    waiting.refresh_from_db()
    assert waiting.status == ReportStatus.PENDING_HEAD
