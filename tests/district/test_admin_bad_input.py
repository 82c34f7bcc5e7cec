"""Bad input in the 区管理员's forms: a clear message, never a 500, nothing stored (issue 11.6).

Each text field of each form gets a NUL, a control character, a bidirectional override, 200 KB of
text and invalid UTF-8; the searches and filters get the same in their query string; the addresses
get a forged code and a 20-digit id.
"""

import pytest
from django.urls import reverse

from agencies.models import AdminAction, Body, User
from reports.models import ReportingYear
from tests.report_factories import ReportingYearFactory

pytestmark = pytest.mark.django_db

BAD = {
    "nul": "名\x00字",
    "bell": "名\x07字",
    "newline": "名\n字",
    "bidi": "名\u202e字",
    "huge": "长" * 200_000,
}


def _forms(people, year):
    filler = people.filler.pk
    return {
        "body_create": (reverse("agencies:body_create"), {
            "code": "new-body", "name": "新单位", "short_name": "", "kind": "street_office",
            "active_from": "2026-01-01"}, ["code", "name", "short_name"]),
        "body_rename": (reverse("agencies:body_rename", args=["donghuashi"]), {
            "new_name": "新名", "short_name": "", "effective": "2025-06-01"}, ["new_name", "short_name"]),
        "person_create": (reverse("agencies:person_create"), {
            "username": "bad.input", "full_name": "新人", "email": "", "phone": "", "password": "", "role": ""},
            ["username", "full_name", "email", "phone", "password"]),
        "person_update": (reverse("agencies:person_update", args=[filler]), {
            "full_name": "改名", "email": "", "phone": "", "is_active": "on"}, ["full_name", "email", "phone"]),
        "person_password": (reverse("agencies:person_password", args=[filler]), {"password": ""}, ["password"]),
        "year_open": (reverse("district:year_open"), {"year": "2024", "reminder_days": "7"},
                      ["year", "reminder_days", "deadline", "variant"]),
        "year_schedule": (reverse("district:year_schedule", args=[year.pk]), {
            "deadline": "2026-02-01", "reminder_days": "7"}, ["deadline", "reminder_days"]),
    }


def _stored():
    return (AdminAction.objects.count(), ReportingYear.objects.count(),
            list(User.objects.order_by("pk").values_list("full_name", "phone", "email", "password")),
            list(Body.objects.order_by("pk").values_list("name", "short_name")))


@pytest.mark.parametrize("bad", list(BAD))
def test_every_text_field_refuses_bad_input_with_a_message(client, people, bad):
    year = ReportingYearFactory(district=people.district, year=2025)
    client.force_login(people.admin)
    for name, (url, good, fields) in _forms(people, year).items():
        for field in fields:
            before = _stored()
            response = client.post(url, {**good, field: BAD[bad]})
            assert response.status_code == 400, (name, field, response.status_code)
            html = response.content.decode()
            assert "未保存" in html or "alert" in html, (name, field)
            assert any(word in html for word in ("控制字符", "空字符", "不超过", "不能超过", "有效", "合法", "不能包含",
                                                 "必须", "整数", "最多")), (name, field)
            assert _stored() == before, (name, field)


def test_invalid_utf8_is_not_a_500(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("agencies:body_rename", args=["donghuashi"]),
                           data=b"new_name=%ED%A0%80%FF&effective=2025-06-01",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("bad", list(BAD))
def test_searches_and_filters_take_anything(client, people, bad):
    client.force_login(people.admin)
    for url, param in ((reverse("agencies:person_list"), "q"), (reverse("agencies:change_log"), "kind"),
                       (reverse("agencies:security_log"), "kind"), (reverse("agencies:person_list"), "page")):
        response = client.get(url, {param: BAD[bad][:5000]})
        assert response.status_code == 200, (url, param)


@pytest.mark.parametrize("path", [
    "/manage/bodies/%00/", "/manage/bodies/a%07b/", "/manage/bodies/" + "x" * 40 + "/",
    "/manage/people/99999999999999999999/", "/manage/people/99999999999999999999/password/",
    "/district/years/99999999999999999999/schedule/", "/district/years/99999999999999999999/new-bodies/",
])
def test_forged_addresses_are_not_found(client, people, path):
    client.force_login(people.admin)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
