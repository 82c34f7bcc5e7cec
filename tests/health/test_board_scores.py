"""The board's 体检得分 kept a while (reports/health/board.py): shown with the time they were computed
while fresh, still shown past their freshness while one refresh is queued for a worker; when none are
kept or they are far too old, the board says a worker is computing them, and the request computes them
only when no worker has within the freshness; on every load when keeping is off (the tests' setting)
or the cache cannot be reached."""

import datetime
import time
from unittest import mock

import pytest
from django.core.cache import cache

from reports.health import board
from reports.health.board import board_scores
from tests.health.conftest import edit

pytestmark = pytest.mark.django_db

FRESH_FOR = 30


@pytest.fixture
def keeping(settings):
    cache.clear()
    settings.NIANBAO_BOARD_SCORES_FRESH_FOR = FRESH_FOR
    yield
    cache.clear()


def kept_by_the_worker(reporting_year):
    """What the worker's refresh does: compute the year's scores and keep them."""
    board.board_scores_refresh(reporting_year.pk, FRESH_FOR)
    return board_scores(reporting_year)


def age(reporting_year, seconds):
    """The kept scores, as if computed `seconds` earlier."""
    as_of, scores = cache.get(board._slot(reporting_year.pk))
    cache.set(board._slot(reporting_year.pk), (as_of - datetime.timedelta(seconds=seconds), scores), 600)


def test_off_they_are_computed_on_every_load_and_nothing_is_kept(clean_report, open_year, settings):
    settings.NIANBAO_BOARD_SCORES_FRESH_FOR = 0
    cache.clear()
    assert board_scores(open_year).scores[clean_report.pk].score == 100
    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    after = board_scores(open_year)
    assert after.scores[clean_report.pk] == board.BoardScore(90, ("问题与改进具体",))
    assert not after.says_when and cache.get(board._slot(open_year.pk)) is None


def test_while_fresh_the_kept_scores_are_shown_with_the_time_they_were_computed(clean_report, open_year, keeping):
    first = kept_by_the_worker(open_year)
    assert first.says_when and not first.refreshing and first.scores[clean_report.pk].score == 100
    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    again = board_scores(open_year)
    assert (again.as_of, again.scores) == (first.as_of, first.scores)
    assert not again.refreshing


def test_past_their_freshness_they_are_shown_while_one_refresh_is_queued(
        clean_report, open_year, keeping, django_capture_on_commit_callbacks):
    first = kept_by_the_worker(open_year)
    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    age(open_year, FRESH_FOR + 1)
    with mock.patch("reports.health.tasks.refresh_board_scores.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            stale = board_scores(open_year)
            again = board_scores(open_year)
    assert stale.refreshing and again.refreshing
    assert stale.scores == first.scores and stale.as_of < first.as_of
    delay.assert_called_once_with(open_year.pk, FRESH_FOR)  # one refresh, however many loads meanwhile

    board.board_scores_refresh(open_year.pk, FRESH_FOR)  # what the worker runs
    fresh = board_scores(open_year)
    assert fresh.scores[clean_report.pk].score == 90 and not fresh.refreshing and fresh.as_of > first.as_of
    assert cache.get(board._refresh_lock(open_year.pk)) is None  # the next refresh may be queued


def test_none_kept_the_board_says_a_worker_is_computing_them_and_queues_it_once(
        clean_report, open_year, keeping, django_capture_on_commit_callbacks):
    """The first load of the day (or after a release) is not held while the whole year is checked."""
    with mock.patch("reports.health.tasks.refresh_board_scores.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            first = board_scores(open_year)
            again = board_scores(open_year)
    assert first.computing and again.computing and first.scores == again.scores == {}
    delay.assert_called_once_with(open_year.pk, FRESH_FOR)
    board.board_scores_refresh(open_year.pk, FRESH_FOR)  # what the worker runs
    done = board_scores(open_year)
    assert not done.computing and done.scores[clean_report.pk].score == 100
    assert cache.get(board._wanted(open_year.pk)) is None  # the next time none are kept, the worker again


def test_far_too_old_they_are_dropped_and_a_worker_computes_them(clean_report, open_year, keeping):
    kept_by_the_worker(open_year)
    age(open_year, FRESH_FOR * board.SERVED_FOR_TIMES_FRESH + 1)
    with mock.patch("reports.health.tasks.refresh_board_scores.delay"):
        after = board_scores(open_year)
    assert after.computing and after.scores == {}


def test_when_no_worker_has_computed_them_within_the_freshness_the_request_does(
        clean_report, open_year, keeping, django_capture_on_commit_callbacks):
    with mock.patch("reports.health.tasks.refresh_board_scores.delay", side_effect=OSError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            assert board_scores(open_year).computing
    wanted = cache.get(board._wanted(open_year.pk))
    cache.set(board._wanted(open_year.pk), wanted - datetime.timedelta(seconds=FRESH_FOR + 1), 600)
    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    with mock.patch("reports.health.tasks.refresh_board_scores.delay") as delay:
        after = board_scores(open_year)
    assert not after.computing and after.scores[clean_report.pk].score == 90
    delay.assert_not_called()
    assert board_scores(open_year).scores == after.scores  # and kept


def test_a_cache_that_cannot_be_reached_computes_them_on_every_load(clean_report, open_year, keeping):
    with mock.patch.object(board.cache, "get", side_effect=ConnectionError("redis down")), \
            mock.patch.object(board.cache, "set", side_effect=ConnectionError("redis down")):
        assert board_scores(open_year).scores[clean_report.pk].score == 100
        edit(clean_report, "s5", texts={"s5.p0": "无。"})
        assert board_scores(open_year).scores[clean_report.pk].score == 90


def test_a_broker_that_is_down_leaves_the_kept_scores_and_a_later_load_queues_again(
        clean_report, open_year, keeping, django_capture_on_commit_callbacks):
    kept_by_the_worker(open_year)
    age(open_year, FRESH_FOR + 1)
    with mock.patch("reports.health.tasks.refresh_board_scores.delay", side_effect=OSError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            assert board_scores(open_year).refreshing
    assert cache.get(board._refresh_lock(open_year.pk)) is None


def until(reporting_year, done):
    """The board's scores once `done` says so (the real worker computing them meanwhile)."""
    deadline = time.monotonic() + 30
    while not done(found := board_scores(reporting_year)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_computes_them_and_refreshes_them(clean_report, open_year, keeping, celery_worker_process):
    assert board_scores(open_year).computing  # none kept: the load queued the worker
    first = until(open_year, lambda scores: not scores.computing)
    assert first.scores[clean_report.pk].score == 100
    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    age(open_year, FRESH_FOR + 1)
    assert board_scores(open_year).refreshing
    fresh = until(open_year, lambda scores: not scores.refreshing)
    assert fresh.scores[clean_report.pk].score == 90 and fresh.as_of > first.as_of
