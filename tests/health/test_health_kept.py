"""The board's 体检 kept in the shared cache (reports.health.selectors.year_health): a load checks
again only the reports whose content changed since (内容雷同, submission, publication and the day are
read on every load), a save leaves its report to the board's next load, and what the board answers is
what the single report's 体检 answers."""

import datetime
import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.health import selectors
from reports.health.selectors import report_health, year_health
from reports.selectors import ReportContent
from tests.health.conftest import edit
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db

UNIQUE = "本单位今年全面改版门户网站，新增无障碍阅读与长者模式，开通政务公开体验日活动共十二场次，群众满意。"


def _outcomes(health):
    return [(item.check.key, item.outcome) for item in health.items]


@pytest.fixture
def counted():
    cache.clear()
    with mock.patch.object(selectors, "health_of", wraps=selectors.health_of) as health_of:
        yield health_of


def test_a_second_load_checks_nothing_and_a_saved_report_is_checked_again(clean_report, people, open_year,
                                                                          counted):
    other = AnnualReportFactory(body=people.other_body, reporting_year=open_year, filled=True)
    first = year_health(open_year)
    assert counted.call_count == 2
    again = year_health(open_year)
    assert counted.call_count == 2
    assert {pk: _outcomes(h) for pk, h in again.items()} == {pk: _outcomes(h) for pk, h in first.items()}

    received = ReportContent.of(clean_report).values["s3.R1.A"]
    edit(clean_report, "s3", values={"s3.R4.A": received + 7})  # a figure that breaks a sum
    after = year_health(open_year)
    assert counted.call_count == 3  # the saved report only: no text changed
    assert after[clean_report.pk].item("rules").outcome.share < 1 <= first[clean_report.pk].item("rules").outcome.share
    for report in (clean_report, other):
        report.refresh_from_db()
        assert _outcomes(after[report.pk]) == _outcomes(report_health(report))


def test_a_text_saved_changes_the_similarity_of_the_reports_it_was_like(clean_report, people, open_year,
                                                                         counted):
    other = AnnualReportFactory(body=people.other_body, reporting_year=open_year, filled=True)
    year_health(open_year)
    edit(clean_report, "s5", texts={"s5.p0": "无。"})  # 问题与改进 says nothing, and is like no other
    after = year_health(open_year)
    assert counted.call_count == 3  # this report only: the other's 内容雷同 is read on every load
    assert after[clean_report.pk].item("problems").outcome.share < 1
    other.refresh_from_db()
    assert _outcomes(after[other.pk]) == _outcomes(report_health(other))


def test_another_body_rewriting_its_text_changes_this_reports_similarity(clean_report, people, open_year, counted):
    other = AnnualReportFactory(body=people.other_body, reporting_year=open_year, filled=True)
    first = year_health(open_year)
    similar = first[clean_report.pk].item("similar").outcome
    assert similar.share < 1 and people.other_body.name in similar.found
    copied = sorted(key for key, text in clean_report.sections.get(key="s1").texts.items()
                    if text and len(text) >= 30)
    # The other body writes every part of 一 in its own words: this report is no longer like it there.
    edit(other, "s1", texts={key: f"{UNIQUE}（{key}）" for key in copied})
    after = year_health(open_year)
    assert counted.call_count == 3  # the other's content; this one's 内容雷同 is read on every load
    assert after[clean_report.pk].item("similar").outcome.found != similar.found
    clean_report.refresh_from_db()
    assert _outcomes(after[clean_report.pk]) == _outcomes(report_health(clean_report))


def test_a_new_day_or_a_moved_deadline_checks_nothing_again_but_on_time(clean_report, open_year, counted):
    """What is kept holds from one day to the next (the first board of a day reads it); 按时报送, which
    reads the day and the deadline, is computed on every load: a moved deadline checks nothing again."""
    today = timezone.localdate()
    deadline = open_year.deadline
    assert deadline > today and clean_report.status == "draft"
    first = year_health(open_year, today=today)
    tomorrow = year_health(open_year, today=today + datetime.timedelta(days=1))
    late = year_health(open_year, today=deadline + datetime.timedelta(days=1))
    assert counted.call_count == 1
    days = (deadline - today).days
    assert f"还有 {days} 天" in first[clean_report.pk].item("on_time").outcome.found
    assert f"还有 {days - 1} 天" in tomorrow[clean_report.pk].item("on_time").outcome.found
    assert late[clean_report.pk].item("on_time").outcome.share == 0
    assert late[clean_report.pk].score == first[clean_report.pk].score - 10
    for health, day in ((first, today), (tomorrow, today + datetime.timedelta(days=1)),
                        (late, deadline + datetime.timedelta(days=1))):  # as the report's own 体检 that day
        assert _outcomes(health[clean_report.pk]) == _outcomes(report_health(clean_report, today=day))
    checked = counted.call_count
    open_year.__class__.objects.filter(pk=open_year.pk).update(deadline=today - datetime.timedelta(days=1))
    moved = year_health(open_year, today=today)
    assert counted.call_count == checked
    assert moved[clean_report.pk].item("on_time").outcome.share == 0


def test_the_review_page_and_the_overview_compare_the_report_once(client, people, open_year):
    """Both pages show the comparison twice (the 体检's 内容雷同 and the warnings): computed once."""
    from reports.summary import comparison

    report = AnnualReportFactory(body=people.body, reporting_year=open_year, submitted=True)
    for user, url in ((people.head, reverse("review:report", args=[report.pk])),
                      (people.filler, reverse("reports:overview", args=[report.pk]))):
        client.force_login(user)
        with mock.patch.object(comparison, "report_comparison", wraps=comparison.report_comparison) as compared:
            html = client.get(url).content.decode()
        assert compared.call_count == 1, url
        assert "年报体检" in html and 'id="health"' in html


def test_the_board_computes_everything_when_the_cache_cannot_be_reached(client, clean_report, people, open_year):

    expected = year_health(open_year)[clean_report.pk].score
    broken = mock.Mock(side_effect=ConnectionError("Error 111 connecting to redis:6379. Connection refused."))
    client.force_login(people.admin)
    with mock.patch.object(cache, "get_many", broken), \
            mock.patch.object(cache, "set_many", broken):
        response = client.get(reverse("district:board", args=[open_year.pk]))
    assert response.status_code == 200 and broken.call_count == 4  # read and written: 体检 and 内容雷同
    assert f'data-score="{expected}"' in response.content.decode()


def test_a_load_after_a_figure_is_saved_reads_no_text(clean_report, people, open_year):
    """The kept 内容雷同 are found by the database's digests of the texts: saving figures compares
    nothing again and reads no text; saving a text compares again the parts of its section."""
    from reports.summary import comparison

    reads = mock.Mock()

    def year_similar(fmt, reports, previous, texts, *, digests):
        def counted(sections):
            reads(sections)
            return texts(sections)
        return comparison.year_similar(fmt, reports, previous, counted, digests=digests)

    AnnualReportFactory(body=people.other_body, reporting_year=open_year, filled=True)
    cache.clear()
    year_health(open_year)
    received = ReportContent.of(clean_report).values["s3.R1.A"]
    edit(clean_report, "s3", values={"s3.R1.A": received + 1})
    with mock.patch.object(comparison, "_part_similar", wraps=comparison._part_similar) as compared, \
            mock.patch.object(selectors, "year_similar", year_similar):
        year_health(open_year)
        assert (compared.call_count, reads.call_count) == (0, 0)
        edit(clean_report, "s5", texts={"s5.p0": UNIQUE})
        after = year_health(open_year)
        assert compared.call_count > 0 and reads.call_count == 1
        assert reads.call_args.args == ({"s5"},)  # the texts of the section saved, not every section's
    clean_report.refresh_from_db()
    assert _outcomes(after[clean_report.pk]) == _outcomes(report_health(clean_report))


def test_a_save_leaves_the_check_to_the_boards_next_load(clean_report, people, open_year, counted,
                                                         django_capture_on_commit_callbacks):
    """The filler's save (the page's autosave) checks nothing for the board; the board's next load (a
    worker's refresh, with Redis) checks that report alone again and shows what the report's own
    体检 shows."""
    year_health(open_year)
    assert counted.call_count == 1
    first_key, _outcomes_kept = cache.get(selectors._slot(clean_report.pk))
    client = Client()
    client.force_login(people.filler)
    url = reverse("reports:section", args=[clean_report.pk, "s5"])
    version = clean_report.sections.get(key="s5").version
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, data=json.dumps({"version": version, "cells": {}, "texts": {"s5.p0": "无。"},
                                                   "choices": {}}),
                             content_type="application/json", HTTP_X_REQUESTED_WITH="fetch").json()
    assert answer["ok"] and answer["saved"]
    assert counted.call_count == 1  # the save checked nothing
    after = year_health(open_year)
    assert counted.call_count == 2  # the board checked the saved report again
    key, _outcomes_kept = cache.get(selectors._slot(clean_report.pk))  # one entry a report, overwritten
    assert key != first_key
    assert year_health(open_year) and counted.call_count == 2  # and keeps it
    assert after[clean_report.pk].item("problems").outcome.share < 1
    clean_report.refresh_from_db()
    assert _outcomes(after[clean_report.pk]) == _outcomes(report_health(clean_report))

