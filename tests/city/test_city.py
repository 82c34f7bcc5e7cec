"""A city on one deployment (issue 14.2): the 市管理员 reads every district's board and summary and
compiles the city's summary; each district's administrators see and manage only their own."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from agencies.models import City, District, Role, RoleAssignment
from agencies.selectors import user_roles
from reports.city.selectors import city_summary
from reports.summary.summary import district_summary
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_city_summary_adds_up_the_districts_published_reports(city):
    result = city_summary(city["city"], 2025)
    dong = district_summary(city["dong_year"])
    xi = district_summary(city["xi_year"])
    assert [d.reporting_year for d in result.districts] == [city["dong_year"], city["xi_year"]]
    assert result.bodies == 3 and len(xi.bodies) == 1  # 西城's draft is not summed
    assert result.missing == 1
    for cell_id in result.format.cells():
        values = [v for v in (dong.sums.get(cell_id), xi.sums.get(cell_id)) if v is not None]
        expected = sum(values, Decimal(0) if any(isinstance(v, Decimal) for v in values) else 0) if values else None
        assert result.sums.get(cell_id) == expected, cell_id
    assert any(result.sums.values())  # the fixture's reports are not empty


def test_a_district_in_another_format_is_listed_apart_not_summed(city):
    city["xi_year"].format_version = "2019"
    city["xi_year"].save()
    result = city_summary(city["city"], 2025)
    assert [d.reporting_year for d in result.districts] == [city["dong_year"]]
    assert result.apart == [city["xi_year"]]


def _status(client, user, url, method="get"):
    client.force_login(user)
    return getattr(client, method)(url).status_code


def test_permission_matrix_across_two_districts(client, people, city):
    dong, xi = city["dong_year"], city["xi_year"]
    cell = next(iter(dong.format.cells()))
    read = {
        "city home": reverse("city:home"),
        "city summary": reverse("city:summary", args=["110000", 2025]),
        "city cell": reverse("city:drilldown", args=["110000", 2025, cell]),
        "东城 board": reverse("district:board", args=[dong.pk]),
        "西城 board": reverse("district:board", args=[xi.pk]),
        "东城 summary": reverse("summary:summary", args=[dong.pk]),
        "西城 summary": reverse("summary:summary", args=[xi.pk]),
        "西城 cell": reverse("summary:drilldown", args=[xi.pk, cell]),
        "西城 board xlsx": reverse("district:board_export", args=[xi.pk]),
        "西城 flags": reverse("summary:flags", args=[xi.pk]),
        "西城 report": reverse("reports:overview", args=[city["xi_reports"][0].pk]),
        "西城 schedule": reverse("district:year_schedule", args=[xi.pk]),
        "西城 bodies": reverse("agencies:body_list"),
    }
    who = {"东城 admin": people.admin, "西城 admin": city["xi_admin"], "市管理员": city["city_admin"],
           "上海 市管理员": city["other_city_admin"], "东城 filler": people.filler, "东城 head": people.head,
           "东城 director": people.director, "西城 filler": city["xi_filler"]}
    expected = {
        "东城 admin": {"东城 board": 200, "东城 summary": 200, "西城 board": 404, "西城 summary": 404,
                     "西城 cell": 404, "西城 board xlsx": 404, "西城 flags": 404, "西城 report": 404,
                     "西城 schedule": 404, "西城 bodies": 200, "city home": 403, "city summary": 403,
                     "city cell": 403},
        "西城 admin": {"东城 board": 404, "东城 summary": 404, "西城 board": 200, "西城 summary": 200,
                     "西城 cell": 200, "西城 board xlsx": 200, "西城 flags": 200, "西城 report": 200,
                     "西城 schedule": 200, "西城 bodies": 200, "city home": 403, "city summary": 403,
                     "city cell": 403},
        "市管理员": {"东城 board": 200, "东城 summary": 200, "西城 board": 200, "西城 summary": 200,
                  "西城 cell": 200, "西城 board xlsx": 200, "西城 flags": 200, "西城 report": 200,
                  "西城 schedule": 403, "西城 bodies": 403, "city home": 200, "city summary": 200,
                  "city cell": 200},
        "上海 市管理员": {"东城 board": 404, "东城 summary": 404, "西城 board": 404, "西城 summary": 404,
                     "西城 cell": 404, "西城 board xlsx": 404, "西城 flags": 404, "西城 report": 404,
                     "西城 schedule": 403, "西城 bodies": 403, "city home": 200, "city summary": 404,
                     "city cell": 404},
    }
    for role in ("东城 filler", "东城 head", "东城 director", "西城 filler"):
        expected[role] = {name: 404 if name == "西城 report" else 403 for name in read}
    expected["西城 filler"]["西城 report"] = 200
    seen = {role: {name: _status(client, user, url) for name, url in read.items()} for role, user in who.items()}
    wrong = {(role, name): (seen[role][name], expected[role][name])
             for role in seen for name in read if seen[role][name] != expected[role][name]}
    assert not wrong, "(role, page): (seen, expected)"
    client.logout()
    for url in read.values():
        assert client.get(url).status_code == 302  # anonymous: to the sign-in page


def test_the_city_administrator_only_reads(client, city):
    """Changes stay with the district's own administrators: the reminder and the year's schedule are
    refused, and the board shows neither."""
    xi = city["xi_year"]
    assert _status(client, city["city_admin"], reverse("district:remind", args=[xi.pk]), "post") == 403
    page = client.get(reverse("district:board", args=[xi.pk])).content.decode()
    assert "一键催报" not in page and "修改截止日期" not in page and "北京市西城区" in page
    client.force_login(city["xi_admin"])
    page = client.get(reverse("district:board", args=[xi.pk])).content.decode()
    assert "一键催报" in page and "修改截止日期" in page


def test_a_district_administrator_cannot_grant_the_city_role(client, people):
    client.force_login(people.admin)
    page = client.get(reverse("agencies:person_detail", args=[people.filler.pk])).content.decode()
    assert 'value="district_admin"' in page and 'value="city_admin"' not in page
    response = client.post(reverse("agencies:role_assign", args=[people.filler.pk]),
                           {"role": "city_admin", "start_date": "2026-01-01"})
    assert response.status_code in (200, 400)
    assert not RoleAssignment.objects.filter(user=people.filler, role=Role.CITY_ADMIN).exists()


def test_city_command_sets_up_a_city_and_its_administrator(people):
    admin = UserFactory(username="bj.city")
    call_command("city", code="110000", name="北京市", district=[people.district.code], admin=[admin.username])
    call_command("city", code="110000", district=[people.district.code], admin=[admin.username])  # idempotent
    city = City.objects.get(code="110000")
    assert District.objects.get(pk=people.district.pk).city == city
    assert RoleAssignment.objects.filter(user=admin, role=Role.CITY_ADMIN, city=city).count() == 1
    assert user_roles(admin).readable_districts == {people.district.pk}
