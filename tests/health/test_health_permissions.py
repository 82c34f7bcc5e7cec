"""The 体检 adds no view: it shows inside pages whose permissions are unchanged. Who may open the
overview, the review page and the board sees it there; nobody else sees any of it."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import ReportStatus
from tests.factories import DistrictFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "filler", "head", "director", "admin", "other_filler", "other_admin"]


def _client(people, role):
    client = Client()
    if role == "other_admin":
        other = DistrictFactory(code="110102", name="北京市西城区")
        client.force_login(RoleAssignmentFactory(user__username="x.admin", district_admin=True, district=other).user)
    elif role != "anonymous":
        client.force_login(getattr(people, role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ["reports:overview", "review:report", "district:board"])
def test_the_health_check_is_where_the_page_is_allowed(people, clean_report, open_year, role, view):
    clean_report.status = ReportStatus.PENDING_HEAD
    clean_report.save()
    arg = open_year.pk if view == "district:board" else clean_report.pk
    response = _client(people, role).get(reverse(view, args=[arg]))
    readers = {"admin"} if view == "district:board" else {"filler", "head", "director", "admin"}
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    if role not in readers:
        assert response.status_code in (403, 404)
        assert "年报体检" not in response.content.decode() and "体检得分" not in response.content.decode()
        return
    assert response.status_code == 200
    page = response.content.decode()
    if view == "district:board":
        assert "体检得分" in page and 'data-score="100"' in page
    else:
        assert 'id="health-score" data-score="100"' in page
