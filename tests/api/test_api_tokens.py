"""Who may call: no, unknown, revoked or expired token → 401; a missing scope → 403; too many calls → 429
with Retry-After; each a JSON error, and each call recorded with its token, path, status, time and IP."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiCall, ApiToken, Scope
from api.services import api_token_revoke, secret_digest
from config.append_only import AppendOnly

pytestmark = pytest.mark.django_db

ENDPOINTS = ["districts/", "bodies/", "years/", "reports/", "reports/{pk}/", "reports/{pk}/values/",
             "reports/{pk}/timeline/", "summaries/110101/2025/"]


def _paths(world):
    return [p.format(pk=world["published"].pk) for p in ENDPOINTS]


def test_the_secret_is_stored_hashed(api_world, issue_token):
    issued = issue_token()
    token = ApiToken.objects.get()
    assert issued.secret.startswith("nb_") and len(issued.secret) > 40
    assert token.secret_hash == secret_digest(issued.secret) and issued.secret not in str(token.__dict__)
    assert issued.secret.startswith(token.prefix)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nb_not-a-token", "Token abc", "Bearer a b",
                                    "Bearer nb_\u00e9"])
def test_without_a_valid_token_every_endpoint_is_401(client, api_world, header):
    for path in _paths(api_world):
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        response = client.get(f"/api/v1/{path}", **extra)
        assert response.status_code == 401, (path, header)
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json()["detail"]
    assert ApiCall.objects.filter(token=None, status=401).count() == len(ENDPOINTS)


def test_a_revoked_token_is_refused(api, api_world, issue_token, people):
    issued = issue_token(scopes=[Scope.READ, Scope.TIMELINES])
    assert api("districts/", issued.secret).status_code == 200
    api_token_revoke(token=issued.token, by=people.admin)
    for path in _paths(api_world):
        response = api(path, issued.secret)
        assert response.status_code == 401
        assert response.json() == {"detail": "令牌已被吊销。"}
    assert ApiCall.objects.filter(status=401).count() == len(ENDPOINTS)


def test_an_expired_token_is_refused(api, api_world, issue_token):
    issued = issue_token(days=1)
    assert api("districts/", issued.secret).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api("districts/", issued.secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "令牌已过期。"}


def test_timelines_need_their_scope(api, api_world, issue_token):
    read_only = issue_token(scopes=[Scope.READ]).secret
    path = f"reports/{api_world['published'].pk}/timeline/"
    response = api(path, read_only)
    assert response.status_code == 403
    assert response.json() == {"detail": "此令牌没有访问该接口的权限范围。"}
    assert ApiCall.objects.filter(status=403, path=f"/api/v1/{path}").count() == 1
    # A token for timelines only reads nothing else.
    timelines_only = issue_token(scopes=[Scope.TIMELINES]).secret
    assert api(path, timelines_only).status_code == 200
    assert api("reports/", timelines_only).status_code == 403


def test_the_rate_is_limited_per_token(api, api_world, issue_token, settings):
    settings.NIANBAO_API_RATE = "3/min"
    first, second = issue_token().secret, issue_token(name="评估机构").secret
    assert [api("districts/", first).status_code for _ in range(3)] == [200, 200, 200]
    response = api("districts/", first)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"] == f"调用过于频繁，请 {response['Retry-After']} 秒后再试。"
    # Another token has its own count.
    assert api("districts/", second).status_code == 200
    assert ApiCall.objects.filter(status=429).count() == 1


def test_every_call_is_recorded_and_the_record_is_append_only(api, api_world, issue_token, settings):
    settings.NIANBAO_TRUSTED_PROXY_COUNT = 1
    issued = issue_token()
    api("years/", issued.secret, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.8.7")
    api("years/", "nb_wrong")
    calls = list(ApiCall.objects.order_by("pk").values_list("token", "path", "status", "ip_address"))
    assert calls == [(issued.token.pk, "/api/v1/years/", 200, "10.9.8.7"), (None, "/api/v1/years/", 401, "127.0.0.1")]
    call = ApiCall.objects.first()
    assert isinstance(call, AppendOnly) and call.created_at <= timezone.now()
    with pytest.raises(ValueError, match="只能追加"):
        call.save()
    with pytest.raises(ValueError, match="只能追加"):
        call.delete()


def test_the_schema_is_public_and_valid(client):
    from drf_spectacular.validation import validate_schema

    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # the OpenAPI 3 specification's JSON schema; raises on any error
    paths = set(schema["paths"])
    assert paths == {"/api/v1/districts/", "/api/v1/bodies/", "/api/v1/years/", "/api/v1/reports/",
                     "/api/v1/reports/{id}/", "/api/v1/reports/{id}/values/", "/api/v1/reports/{id}/timeline/",
                     "/api/v1/summaries/{district}/{year}/", "/api/v1/city-summaries/{city}/{year}/"}
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert all(op["security"] == [{"BearerToken": []}] for item in schema["paths"].values() for op in item.values())
    assert all(set(item) == {"get"} for item in schema["paths"].values())  # read-only
    assert list(ApiCall.objects.values_list("token", "path", "status")) == [(None, "/api/v1/schema/?format=json", 200)]


def test_the_schema_generation_has_no_warning():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_nothing_but_get(api, api_world, issue_token, client):
    secret = issue_token().secret
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/reports/", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 405
