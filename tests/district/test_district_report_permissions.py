"""The district report's own pages, for every role: only the 区管理员 of that district. Others signed
in get 403 (the 区政府's own reviewers included: they review it from their inbox), another district's
administrator 404, anonymous people the login page; a refused start changes nothing."""

import pytest
from django.urls import reverse

from agencies.models import AdminAction, Role
from reports.district_report.models import DistrictReport
from reports.district_report.services import district_government_ensure, district_report_start
from tests.factories import DistrictFactory, RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "filler", "head", "director", "other_filler", "gov_head", "gov_director", "foreign_admin",
         "admin"]


@pytest.fixture
def world(people):
    year = ReportingYearFactory(district=people.district, year=2025)
    started_year = ReportingYearFactory(district=people.district, year=2024)
    for reporting_year in (year, started_year):
        AnnualReportFactory(reporting_year=reporting_year, body=people.body, published=True)
        AnnualReportFactory(reporting_year=reporting_year, body=people.other_body)
    gov = district_government_ensure(district=people.district, by=people.admin)
    users = {
        "gov_head": RoleAssignmentFactory(user__username="t.gov_head", role=Role.DEPT_HEAD, body=gov).user,
        "gov_director": RoleAssignmentFactory(user__username="t.gov_dir", role=Role.DIRECTOR, body=gov).user,
        "foreign_admin": RoleAssignmentFactory(district_admin=True,
                                               district=DistrictFactory(code="110102", name="北京市西城区")).user,
    }
    started = district_report_start(reporting_year=started_year, by=people.admin)
    return {"people": people, "year": year, "started": started, **users}


def _user(world, role):
    return world[role] if role in world else getattr(world["people"], role)


VIEWS = [
    ("district_report:start", "year", "get"),
    ("district_report:start", "year", "post"),
    ("district_report:detail", "started", "get"),
    ("summary:summary", "year", "get"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,arg,method", VIEWS)
def test_only_the_district_admin_of_that_district(client, world, role, name, arg, method):
    if role != "anonymous":
        client.force_login(_user(world, role))
    before = (DistrictReport.objects.count(), AdminAction.objects.count())
    url = reverse(name, args=[world[arg].pk])
    response = client.post(url, {}) if method == "post" else client.get(url)
    if role == "admin":
        assert response.status_code == (302 if method == "post" else 200), response.status_code
        if method == "post":
            assert DistrictReport.objects.filter(reporting_year=world["year"]).exists()
        return
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    elif role == "foreign_admin":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert (DistrictReport.objects.count(), AdminAction.objects.count()) == before


def test_the_start_page_lists_the_missing_bodies_and_the_reviewers(client, world):
    people = world["people"]
    client.force_login(people.admin)
    html = client.get(reverse("district_report:start", args=[world["year"].pk])).content.decode()
    assert "天坛街道办事处" in html and "2026年3月31日" in html
    assert world["gov_head"].display_name in html and world["gov_director"].display_name in html
    summary = client.get(reverse("summary:summary", args=[world["year"].pk])).content.decode()
    assert reverse("district_report:start", args=[world["year"].pk]) in summary
    started = client.get(reverse("summary:summary", args=[world["started"].reporting_year.pk])).content.decode()
    assert reverse("district_report:detail", args=[world["started"].pk]) in started


def test_a_second_start_goes_to_the_report_already_started(client, world):
    client.force_login(world["people"].admin)
    year = world["started"].reporting_year
    response = client.post(reverse("district_report:start", args=[year.pk]), {})
    assert response["Location"] == reverse("district_report:detail", args=[world["started"].pk])
    assert DistrictReport.objects.filter(reporting_year=year).count() == 1


def test_the_detail_page_links_each_prefilled_figure_to_the_drilldown(client, world):
    client.force_login(world["people"].admin)
    started = world["started"]
    html = client.get(reverse("district_report:detail", args=[started.pk])).content.decode()
    drill = reverse("summary:drilldown", args=[started.reporting_year.pk, "s3.R1.G"])
    assert drill in html and "天坛街道办事处" in html and "2025年3月31日" in html
    assert client.get(drill).status_code == 200
