"""图解 on the district summary: the bodies summed, compared in one SVG (valid, role="img") with the
figures in tables; only for the district's administrator, like the summary."""

import pytest
from django.urls import reverse
from lxml import etree
from pyquery import PyQuery

from reports.summary.summary import all_bodies_values, district_summary
from tests.factories import DistrictFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("basis", ["published", "approved"])
def test_the_summary_page_compares_the_bodies_it_sums(client, people, year_with_reports, basis):
    client.force_login(people.admin)
    url = reverse("summary:summary", args=[year_with_reports.pk]) + f"?basis={basis}"
    page = PyQuery(client.get(url).content)
    summary = district_summary(year_with_reports, basis=basis)
    svg = page("#bodies-graphic svg")
    assert svg.attr("role") == "img" and svg.attr("aria-labelledby") == "comparison-title comparison-desc"
    assert page("#comparison-title").text() == f"{people.district.name}2025年度各单位比较"
    etree.fromstring(svg.outer_html().encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    names = [name for _, name in summary.bodies]
    table = page("#bodies-applicants")
    rows = {PyQuery(tr).find("th").text(): [PyQuery(td).text() for td in PyQuery(tr).find("td")]
            for tr in table("tbody tr")}
    assert sorted(rows) == sorted(names)  # every body summed, none other
    values = dict(all_bodies_values(year_with_reports, basis=basis))
    for name in names:
        assert rows[name][0] == str(values[name]["s3.R1.A"]) and rows[name][-1] == str(values[name]["s3.R1.G"])
        assert name in svg.outer_html()
    # The totals add up to the summary's.
    assert sum(int(cells[-1]) for cells in rows.values()) == summary.sums["s3.R1.G"]
    assert table("caption").text() == "本年新收政府信息公开申请数量"
    reviews = {PyQuery(tr).find("th").text(): PyQuery(tr).find("td").eq(-1).text()
               for tr in page("#bodies-reviews tbody tr")}
    assert sum(map(int, reviews.values())) == summary.sums["s4.c5"] + summary.sums["s4.c10"] + summary.sums["s4.c15"]


@pytest.mark.parametrize("who", [None, "filler", "head", "director", "other_filler", "other_district_admin"])
def test_only_the_district_administrator_sees_it(client, people, year_with_reports, who):
    if who == "other_district_admin":
        other = DistrictFactory(code="110102", name="北京市西城区")
        client.force_login(RoleAssignmentFactory(user__username="x.admin", district_admin=True, district=other).user)
    elif who:
        client.force_login(getattr(people, who))
    response = client.get(reverse("summary:summary", args=[year_with_reports.pk]))
    assert response.status_code in (302, 403, 404)
    assert b"bodies-graphic" not in response.content


def test_the_bodies_rows_are_what_the_template_loop_wrote(year_with_reports):
    from django.template import Context, Template

    from reports.summary.views import bodies_graphic
    from reports.templatetags.stats import chart_rows

    loop = Template('{% for bar in chart.bars %}<tr><th scope="row">{{ bar.label }}</th>{% for segment in bar.segments %}'
                    '<td class="text-end">{{ segment.text }}</td>{% endfor %}<td class="text-end">{{ bar.text }}</td>'
                    "</tr>{% endfor %}")
    charts = bodies_graphic(year_with_reports, "approved")["charts"]
    assert any(chart.bars for chart in charts)
    for chart in charts:
        assert chart_rows(chart) == loop.render(Context({"chart": chart}))
