"""The portal's search: the published texts and labels only (never the snapshot's JSON keys, never
a draft), the current version only, ranked, with the matching phrase in context."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from pyquery import PyQuery

from reports.publishing.models import ReportPdf
from reports.publishing.search import search_text
from reports.publishing.services import report_reopen
from reports.publishing.snapshot import snapshot_document
from reports.publishing.tasks import publish
from reports.workflow import report_transition
from tests.factories import BodyFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


def _publish(people, body, texts: dict):
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=body, approved=True)
    section = report.sections.get(key="s1")
    section.texts = {**section.texts, **texts}
    section.save()
    assert publish(report.pk) == "published"
    return report


@pytest.fixture
def two_published(people):
    once = _publish(people, people.body, {"s1.p2": "本年度开展了政务公开标准化建设。"})
    twice = _publish(people, people.other_body, {"s1.p1": "政务公开标准化建设取得进展。",
                                                 "s1.p4": "继续推进政务公开标准化建设。"})
    return once, twice


def _results(client, query: str):
    page = PyQuery(client.get("/portal/", {"q": query}).content)
    rows = []
    for tr in page("#report-list tbody tr th").items():
        snippet = tr.find(".search-snippet")
        rows.append((tr.find("a").text() or tr.clone().remove(".search-snippet").text(), snippet.text(),
                     [m.text for m in snippet.find("mark")]))
    return page, rows


def test_a_chinese_phrase_finds_the_reports_best_first_with_the_phrase_in_context(client, two_published):
    once, twice = two_published
    page, rows = _results(client, "标准化建设")
    assert [name for name, _, _ in rows] == [twice.body_name, once.body_name]  # two occurrences before one
    assert rows[0][2] == ["标准化建设"] and "政务公开标准化建设取得进展" in "".join(rows[0][1].split())
    assert rows[1][2] == ["标准化建设"] and "开展了政务公开标准化建设" in "".join(rows[1][1].split())
    assert "共 2 个单位" in page("#result-summary").text()


def test_every_word_of_the_query_must_be_found(client, two_published):
    once, twice = two_published
    assert [r[0] for r in _results(client, "标准化建设 取得进展")[1]] == [twice.body_name]
    assert _results(client, "标准化建设 不存在的词")[1] == []


def test_the_body_name_ranks_first_and_a_label_is_found_in_every_report(client, two_published):
    once, twice = two_published
    assert _results(client, once.body_name)[1][0][0] == once.body_name
    labels = _results(client, "行政许可")[1]  # a table label of the 2021 format
    assert {r[0] for r in labels} == {once.body_name, twice.body_name}
    assert all(r[2] == ["行政许可"] for r in labels)


@pytest.mark.parametrize("query", ["values", "s3", "s2.t1", "texts", "body_name", "R1", "null"])
def test_the_snapshots_keys_match_nothing(client, two_published, query):
    page, rows = _results(client, query)
    assert rows == [] and "共 0 个单位" in page("#result-summary").text()


def test_drafts_are_not_searched(client, two_published, people):
    once, _ = two_published
    draft = AnnualReportFactory(reporting_year=once.reporting_year, body=BodyFactory(district=people.district),
                                filled=True)
    section = draft.sections.get(key="s1")
    section.texts = {"s1.p1": "草稿里的机密文字"}
    section.save()
    assert _results(client, "草稿里的机密")[1] == []


def test_a_correction_is_searched_in_its_new_text_only(client, people):
    report = _publish(people, people.body, {"s1.p1": "更正前的旧说法。"})
    report_reopen(report=report, by=people.admin, reason="文字有误，予以更正。")
    section = report.sections.get(key="s1")
    section.texts = {**section.texts, "s1.p1": "更正后的新说法。"}
    section.save()
    assert [r[0] for r in _results(client, "旧说法")[1]] == [report.body_name]  # still what is published
    assert _results(client, "新说法")[1] == []  # not published yet
    for action, by in (("submit", people.filler), ("approve", people.head), ("approve", people.director)):
        report_transition(report=report, action=action, by=by)
    assert publish(report.pk) == "published"
    assert _results(client, "旧说法")[1] == []
    assert [r[2] for r in _results(client, "新说法")[1]] == [["新说法"]]


def test_imported_history_not_yet_rendered_is_found_by_its_text(client, people):
    from reports.importing.demo import seed_path
    from reports.importing.services import report_import
    from reports.selectors import ReportContent

    report = report_import(body=people.body, year=2020, text=seed_path().read_text(encoding="utf-8"),
                           variant="beijing", source="seed").report
    assert not report.pdf_versions.exists()
    phrase = ReportContent.of(report).texts["s5.p0"].strip()[4:12]
    rows = PyQuery(client.get("/portal/", {"q": phrase, "year": 2020}).content)("#report-list tbody th")
    assert rows.length == 1 and rows.find("mark").text() == phrase


def test_the_search_text_holds_texts_and_labels_not_keys_or_numbers(two_published):
    once, _ = two_published
    pdf = once.pdf_versions.get()
    lines = pdf.search_text.splitlines()
    assert lines[:2] == [once.body_name, once.title]
    assert "（五）监督保障" in lines and "本年度开展了政务公开标准化建设。" in lines
    assert any(line.startswith("一、本年新收政府信息公开申请数量") for line in lines)
    assert not any(key in pdf.search_text for key in ("values", "texts", "s1.p", "s3."))
    assert not any(line.isdigit() for line in lines)


def test_the_migration_backfills_versions_published_before_it(two_published):
    once, _ = two_published
    pdf = once.pdf_versions.get()
    expected = pdf.search_text
    ReportPdf.objects.filter(pk=pdf.pk).update(search_text="")
    importlib.import_module("reports.publishing.migrations.0002_search_text").backfill(apps, None)
    pdf.refresh_from_db()
    assert pdf.search_text == expected == search_text(snapshot_document(once, pdf.content))


@pytest.mark.parametrize("word", ["标准化建设", "OpenAPI"])
def test_postgresql_answers_the_search_from_its_trigram_index(two_published, word):
    """A Chinese word is a plain LIKE, a word with letters an ILIKE, on the plain text: both are what
    the trigram index serves, and pg_trgm makes trigrams of Chinese text in this database's locale."""
    from portal.finding import _holds

    texts = ReportPdf.objects.order_by().filter(_holds("search_text", word))
    sql, params = texts.query.sql_with_params()
    assert ("ILIKE" in sql) == (word == "OpenAPI")
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm(%s)", ["政府信息公开"])
        assert len(cursor.fetchone()[0]) >= 4
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on reportpdf_search_text_trgm" in plan, plan
