"""Every new view of district administration, for every role: only the 区管理员 of that district.

Others signed in get 403; the 区管理员 of another district gets 404 for anything of this district;
anonymous people are sent to the login page. POSTs change nothing when refused.
"""

import pytest
from django.urls import reverse

from agencies.models import AdminAction, RoleAssignment
from reports.models import ReportEvent
from tests.factories import DistrictFactory, RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "filler", "head", "director", "other_filler", "foreign_admin", "admin"]


@pytest.fixture
def world(people):
    year = ReportingYearFactory(district=people.district, year=2025)
    AnnualReportFactory(reporting_year=year, body=people.body, published=True)
    AnnualReportFactory(reporting_year=year, body=people.other_body)
    foreign = RoleAssignmentFactory(district_admin=True,
                                    district=DistrictFactory(code="110102", name="北京市西城区")).user
    assignment = RoleAssignment.objects.get(user=people.filler)
    return {"people": people, "year": year, "foreign_admin": foreign, "assignment": assignment}


def _user(world, role):
    if role == "foreign_admin":
        return world["foreign_admin"]
    return getattr(world["people"], role)


# (url name, args builder, method, data, scoped): scoped views are 404 for another district's admin.
def _views(world):
    year, people = world["year"].pk, world["people"]
    return [
        ("district:progress", (), "get", None, False),
        ("district:years", (), "get", None, False),
        ("district:year_open", (), "get", None, False),
        ("district:year_schedule", (year,), "get", None, True),
        ("district:board", (year,), "get", None, True),
        ("district:board_export", (year,), "get", None, True),
        ("district:remind", (year,), "post", {}, True),
        ("district:year_new_bodies", (year,), "post", {"bodies": str(people.other_body.pk)}, True),
        ("summary:latest", (), "get", None, False),
        ("summary:summary", (year,), "get", None, True),
        ("summary:drilldown", (year, "s3.R1.G"), "get", None, True),
        ("summary:xlsx", (year,), "get", None, True),
        ("summary:flags", (year,), "get", None, True),
        ("agencies:body_detail", ("donghuashi",), "get", None, True),
        ("agencies:body_rename", ("donghuashi",), "post", {"new_name": "改名", "effective": "2025-06-01"}, True),
        ("agencies:body_close", ("donghuashi",), "post", {"active_to": "2025-06-01", "confirm": "on"}, True),
        ("agencies:person_detail", (people.filler.pk,), "get", None, True),
        ("agencies:person_update", (people.filler.pk,), "post",
         {"full_name": "改", "email": "", "phone": "", "is_active": "on"}, True),
        ("agencies:person_password", (people.filler.pk,), "post", {"password": ""}, True),
        ("agencies:role_assign", (people.filler.pk,), "post",
         {"role": "dept_head", "body": people.body.pk, "start_date": "2025-01-01"}, True),
        ("agencies:role_end", (world["assignment"].pk,), "post", {"end_date": "2025-12-31"}, True),
    ]


def _all_views():
    return list(range(21))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", _all_views())
def test_only_the_district_admin_of_that_district(client, world, role, index):
    name, args, method, data, scoped = _views(world)[index]
    if role != "anonymous":
        client.force_login(_user(world, role))
    before = (AdminAction.objects.count(), ReportEvent.objects.filter(kind="reminded").count())
    url = reverse(name, args=args)
    response = client.post(url, data) if method == "post" else client.get(url)
    if role == "admin":
        assert response.status_code in (200, 302), (name, response.status_code)
        return
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    elif role == "foreign_admin" and scoped:
        assert response.status_code == 404
    elif role == "foreign_admin":
        assert response.status_code in (200, 302)
        assert "东花市" not in response.content.decode()
    else:
        assert response.status_code == 403
    assert (AdminAction.objects.count(), ReportEvent.objects.filter(kind="reminded").count()) == before


def test_views_table_is_complete(world):
    assert len(_views(world)) == len(_all_views())


def test_foreign_admin_sees_only_own_years(client, world):
    own = ReportingYearFactory(district=world["foreign_admin"].role_assignments.first().district, year=2025)
    client.force_login(world["foreign_admin"])
    html = client.get(reverse("district:years")).content.decode()
    assert reverse("district:board", args=[own.pk]) in html
    assert reverse("district:board", args=[world["year"].pk]) not in html
