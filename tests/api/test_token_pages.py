"""The 「接口令牌」 pages, for every role: only a 区管理员, and only their own district's tokens.

Others signed in get 403, anonymous people the login page; another district's administrator sees
none of this district's tokens and cannot revoke one (404). Refused POSTs change nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import AdminAction
from api.models import ApiToken
from tests.factories import DistrictFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "filler", "head", "director", "other_filler", "foreign_admin", "admin"]


@pytest.fixture
def world(people, issue_token):
    foreign = RoleAssignmentFactory(district_admin=True,
                                    district=DistrictFactory(code="110102", name="北京市西城区")).user
    return {"people": people, "issued": issue_token(name="东城的令牌"), "foreign_admin": foreign}


def _login(client, world, role):
    if role != "anonymous":
        user = world["foreign_admin"] if role == "foreign_admin" else getattr(world["people"], role)
        client.force_login(user)


def _create_data(**overrides):
    return {"name": "市公开办", "scopes": ["read"],
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(), **overrides}


def _refused(response, role):
    if role == "anonymous":
        return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    return response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_list(client, world, role):
    _login(client, world, role)
    response = client.get(reverse("api_tokens:list"))
    if role in ("admin", "foreign_admin"):
        assert response.status_code == 200
        assert ("东城的令牌" in response.content.decode()) is (role == "admin")
    else:
        assert _refused(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_creating(client, world, role):
    _login(client, world, role)
    before = ApiToken.objects.count()
    response = client.post(reverse("api_tokens:create"), _create_data())
    if role in ("admin", "foreign_admin"):
        assert response.status_code == 200
        token = ApiToken.objects.latest("pk")
        district = world["people"].district if role == "admin" else world["foreign_admin"].role_assignments.get().district
        assert list(token.districts.all()) == [district]
        assert AdminAction.objects.filter(kind="api_token_created", district=district).exists()
    else:
        assert _refused(response, role)
        assert ApiToken.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_revoking(client, world, role):
    _login(client, world, role)
    token = world["issued"].token
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    if role == "admin":
        assert response.status_code == 302 and token.revoked_at is not None
        assert AdminAction.objects.filter(kind="api_token_revoked").count() == 1
    else:
        assert response.status_code == 404 if role == "foreign_admin" else _refused(response, role)
        assert token.revoked_at is None


def test_pages_only_show_and_actions_only_post(client, world):
    client.force_login(world["people"].admin)
    assert client.post(reverse("api_tokens:list")).status_code == 405
    assert client.get(reverse("api_tokens:create")).status_code == 405
    assert client.get(reverse("api_tokens:revoke", args=[world["issued"].token.pk])).status_code == 405


@pytest.mark.parametrize(("data", "message"), [
    ({"name": ""}, "必填"),
    ({"name": "a\u202eb"}, "控制字符"),
    ({"scopes": []}, "请至少选择一项权限范围"),
    ({"scopes": ["admin"]}, "不在可用的选项中"),
    ({"expires_on": "2020-01-01"}, "有效期不能早于今天"),
    ({"expires_on": "2099-01-01"}, "最长 366 天"),
    ({"expires_on": "明天"}, "日期"),
])
def test_bad_input_is_refused_with_a_message(client, world, data, message):
    client.force_login(world["people"].admin)
    before = ApiToken.objects.count()
    response = client.post(reverse("api_tokens:create"), _create_data(**data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ApiToken.objects.count() == before


def test_revoking_twice_says_so(client, world):
    client.force_login(world["people"].admin)
    url = reverse("api_tokens:revoke", args=[world["issued"].token.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "已于此前吊销" in response.content.decode()
    assert AdminAction.objects.filter(kind="api_token_revoked").count() == 1
