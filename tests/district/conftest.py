import pytest
from playwright.sync_api import expect

from tests.factories import BodyFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory


@pytest.fixture
def year_with_reports(people):
    """2025 for 12 bodies: 8 published, 2 approved, 1 submitted, 1 draft; 2024 published for all."""
    bodies = [people.body, people.other_body] + [
        BodyFactory(code=f"gen{i:02d}", name=f"生成{i}街道办事处", district=people.district, sort_order=i)
        for i in range(10)
    ]
    previous = ReportingYearFactory(district=people.district, year=2024)
    current = ReportingYearFactory(district=people.district, year=2025)
    for index, body in enumerate(bodies):
        AnnualReportFactory(reporting_year=previous, body=body, published=True, sections__seed=1000 + index)
        trait = ("published" if index < 8 else "approved" if index < 10 else "submitted" if index == 10
                 else "filled")
        AnnualReportFactory(reporting_year=current, body=body, sections__seed=index, **{trait: True})
    return current


@pytest.fixture
def pair(people):
    """The body's report of 2024 (published) and of 2025 (filled in)."""
    last = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2024),
                               body=people.body, published=True, sections__seed=1)
    this = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2025),
                               body=people.body, filled=True, sections__seed=2)
    return last, this


def new_person_page(page, login, people):
    """The administrator's 新增人员 form, reached through the page's links."""
    login(page, people.admin)
    page.get_by_role("link", name="单位与人员").click()
    page.locator("nav[aria-label='区管理']").get_by_role("link", name="人员", exact=True).click()
    page.get_by_role("link", name="新增人员", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新增人员")
    return page.locator("#person-create-form")
