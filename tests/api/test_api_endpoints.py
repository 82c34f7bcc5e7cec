"""Every endpoint of /api/v1/ with a valid token: the right data, and only the token's district."""

import pytest

from api.models import ApiCall, Scope
from portal import opendata
from portal import selectors as portal_selectors
from reports.summary.summary import district_summary

pytestmark = pytest.mark.django_db


def test_districts_are_the_tokens_own(api, api_world, issue_token):
    secret = issue_token().secret
    response = api("districts/", secret)
    assert response.status_code == 200
    assert response.json() == [{"code": "110101", "name": "北京市东城区", "city": None, "city_name": None}]


def test_bodies_of_the_district_only(api, api_world, issue_token):
    secret = issue_token().secret
    data = api("bodies/", secret).json()
    assert data["count"] == 2
    assert {b["code"] for b in data["results"]} == {"donghuashi", "tiantan"}
    donghuashi = next(b for b in data["results"] if b["code"] == "donghuashi")
    assert donghuashi == {"code": "donghuashi", "name": "东花市街道办事处", "short_name": "", "kind": "street_office",
                          "kind_label": "街道办事处", "district": "110101", "active_from": "2019-01-01",
                          "active_to": None}
    # Asking for the other district by its code finds nothing, never its bodies.
    assert api("bodies/?district=110102", secret).json()["count"] == 0


def test_years_with_their_counts(api, api_world, issue_token):
    data = api("years/", issue_token().secret).json()
    assert [(y["district"], y["year"], y["report_count"], y["published_count"]) for y in data] == [
        ("110101", 2025, 2, 1), ("110101", 2024, 1, 1)]
    assert data[0]["deadline"] == "2026-01-31"
    assert data[0]["format_version"] == api_world["year"].format_version


def test_reports_and_their_status(api, api_world, issue_token):
    secret = issue_token().secret
    data = api("reports/?year=2025", secret).json()
    by_code = {r["body"]["code"]: r for r in data["results"]}
    assert set(by_code) == {"donghuashi", "tiantan"}
    published, draft = by_code["donghuashi"], by_code["tiantan"]
    assert (published["status"], published["status_label"], published["published"], published["version"]) == (
        "published", "已发布", True, 1)
    assert (draft["status"], draft["status_label"], draft["published"], draft["version"]) == (
        "draft", "草稿", False, None)
    assert published["id"] == api_world["published"].pk and published["district"] == "110101"
    assert published["title"] == "东花市街道办事处2025年政府信息公开工作年度报告"
    # Every year; filters by status and body.
    assert api("reports/", secret).json()["count"] == 3
    assert [r["id"] for r in api("reports/?status=draft", secret).json()["results"]] == [api_world["draft"].pk]
    assert {r["year"] for r in api("reports/?body=donghuashi", secret).json()["results"]} == {2024, 2025}
    assert api("reports/?body=xichang", secret).json()["count"] == 0


def test_report_detail_with_versions(api, api_world, issue_token):
    report = api_world["published"]
    data = api(f"reports/{report.pk}/", issue_token().secret).json()
    assert data["id"] == report.pk and data["status"] == "published"
    assert [v["version"] for v in data["versions"]] == [1]
    assert data["versions"][0]["sha256"] == report.pdf_versions.get().sha256


def test_published_values_are_the_open_data(api, api_world, issue_token):
    report = api_world["published"]
    data = api(f"reports/{report.pk}/values/", issue_token().secret).json()
    expected = opendata.report_json(portal_selectors.public_report(report.pk))
    assert data == {"id": report.pk, "district": "110101", **expected}
    assert data["cells"] and set(data["cells"]) <= set(report.format.cells())
    assert data["cells"] == report.pdf_versions.get().content["values"]


def test_a_draft_has_no_published_values(api, api_world, issue_token):
    response = api(f"reports/{api_world['draft'].pk}/values/", issue_token().secret)
    assert response.status_code == 404
    assert response.json() == {"detail": "这份报告尚未发布。"}


def test_the_summary_of_a_year(api, api_world, issue_token):
    secret = issue_token().secret
    data = api("summaries/110101/2025/", secret).json()
    expected = district_summary(api_world["year"]).as_json()
    assert data == {"district_code": "110101", **expected}
    assert data["bodies"] == 1 and data["missing"] == ["天坛街道办事处"]
    assert api("summaries/110101/2025/?basis=approved", secret).json()["basis"] == "approved"
    assert api("summaries/110101/2025/?basis=nonsense", secret).status_code == 400
    assert api("summaries/110101/2031/", secret).status_code == 404


def test_the_timeline_with_its_scope(api, api_world, issue_token):
    report = api_world["published"]
    data = api(f"reports/{report.pk}/timeline/", issue_token(scopes=[Scope.READ, Scope.TIMELINES]).secret).json()
    assert [(e["kind"], e["kind_label"], e["actor"], e["comment"]) for e in data] == [
        ("submitted", "提交审核", api_world["people"].filler.display_name, "请审核")]
    assert "ip_address" not in data[0]


@pytest.mark.parametrize("path", ["reports/{pk}/", "reports/{pk}/values/", "reports/{pk}/timeline/"])
def test_another_districts_report_does_not_exist_for_the_token(api, api_world, issue_token, path):
    secret = issue_token(scopes=[Scope.READ, Scope.TIMELINES]).secret
    response = api(path.format(pk=api_world["foreign"].pk), secret)
    assert response.status_code == 404
    assert "西长安街" not in response.content.decode()


def test_another_districts_summary_does_not_exist_for_the_token(api, api_world, issue_token):
    assert api("summaries/110102/2025/", issue_token().secret).status_code == 404


def test_the_other_districts_token_sees_only_its_own(api, api_world, issue_token):
    secret = issue_token(district=api_world["west"], by=api_world["west_admin"], name="西城").secret
    assert api("districts/", secret).json() == [{"code": "110102", "name": "北京市西城区", "city": None, "city_name": None}]
    assert [r["id"] for r in api("reports/", secret).json()["results"]] == [api_world["foreign"].pk]
    assert api(f"reports/{api_world['published'].pk}/", secret).status_code == 404


def test_a_token_with_several_districts_reads_them_all(api, api_world, issue_token):
    """The hook for a city-level token: a token's district set."""
    issued = issue_token()
    issued.token.districts.add(api_world["west"])
    assert [d["code"] for d in api("districts/", issued.secret).json()] == ["110101", "110102"]
    assert api("reports/?year=2025", issued.secret).json()["count"] == 3


@pytest.mark.parametrize(("query", "status"), [
    ("year=abc", 400), ("year=99999", 400), ("status=nope", 400), ("kind=x", 400), ("page=9", 404),
    ("page_size=abc", 200), ("district=%00", 400)])
def test_bad_query_is_a_clear_answer_never_500(api, api_world, issue_token, query, status):
    path = "bodies/" if query.startswith("kind") else "reports/"
    response = api(f"{path}?{query}", issue_token().secret)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()


def test_answers_are_not_cached_and_every_call_is_recorded(api, api_world, issue_token):
    issued = issue_token()
    response = api("districts/", issued.secret, REMOTE_ADDR="10.1.2.3")
    assert "no-store" in response["Cache-Control"]
    call = ApiCall.objects.get()
    assert (call.token, call.method, call.path, call.status, call.ip_address) == (
        issued.token, "GET", "/api/v1/districts/", 200, "10.1.2.3")
    api(f"reports/{api_world['foreign'].pk}/?x=1", issued.secret)
    assert ApiCall.objects.order_by("-pk").values_list("path", "status").first() == (
        f"/api/v1/reports/{api_world['foreign'].pk}/?x=1", 404)
