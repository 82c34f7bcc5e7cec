"""The API with a 市管理员's token (issue 14.5, across two cities): a city token reads every district of
its city (or the ones chosen) and the city's summary, nothing of another city; a district token still
reads only its district; revoked and expired city tokens are refused; every call is recorded and rated."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from api.models import ApiCall, ApiToken, Scope
from api.services import api_token_revoke
from reports.city.selectors import city_summary

pytestmark = pytest.mark.django_db

DONG, XI, HP = "110101", "110102", "310101"


@pytest.fixture
def tokens(two_cities, issue_token, people):
    w = two_cities
    both = [Scope.READ, Scope.TIMELINES]
    return {
        "北京 all": issue_token(districts=[w["dongcheng"], w["xicheng"]], by=w["city_admin"], scopes=both),
        "北京 西城 only": issue_token(districts=[w["xicheng"]], by=w["city_admin"], scopes=both),
        "东城 district": issue_token(district=w["dongcheng"], by=people.admin, scopes=both),
        "西城 district": issue_token(district=w["xicheng"], by=w["xi_admin"], scopes=both),
        "上海 all": issue_token(districts=[w["huangpu"]], by=w["other_city_admin"], scopes=both),
    }


READS = {"北京 all": {DONG, XI}, "北京 西城 only": {XI}, "东城 district": {DONG}, "西城 district": {XI},
         "上海 all": {HP}}


def test_city_tokens_hold_their_city_and_district_tokens_none(tokens, two_cities):
    assert tokens["北京 all"].token.city == two_cities["city"]
    assert tokens["北京 西城 only"].token.city == two_cities["city"]
    assert tokens["上海 all"].token.city.code == "310000"
    assert tokens["东城 district"].token.city is None and tokens["西城 district"].token.city is None


@pytest.mark.parametrize("name", list(READS))
def test_each_token_reads_exactly_its_districts(api, tokens, two_cities, name):
    secret, reads = tokens[name].secret, READS[name]
    districts = api("districts/", secret).json()
    assert {d["code"] for d in districts} == reads
    assert all(d["city"] == ("310000" if HP in reads else "110000") for d in districts)
    assert {b["district"] for b in api("bodies/?page_size=500", secret).json()["results"]} == reads
    assert {y["district"] for y in api("years/", secret).json()} == reads
    assert {r["district"] for r in api("reports/?year=2025", secret).json()["results"]} == reads
    # Every district's report, summary and timeline: only within reach; the rest do not exist.
    reports = {DONG: two_cities["dong_reports"][0], XI: two_cities["xi_reports"][0], HP: two_cities["hp_report"]}
    for code, report in reports.items():
        expected = 200 if code in reads else 404
        for path in (f"reports/{report.pk}/", f"reports/{report.pk}/values/", f"reports/{report.pk}/timeline/",
                     f"summaries/{code}/2025/"):
            assert api(path, secret).status_code == expected, (name, path)
    # A district query outside reach is empty, never another district's data.
    outside = ({DONG, XI, HP} - reads).pop()
    assert api(f"reports/?district={outside}", secret).json()["results"] == []
    # The city summary: only a token reading every district of the city.
    beijing = api("city-summaries/110000/2025/", secret)
    shanghai = api("city-summaries/310000/2025/", secret)
    assert beijing.status_code == (200 if name == "北京 all" else 404)
    assert shanghai.status_code == (200 if name == "上海 all" else 404)
    assert ApiCall.objects.filter(token=tokens[name].token).count() == 4 + 4 * 3 + 1 + 2


def test_the_city_summary_is_the_city_pages_own(api, tokens, two_cities):
    expected = city_summary(two_cities["city"], 2025)
    answer = api("city-summaries/110000/2025/", tokens["北京 all"].secret).json()
    assert answer["city_code"] == "110000" and answer["city"] == "北京市" and answer["basis"] == "published"
    assert answer["bodies"] == expected.bodies == 3 and answer["missing"] == 1
    assert [d["district_code"] for d in answer["districts"]] == [DONG, XI]
    assert answer["districts"][1]["missing"] == ["德胜街道办事处"] and answer["apart"] == []
    assert answer["cells"] == {k: (str(v) if isinstance(v, Decimal) else v) for k, v in expected.sums.items()}
    assert any(answer["cells"].values())
    assert [r["id"] for r in answer["rules"]] == [r.rule_id for r in expected.rules]
    # The approved basis counts 西城's draft no more than the page does; a bad basis is a 400.
    approved = api("city-summaries/110000/2025/?basis=approved", tokens["北京 all"].secret).json()
    assert approved["bodies"] == city_summary(two_cities["city"], 2025, basis="approved").bodies
    bad = api("city-summaries/110000/2025/?basis=nonsense", tokens["北京 all"].secret)
    assert bad.status_code == 400 and "basis" in bad.json()
    assert api("city-summaries/110000/2019/", tokens["北京 all"].secret).status_code == 404
    assert api("city-summaries/999999/2025/", tokens["北京 all"].secret).status_code == 404


def test_a_city_token_without_the_timelines_scope_reads_no_timeline(api, two_cities, issue_token):
    w = two_cities
    secret = issue_token(districts=[w["dongcheng"], w["xicheng"]], by=w["city_admin"]).secret
    assert api(f"reports/{w['xi_reports'][0].pk}/", secret).status_code == 200
    response = api(f"reports/{w['xi_reports'][0].pk}/timeline/", secret)
    assert response.status_code == 403 and response.json() == {"detail": "此令牌没有访问该接口的权限范围。"}


def test_revoked_and_expired_city_tokens_are_refused(api, tokens, two_cities):
    revoked, expired = tokens["北京 all"], tokens["北京 西城 only"]
    api_token_revoke(token=revoked.token, by=two_cities["city_admin"])
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for path in ("districts/", "reports/", "city-summaries/110000/2025/", f"summaries/{XI}/2025/"):
        assert api(path, revoked.secret).json() == {"detail": "令牌已被吊销。"}
        assert api(path, expired.secret).json() == {"detail": "令牌已过期。"}
    assert ApiCall.objects.filter(token=None, status=401).count() == 8  # recorded, as no valid token
    # The others still read.
    assert api("districts/", tokens["西城 district"].secret).status_code == 200


def test_the_rate_limit_applies_to_city_tokens(api, tokens, settings):
    settings.NIANBAO_API_RATE = "3/min"
    city_secret = tokens["北京 all"].secret
    assert [api("districts/", city_secret).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = api("city-summaries/110000/2025/", city_secret)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert api("districts/", tokens["上海 all"].secret).status_code == 200  # counted per token
    assert list(ApiCall.objects.filter(token=tokens["北京 all"].token).order_by("pk")
                .values_list("status", flat=True)) == [200, 200, 200, 429, 429]
