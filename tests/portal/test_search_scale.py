"""The portal's search at city scale (issue 14.3, benchmarks/portal.py): a word of the format's own
headings, captions and labels is answered from the format definition (every published version of
the format holds it), the other words from the texts of the year only; the reports found are counted
and paged in SQL, with as many queries for two reports as for thousands."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyquery import PyQuery

from portal import finding, views
from reports.formats import get_format
from reports.publishing.search import format_text, search_text
from reports.publishing.snapshot import snapshot_document
from tests.factories import BodyFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db

LABEL = "行政许可"  # a row label of the 2021 format's section 二


def _published(year, name: str, order: int, texts: dict | None = None):
    """A published report whose version holds its search text as the publish task stores it (the PDF
    itself is not rendered: tests/publishing does that)."""
    body = BodyFactory(district=year.district, name=name, sort_order=order)
    report = AnnualReportFactory(reporting_year=year, body=body, published=True)
    pdf = report.pdf_versions.get()
    pdf.content = {**pdf.content, "texts": {**pdf.content["texts"], **(texts or {})}}
    pdf.search_text = search_text(snapshot_document(report, pdf.content))
    pdf.save()
    return report


def _found(client, query: str, **params):
    page = PyQuery(client.get("/portal/", {"q": query, "year": 2025, **params}).content)
    return [th.find("a").text() for th in page("#report-list tbody th").items()], page("#result-summary").text()


@pytest.fixture
def year(people):
    return ReportingYearFactory(district=people.district, year=2025)


@pytest.mark.parametrize("report_year", [2020, 2025])
def test_every_published_version_holds_its_formats_own_text(people, report_year):
    year = ReportingYearFactory(district=people.district, year=report_year)
    report = _published(year, "东华门街道办事处", 1)
    lines = set(report.pdf_versions.get().search_text.splitlines())
    own = format_text(year.format).splitlines()
    assert own and set(own) <= lines
    assert report.body_name not in own and not any(line.endswith("。") for line in own)  # no name, no paragraph


def test_a_word_of_the_formats_labels_finds_every_published_report_without_looking_in_the_texts(client, year, people):
    assert LABEL in format_text(get_format("2021"))
    published = [_published(year, f"第{n}街道办事处", n) for n in range(1, 4)]
    draft = AnnualReportFactory(reporting_year=year, body=BodyFactory(district=people.district), filled=True)
    with CaptureQueriesContext(connection) as queries:
        names, summary = _found(client, LABEL)
    assert names == [r.body_name for r in published] and draft.body_name not in names
    assert "共 3 个单位，已发布 3 份" in summary
    assert not [q["sql"] for q in queries if re.search(r'search_text"(::text)? I?LIKE', q["sql"])]  # in no text
    names, summary = _found(client, "鸿雁传书")  # in no label and no text
    assert names == [] and "共 0 个单位" in summary


def test_a_short_word_a_long_one_and_one_with_letters_are_found_in_the_texts(client, year):
    one = _published(year, "第1街道办事处", 1, {"s1.p1": "鸿雁是本年度新开通的OpenAPI服务。"})
    _published(year, "第2街道办事处", 2)
    for word in ("鸿雁", "新开通的", "openapi", "OPENAPI", "鸿雁 openapi", f"{LABEL} 鸿雁"):
        names, summary = _found(client, word)
        assert names == [one.body_name], word
    assert _found(client, "鸿雁 不存在的词")[0] == []


def test_by_name_first_then_by_occurrences_or_beyond_the_rank_limit_in_the_portals_order(client, year, monkeypatch):
    plain = _published(year, "第1街道办事处", 1)
    often = _published(year, "第2街道办事处", 2, {"s1.p1": f"{LABEL}、{LABEL}、{LABEL}和{LABEL}。"})
    again = _published(year, "第3街道办事处", 3, {"s1.p1": f"{LABEL}。"})
    named = _published(year, f"{LABEL}服务中心", 4)
    assert _found(client, LABEL)[0] == [named.body_name, often.body_name, again.body_name, plain.body_name]
    monkeypatch.setattr(finding, "RANK_LIMIT", 3)  # four found: how often says nothing any more
    assert _found(client, LABEL)[0] == [named.body_name, plain.body_name, often.body_name, again.body_name]
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    first, summary = _found(client, LABEL)
    assert first == [named.body_name, plain.body_name, often.body_name] and "共 4 个单位，已发布 4 份" in summary
    assert _found(client, LABEL, page=2)[0] == [again.body_name]
    assert _found(client, LABEL, page=9)[0] == [again.body_name]  # past the end: the last page


def test_the_search_makes_as_many_queries_for_two_reports_as_for_many(client, year, monkeypatch):
    """As benchmarks/portal.py checks at city scale: RANK_LIMIT lowered so that the many cross it."""
    monkeypatch.setattr(finding, "RANK_LIMIT", 4)
    queries = {"label": LABEL, "name": "街道办事处", "short": "鸿雁", "text": "鸿雁传书"}

    def counted():
        counts = {}
        for kind, query in queries.items():
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/portal/", {"q": query, "year": 2025}).status_code == 200
            counts[kind] = len(captured)
        return counts

    text = {"s1.p1": "鸿雁传书。"}
    for n in (1, 2):
        _published(year, f"第{n}街道办事处", n, text)
    few = counted()
    for n in range(3, 9):
        _published(year, f"第{n}街道办事处", n, text)
    assert _found(client, "鸿雁")[1].startswith("共 8 个单位")
    assert counted() == few


def test_a_bodys_name_finds_its_report_first_then_the_reports_that_mention_it(client, year):
    named = _published(year, "第1街道办事处", 2)
    mentions = _published(year, "第2街道办事处", 1, {"s1.p1": "与第1街道办事处联合开展培训。"})
    _published(year, "第3街道办事处", 3)
    names, summary = _found(client, "第1街道")
    assert names == [named.body_name, mentions.body_name] and "共 2 个单位，已发布 2 份" in summary


def test_a_report_found_by_its_bodys_name_only_is_counted_but_not_as_published(client, year, people):
    published = _published(year, "第1街道办事处", 2)
    AnnualReportFactory(reporting_year=year, body=BodyFactory(district=people.district, name=f"{LABEL}办公室",
                                                              sort_order=1), filled=True)
    names, summary = _found(client, LABEL)
    assert len(names) == 2 and names[1] == published.body_name  # the name first, unpublished (no link)
    assert "共 2 个单位，已发布 1 份" in summary
