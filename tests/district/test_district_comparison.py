"""Year-over-year changes and 内容雷同, on the report's overview."""

import pytest
from django.test import override_settings
from django.urls import reverse

from reports.models import ReportSection
from reports.summary.comparison import moved_too_much, report_comparison
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db

OWN_TEXT = ("今年我们围绕老旧小区改造、背街小巷整治和养老助餐点建设，逐月在街道网站发布工作进展，"
            "并在社区公告栏张贴纸质版本，方便不上网的老年居民查阅，全年共更新栏目四十二次。")
OTHER_TEXT = ("本单位重点公开了义务教育招生、学位分配和课后服务收费等信息，家长可在区教委网站和微信公众号查询，"
              "招生季前后还举办了三场线上政策解读直播，回答家长提问二百余条。")


def _set(report, key, values=None, texts=None):
    section = ReportSection.objects.get(report=report, key=key)
    if values:
        section.values.update(values)
    if texts:
        section.texts.update(texts)
    section.save()


def test_moved_too_much():
    assert moved_too_much(40, 10, factor=3, min_change=5)
    assert not moved_too_much(30, 10, factor=3, min_change=5)
    assert moved_too_much(0, 12, factor=3, min_change=5)
    assert not moved_too_much(4, 1, factor=3, min_change=5)  # too small to matter


def test_cells_compared_with_last_year_and_flagged(pair):
    last, this = pair
    _set(last, "s2", {"s2.t6.r1.c1": 10})
    _set(this, "s2", {"s2.t6.r1.c1": 45})
    comparison = report_comparison(this)
    assert comparison.previous_year == 2024
    cell = next(c for c in comparison.cells if c.id == "s2.t6.r1.c1")
    assert (cell.last_year, cell.this_year, cell.change, cell.flagged) == ("10", "45", "+35", True)
    with override_settings(NIANBAO_YOY_FACTOR=5):
        assert not next(c for c in report_comparison(this).cells if c.id == "s2.t6.r1.c1").flagged


def test_text_copied_from_last_year_or_another_body_is_flagged(pair, people):
    last, this = pair
    other = AnnualReportFactory(reporting_year=this.reporting_year, body=people.other_body, filled=True,
                                sections__seed=3)
    _set(last, "s5", texts={"s5.p0": OWN_TEXT})
    _set(this, "s5", texts={"s5.p0": OWN_TEXT.replace("四十二", "四十三")})
    _set(other, "s6", texts={"s6.p0": OTHER_TEXT})
    _set(this, "s6", texts={"s6.p0": OTHER_TEXT})
    _set(this, "s1", texts={"s1.p1": OWN_TEXT[::-1]})  # different order: not a copy
    _set(last, "s1", texts={"s1.p1": OWN_TEXT})
    similar = {s.part: s for s in report_comparison(this).similar}
    assert similar["s5.p0"].other == "本单位2024年度报告" and similar["s5.p0"].percent >= 90
    assert similar["s6.p0"].other == "天坛街道办事处" and similar["s6.p0"].percent == 100
    assert "s1.p1" not in similar


def test_overview_shows_the_warnings_to_the_filler(client, people, pair):
    last, this = pair
    _set(last, "s2", {"s2.t6.r1.c1": 10})
    _set(this, "s2", {"s2.t6.r1.c1": 45})
    client.force_login(people.filler)
    html = client.get(reverse("reports:overview", args=[this.pk])).content.decode()
    assert 'id="yoy-flags"' in html and 'data-cell="s2.t6.r1.c1"' in html and "变化超过 3 倍" in html


def test_an_absolute_minimum_keeps_tiny_changes_quiet(pair):
    """0 → 5 is ordinary for a small body: more than 3 times, but less than NIANBAO_YOY_MIN_CHANGE."""
    last, this = pair
    _set(last, "s2", {"s2.t6.r1.c1": 0, "s2.t6.r2.c1": 0})
    _set(this, "s2", {"s2.t6.r1.c1": 5, "s2.t6.r2.c1": 12})
    cells = {c.id: c for c in report_comparison(this).cells}
    assert not cells["s2.t6.r1.c1"].flagged and cells["s2.t6.r2.c1"].flagged
    with override_settings(NIANBAO_YOY_MIN_CHANGE=3):
        assert next(c for c in report_comparison(this).cells if c.id == "s2.t6.r1.c1").flagged


def test_year_flags_match_each_reports_comparison_in_a_fixed_number_of_queries(pair, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.summary.comparison import year_flags

    last, this = pair
    other = AnnualReportFactory(reporting_year=this.reporting_year, body=people.other_body, filled=True,
                                sections__seed=3)
    _set(this, "s6", texts={"s6.p0": OTHER_TEXT})
    _set(other, "s6", texts={"s6.p0": OTHER_TEXT})
    with CaptureQueriesContext(connection) as queries:
        flagged = {c.report.pk: c for c in year_flags(this.reporting_year)}
    assert len(queries) <= 6
    for report in (this, other):
        alone = report_comparison(report)
        assert [(c.id, c.flagged) for c in flagged[report.pk].cells] == [(c.id, c.flagged) for c in alone.cells]
        assert [(s.part, s.other) for s in flagged[report.pk].similar] == [(s.part, s.other) for s in alone.similar]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_district_admin_lists_every_flagged_body_of_a_year(page, live_server, people, login):
    """From the navigation's 汇总 to the list of flagged bodies, and on to one body's report."""
    import re

    from playwright.sync_api import expect

    last = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2024),
                               body=people.body, published=True, sections__seed=1)
    this = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2025),
                               body=people.body, filled=True, sections__seed=1)  # the same figures as 2024
    other = AnnualReportFactory(reporting_year=this.reporting_year, body=people.other_body, filled=True,
                                sections__seed=3)
    _set(last, "s2", {"s2.t6.r1.c1": 10, "s2.t6.r2.c1": 0})
    _set(this, "s2", {"s2.t6.r1.c1": 45, "s2.t6.r2.c1": 5})
    for report in (this, other):
        _set(report, "s6", texts={"s6.p0": OTHER_TEXT})

    login(page, people.admin)
    page.get_by_role("link", name="汇总", exact=True).click()
    page.get_by_role("link", name="雷同与异常变化").click()
    expect(page.get_by_role("heading", name="2025年度报告：内容雷同与异常变化")).to_be_visible()
    expect(page.locator("#flags-count")).to_contain_text("共 2 个单位有提示")
    mine = page.locator(f'#flags tr[data-report="{this.pk}"]')
    expect(mine).to_contain_text("与天坛街道办事处 100% 相同")
    expect(mine.locator('li[data-cell="s2.t6.r1.c1"]')).to_contain_text("2024年度 10 → 本年度 45（+35）")
    expect(mine.locator('li[data-cell="s2.t6.r2.c1"]')).to_have_count(0)  # 0 → 5: too small to flag
    theirs = page.locator(f'#flags tr[data-report="{other.pk}"]')
    expect(theirs).to_contain_text("与东花市街道办事处 100% 相同")
    mine.get_by_role("link", name="东花市街道办事处").click()
    expect(page).to_have_url(re.compile(rf"/reports/{this.pk}/#comparison$"))
    expect(page.locator("#yoy-flags")).to_contain_text("变化超过 3 倍（且增减不少于 10）")


def test_every_cell_row_as_the_template_loop_wrote_it(pair):
    from django.template import Context, Template

    from reports.templatetags.comparison import comparison_rows

    last, this = pair
    _set(last, "s2", {"s2.t6.r1.c1": 10})
    _set(this, "s2", {"s2.t6.r1.c1": 45})
    cells = report_comparison(this).cells
    loop = Template('{% for c in cells %}<tr class="{% if c.flagged %}table-warning{% endif %}"><th scope="row" '
                    'class="fw-normal">{{ c.label }}</th><td class="text-end">{{ c.last_year }}</td><td '
                    'class="text-end">{{ c.this_year }}</td><td class="text-end">{{ c.change }}</td></tr>{% endfor %}')
    assert len(cells) > 100 and any(c.flagged for c in cells)
    assert comparison_rows(cells) == loop.render(Context({"cells": cells}))
    from reports.summary.comparison import CellChange

    odd = [CellChange("x", """<b>"甲"&'乙'</b>""", "<1>", "&2", "+\"3'", True)]  # escaped as the template does
    assert comparison_rows(odd) == loop.render(Context({"cells": odd})) and "<b>" not in comparison_rows(odd)
