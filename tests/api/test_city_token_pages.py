"""The 「接口令牌」 page of a 市管理员, for every role, across two cities (issue 14.5).

A 市管理员 issues tokens for all or some of their city's districts and revokes them; a 区管理员 keeps
issuing for their own district only; each sees the tokens that read their districts but revokes only
those of their own level; nobody issues a token for a district outside their reach (a forged POST is
refused with a message and stores nothing); everyone else is refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import AdminAction
from api.models import ApiToken

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "filler", "head", "director", "东城 admin", "西城 admin", "city admin", "上海 city admin",
         "上海 黄浦 admin", "西城 filler"]


@pytest.fixture
def world(two_cities, issue_token, people):
    w = two_cities
    return {
        **w,
        "city token": issue_token(districts=[w["dongcheng"], w["xicheng"]], by=w["city_admin"], name="北京的令牌"),
        "东城 token": issue_token(district=w["dongcheng"], by=people.admin, name="东城的令牌"),
        "西城 token": issue_token(district=w["xicheng"], by=w["xi_admin"], name="西城的令牌"),
        "上海 token": issue_token(districts=[w["huangpu"]], by=w["other_city_admin"], name="上海的令牌"),
        "users": {"filler": people.filler, "head": people.head, "director": people.director,
                  "东城 admin": people.admin, "西城 admin": w["xi_admin"], "city admin": w["city_admin"],
                  "上海 city admin": w["other_city_admin"], "上海 黄浦 admin": w["hp_admin"],
                  "西城 filler": w["xi_filler"]},
    }


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])


def _refused(response, role):
    if role == "anonymous":
        return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    return response.status_code == 403


def _create_data(**overrides):
    return {"name": "市政府信息公开办公室", "scopes": ["read"],
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(), **overrides}


SEES = {
    "东城 admin": {"北京的令牌", "东城的令牌"},
    "西城 admin": {"北京的令牌", "西城的令牌"},
    "city admin": {"北京的令牌", "东城的令牌", "西城的令牌"},
    "上海 city admin": {"上海的令牌"},
    "上海 黄浦 admin": {"上海的令牌"},
}
ALL_NAMES = {"北京的令牌", "东城的令牌", "西城的令牌", "上海的令牌"}


@pytest.mark.parametrize("role", ROLES)
def test_the_list(client, world, role):
    _login(client, world, role)
    response = client.get(reverse("api_tokens:list"))
    if role not in SEES:
        assert _refused(response, role)
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert {name for name in ALL_NAMES if name in page} == SEES[role]
    revocable = {t.name for t in response.context["tokens"] if getattr(t, "revoke_form", None)}
    assert revocable == {"city admin": {"北京的令牌"}, "上海 city admin": {"上海的令牌"}, "东城 admin": {"东城的令牌"},
                         "西城 admin": {"西城的令牌"}, "上海 黄浦 admin": set()}[role]
    # A 市管理员 chooses among their city's districts; a 区管理员 is offered no choice.
    form = response.context["form"]
    if "city admin" in role:
        assert [c for c, _ in form.fields["districts"].choices] == (
            ["110101", "110102"] if role == "city admin" else ["310101"])
        assert "本市各区的令牌" in page and 'href="/city/"' in page
    else:
        assert "districts" not in form.fields and "本区的令牌" in page


def test_the_city_home_leads_to_the_tokens_page(client, world):
    client.force_login(world["city_admin"])
    assert reverse("api_tokens:list") in client.get(reverse("city:home")).content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_creating_for_the_whole_city(client, world, role):
    _login(client, world, role)
    before = ApiToken.objects.count()
    response = client.post(reverse("api_tokens:create"), _create_data(districts=["110101", "110102"]))
    if role == "city admin":
        assert response.status_code == 200
        token = ApiToken.objects.latest("pk")
        assert token.city == world["city"] and {d.code for d in token.districts.all()} == {"110101", "110102"}
        assert "北京市东城区" in response.content.decode() and "北京市西城区" in response.content.decode()
        # Each district's 操作记录 says the city's token reads it.
        for district in (world["dongcheng"], world["xicheng"]):
            action = AdminAction.objects.get(kind="api_token_created", district=district, data__token=token.pk)
            assert "北京市的令牌" in action.summary and action.actor == world["city_admin"]
    elif role in SEES:  # an administrator of elsewhere: refused with a message, nothing stored
        assert response.status_code == 400
        assert "不在您的管理范围内" in response.content.decode()
        assert ApiToken.objects.count() == before
    else:
        assert _refused(response, role)
        assert ApiToken.objects.count() == before


def test_a_district_admin_issues_for_their_own_district_only(client, world, people):
    client.force_login(people.admin)
    assert client.post(reverse("api_tokens:create"), _create_data()).status_code == 200
    token = ApiToken.objects.latest("pk")
    assert token.city is None and [d.code for d in token.districts.all()] == ["110101"]


def test_a_city_admin_may_choose_some_districts(client, world):
    client.force_login(world["city_admin"])
    response = client.post(reverse("api_tokens:create"), _create_data(districts=["110102"]))
    assert response.status_code == 200
    token = ApiToken.objects.latest("pk")
    assert token.city == world["city"] and [d.code for d in token.districts.all()] == ["110102"]
    assert not AdminAction.objects.filter(kind="api_token_created", district=world["dongcheng"],
                                          data__token=token.pk).exists()


@pytest.mark.parametrize(("role", "data", "message"), [
    ("city admin", {}, "请至少选择一个区"),
    ("city admin", {"districts": []}, "请至少选择一个区"),
    ("city admin", {"districts": ["110101", "310101"]}, "区“310101”不在您的管理范围内"),
    ("city admin", {"districts": ["no-such"]}, "区“no-such”不在您的管理范围内"),
    ("city admin", {"districts": ["110101"], "expires_on": "2020-01-01"}, "有效期不能早于今天"),
    ("city admin", {"districts": ["110101"], "expires_on": ""}, "必填"),
    ("city admin", {"districts": ["110101"], "scopes": []}, "请至少选择一项权限范围"),
    ("上海 city admin", {"districts": ["110101"]}, "区“110101”不在您的管理范围内"),
    ("东城 admin", {"districts": ["110102"]}, "区“110102”不在您的管理范围内"),
    ("东城 admin", {"districts": ["310101"]}, "区“310101”不在您的管理范围内"),
    ("东城 admin", {"expires_on": "2020-01-01"}, "有效期不能早于今天"),
])
def test_bad_input_is_refused_with_a_message(client, world, role, data, message):
    client.force_login(world["users"][role])
    before = ApiToken.objects.count(), AdminAction.objects.count()
    response = client.post(reverse("api_tokens:create"), _create_data(**data))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "未创建：请按提示修改后重新提交。" in page
    assert (ApiToken.objects.count(), AdminAction.objects.count()) == before
    assert "市政府信息公开办公室" in page  # what was typed is kept


@pytest.mark.parametrize("role", ROLES)
def test_revoking_the_city_token(client, world, role):
    _login(client, world, role)
    token = world["city token"].token
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]), follow=False)
    token.refresh_from_db()
    if role == "city admin":
        assert response.status_code == 302 and token.revoked_at is not None and token.revoked_by == world["city_admin"]
        assert AdminAction.objects.filter(kind="api_token_revoked", data__token=token.pk).count() == 2
        return
    assert token.revoked_at is None
    if role in ("东城 admin", "西城 admin"):  # reads their district: shown, but the city's to revoke
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "只有北京市的市管理员可以吊销" in page
    elif role in SEES:
        assert response.status_code == 404
    else:
        assert _refused(response, role)
    assert not AdminAction.objects.filter(kind="api_token_revoked").exists()


@pytest.mark.parametrize("role", ROLES)
def test_revoking_a_district_token(client, world, role):
    _login(client, world, role)
    token = world["西城 token"].token
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    if role == "西城 admin":
        assert response.status_code == 302 and token.revoked_at is not None
        return
    assert token.revoked_at is None
    if role == "city admin":  # the city reads its districts, it does not manage them
        assert response.status_code == 302
        assert "只有北京市西城区的区管理员可以吊销" in client.get(response["Location"]).content.decode()
    elif role in SEES:
        assert response.status_code == 404
    else:
        assert _refused(response, role)


@pytest.mark.parametrize(("who", "districts", "message"), [
    ("city admin", ["huangpu"], "不能为您管理范围以外的区创建令牌"),
    ("city admin", ["dongcheng", "huangpu"], "不能为您管理范围以外的区创建令牌"),
    ("city admin", [], "请至少选择一个区"),
    ("东城 admin", ["xicheng"], "不能为您管理范围以外的区创建令牌"),
    ("filler", ["dongcheng"], "不能为您管理范围以外的区创建令牌"),
])
def test_the_service_itself_refuses_districts_outside_reach(world, who, districts, message):
    """Not only the form: api_token_create checks the issuer's reach in its own transaction."""
    from agencies.errors import AdminError
    from api.services import api_token_create

    before = ApiToken.objects.count(), AdminAction.objects.count()
    with pytest.raises(AdminError, match=message):
        api_token_create(districts=[world[d] for d in districts], name="伪造", scopes=["read"],
                         expires_at=timezone.now() + timedelta(days=1), by=world["users"][who])
    assert (ApiToken.objects.count(), AdminAction.objects.count()) == before
