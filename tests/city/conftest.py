import pytest

from agencies.models import City, Role
from reports.models import AnnualReport, ReportStatus
from tests.factories import BodyFactory, DistrictFactory, RoleAssignmentFactory, UserFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory


@pytest.fixture
def city(people):
    """北京市 with 东城 (people.district: two bodies, both published in 2025) and 西城 (two bodies, one
    published, one draft), each district with its own 区管理员, and one 市管理员."""
    beijing = City.objects.create(code="110000", name="北京市")
    dongcheng = people.district
    dongcheng.city = beijing
    dongcheng.save()
    xicheng = DistrictFactory(code="110102", name="北京市西城区", city=beijing)
    xi_bodies = [BodyFactory(code="jinrongjie", name="金融街街道办事处", district=xicheng),
                 BodyFactory(code="desheng", name="德胜街道办事处", district=xicheng)]
    dong_year = ReportingYearFactory(district=dongcheng, year=2025)
    xi_year = ReportingYearFactory(district=xicheng, year=2025)
    dong = [AnnualReportFactory(reporting_year=dong_year, body=body, published=True, sections__seed=i)
            for i, body in enumerate([people.body, people.other_body])]
    xi = [AnnualReportFactory(reporting_year=xi_year, body=xi_bodies[0], published=True, sections__seed=7),
          AnnualReportFactory(reporting_year=xi_year, body=xi_bodies[1], filled=True, sections__seed=8)]
    xi_admin = RoleAssignmentFactory(user__username="xi.admin", district_admin=True, district=xicheng).user
    xi_filler = RoleAssignmentFactory(user__username="xi.filler", role=Role.FILLER, body=xi_bodies[0]).user
    city_admin = UserFactory(username="city.admin", full_name="市管理员 孙立")
    RoleAssignmentFactory(user=city_admin, role=Role.CITY_ADMIN, body=None, city=beijing)
    # A city of its own, with nothing of 北京 in it.
    other_city = City.objects.create(code="310000", name="上海市")
    DistrictFactory(code="310101", name="上海市黄浦区", city=other_city)
    other_city_admin = UserFactory(username="sh.city.admin")
    RoleAssignmentFactory(user=other_city_admin, role=Role.CITY_ADMIN, body=None, city=other_city)
    return {
        "city": beijing, "dongcheng": dongcheng, "xicheng": xicheng, "dong_year": dong_year, "xi_year": xi_year,
        "dong_reports": dong, "xi_reports": xi, "xi_admin": xi_admin, "xi_filler": xi_filler,
        "city_admin": city_admin, "other_city_admin": other_city_admin,
    }


@pytest.fixture
def desheng_approved(city):
    """西城's second report (德胜), approved and not yet published: counted only with basis=approved."""
    AnnualReport.objects.filter(pk=city["xi_reports"][1].pk).update(status=ReportStatus.APPROVED)
    return city
