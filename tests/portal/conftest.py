import pytest

from reports.publishing.tasks import publish
from tests.report_factories import AnnualReportFactory, ReportingYearFactory


@pytest.fixture
def portal_year(people):
    """2025: 东花市 published, 天坛 still a draft whose text must never reach the public."""
    year = ReportingYearFactory(district=people.district, year=2025)
    published = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    section = published.sections.get(key="s1")
    section.texts = {k: v + "公开全文检索词甲乙丙" for k, v in section.texts.items()} or {"s1.p1": "公开全文检索词甲乙丙"}
    section.save()
    assert publish(published.pk) == "published"
    draft = AnnualReportFactory(reporting_year=year, body=people.other_body, filled=True)
    draft_section = draft.sections.get(key="s1")
    draft_section.texts = {k: "草稿机密文字不可公开" for k in draft_section.texts} or {"s1.p1": "草稿机密文字不可公开"}
    draft_section.save()
    published.refresh_from_db()
    return year, published, draft
