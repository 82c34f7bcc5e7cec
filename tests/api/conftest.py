from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import Scope
from api.services import api_token_create
from reports.models import ReportEvent
from tests.city.conftest import city  # noqa: F401  (tests/city's 北京市, used by two_cities)
from tests.factories import BodyFactory, DistrictFactory, RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory


@pytest.fixture
def api_world(people):
    """东城区 (the people's district): 2025 with 东花市 published, 天坛 a draft, 2024 published for 东花市;
    西城区: 2025 with one published report and its own administrator. Nothing of 西城区 may reach a
    东城区 token."""
    previous = ReportingYearFactory(district=people.district, year=2024)
    year = ReportingYearFactory(district=people.district, year=2025)
    old = AnnualReportFactory(reporting_year=previous, body=people.body, published=True)
    published = AnnualReportFactory(reporting_year=year, body=people.body, published=True)
    draft = AnnualReportFactory(reporting_year=year, body=people.other_body, filled=True)
    ReportEvent.objects.create(report=published, kind=ReportEvent.Kind.SUBMITTED, actor=people.filler,
                               from_status="draft", to_status="pending_head", comment="请审核")
    west = DistrictFactory(code="110102", name="北京市西城区")
    west_body = BodyFactory(code="xichang", name="西长安街街道办事处", district=west)
    west_year = ReportingYearFactory(district=west, year=2025)
    foreign = AnnualReportFactory(reporting_year=west_year, body=west_body, published=True)
    west_admin = RoleAssignmentFactory(user__username="t.westadmin", district_admin=True, district=west).user
    return {"people": people, "year": year, "previous": previous, "old": old, "published": published,
            "draft": draft, "west": west, "west_body": west_body, "foreign": foreign, "west_admin": west_admin}


@pytest.fixture
def issue_token(people):
    def _issue(*, scopes=(Scope.READ,), district=None, districts=None, by=None, days=30, name="市公开办"):
        return api_token_create(districts=districts or [district or people.district], name=name, scopes=list(scopes),
                                expires_at=timezone.now() + timedelta(days=days), by=by or people.admin)

    return _issue


@pytest.fixture
def api(client):
    """GET an API path with a token (or none): the response, JSON read."""

    def _get(path, secret=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        return client.get(f"/api/v1/{path}", **headers, **extra)

    return _get


@pytest.fixture
def two_cities(request):
    """tests/city's 北京市 (东城 = the people's district, 西城 with its 区管理员 and 市管理员 city.admin)
    and 上海市 (黄浦区, here given a body, a published 2025 report and its own 区管理员), so that
    nothing of 上海 may reach a 北京 token and nothing of 北京 a 上海 one."""
    beijing = request.getfixturevalue("city")
    huangpu = beijing["other_city_admin"].role_assignments.get().city.districts.get()
    body = BodyFactory(code="nanjingdonglu", name="南京东路街道办事处", district=huangpu)
    year = ReportingYearFactory(district=huangpu, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=body, published=True, sections__seed=3)
    admin = RoleAssignmentFactory(user__username="hp.admin", district_admin=True, district=huangpu).user
    return {**beijing, "huangpu": huangpu, "hp_report": report, "hp_admin": admin}
