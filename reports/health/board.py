"""The board's 体检得分 column: the year's scores kept for a short while, refreshed by a worker.

Checking every report of a year (year_health) costs the board's request most of its CPU (about 40 of
60 ms with 280 reports while fillers save, benchmarks/peak.py), on the request of an administrator who
reloads it every few seconds at the January peak. So the board shows the scores kept in the shared
cache with the moment they were computed, and the page says that moment. Scores older than
NIANBAO_BOARD_SCORES_FRESH_FOR seconds are still shown while a worker computes them again (one at a time
a year). When none are kept (the first load of the day, after a release or a quiet spell; ten times
the freshness and they are dropped) the board is shown at once with the scores being computed by a
worker (computing them held the first administrator's page 220–250 ms in benchmarks/peak.py, 280
reports; more for a larger district); a request computes them itself only when the worker has not done so
within the freshness (none running, the broker down) or the cache cannot be reached. 0 computes them
on every load (the tests' setting, where a change is expected on the next load).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .selectors import Health, year_health

log = structlog.get_logger(__name__)

SERVED_FOR_TIMES_FRESH = 10  # past this many times the freshness, the request computes the scores itself


@dataclass(frozen=True)
class BoardScore:
    """What the board shows of a report's 体检: the score, and what to fix (the checks' labels)."""

    score: int
    to_fix: tuple[str, ...]


@dataclass(frozen=True)
class BoardScores:
    scores: dict[int, BoardScore]  # report id -> its score
    as_of: datetime  # when they were computed
    says_when: bool = False  # scores are kept a while: the page says when these were computed
    refreshing: bool = False  # older than the freshness: a worker is computing them again
    computing: bool = False  # none kept yet: a worker is computing them (`scores` is empty)


# The code the kept scores came from: a new release keeps its own (the value's shape may have changed).
SOURCE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _slot(reporting_year_id: int) -> str:
    return f"board-scores:{SOURCE}:{reporting_year_id}"


def _refresh_lock(reporting_year_id: int) -> str:
    return f"board-scores-refresh:{reporting_year_id}"


def _wanted(reporting_year_id: int) -> str:
    """When a load first found no scores kept (since the worker last kept them)."""
    return f"board-scores-wanted:{SOURCE}:{reporting_year_id}"


def _scores(health: dict[int, Health]) -> dict[int, BoardScore]:
    return {pk: BoardScore(found.score, tuple(item.check.label for item in found.to_fix)) for pk, found in health.items()}


def board_scores_compute(reporting_year, *, fresh_for: int) -> BoardScores:
    """Compute the year's scores and keep them, if they are kept (a cache that cannot be reached keeps
    nothing)."""
    as_of = timezone.now()
    computed = BoardScores(_scores(year_health(reporting_year)), as_of, says_when=bool(fresh_for))
    if fresh_for:
        try:
            cache.set(_slot(reporting_year.pk), (as_of, computed.scores), fresh_for * SERVED_FOR_TIMES_FRESH)
            cache.delete(_wanted(reporting_year.pk))
        except Exception as exc:  # whatever the cache backend raises: the page is served all the same
            log.warning("board_scores_not_kept", error=f"{type(exc).__name__}: {exc}"[:200])
    return computed


def board_scores(reporting_year) -> BoardScores:
    """The scores the board shows: kept ones while fresh; older kept ones while a worker computes them
    again; none while a worker computes the first (computed by this request when it cannot)."""
    fresh_for = settings.NIANBAO_BOARD_SCORES_FRESH_FOR
    if not fresh_for:
        return board_scores_compute(reporting_year, fresh_for=0)
    now = timezone.now()
    try:
        found = cache.get(_slot(reporting_year.pk))
        if found is not None and not 0 <= (now - found[0]).total_seconds() <= fresh_for * SERVED_FOR_TIMES_FRESH:
            found = None  # far too old (or from the future): as if none were kept
        wanted_at = _first_wanted(reporting_year.pk, now, fresh_for) if found is None else None
    except Exception as exc:  # whatever the cache backend raises: the page is served all the same
        log.warning("board_scores_unavailable", error=f"{type(exc).__name__}: {exc}"[:200])
        return board_scores_compute(reporting_year, fresh_for=fresh_for)
    if wanted_at is not None:
        if (now - wanted_at).total_seconds() > fresh_for:  # no worker computed them in time: this request does
            return board_scores_compute(reporting_year, fresh_for=fresh_for)
        _refresh_soon(reporting_year.pk, fresh_for)
        return BoardScores({}, now, says_when=True, computing=True)
    as_of, scores = found
    kept = BoardScores(scores, as_of, says_when=True)
    if (now - as_of).total_seconds() <= fresh_for:
        return kept
    _refresh_soon(reporting_year.pk, fresh_for)
    return replace(kept, refreshing=True)


def _first_wanted(reporting_year_id: int, now: datetime, fresh_for: int) -> datetime:
    """When a load first found none kept since the scores were last kept: this one, if it is the first."""
    if cache.add(_wanted(reporting_year_id), now, fresh_for * SERVED_FOR_TIMES_FRESH):
        return now
    return cache.get(_wanted(reporting_year_id)) or now


def _refresh_soon(reporting_year_id: int, fresh_for: int) -> None:
    """Queue one refresh a year at a time (the lock lapses by itself if the worker never runs it)."""
    try:
        if not cache.add(_refresh_lock(reporting_year_id), 1, fresh_for):
            return
    except Exception as exc:
        log.warning("board_scores_refresh_not_locked", error=f"{type(exc).__name__}: {exc}"[:200])
        return
    from .tasks import refresh_board_scores

    def enqueue():
        try:
            refresh_board_scores.delay(reporting_year_id, fresh_for)
        except Exception as exc:  # the broker is down: the kept scores stay, the next load tries again
            log.warning("board_scores_refresh_not_queued", error=f"{type(exc).__name__}: {exc}"[:200])
            cache.delete(_refresh_lock(reporting_year_id))

    transaction.on_commit(enqueue)


def board_scores_refresh(reporting_year_id: int, fresh_for: int) -> None:
    """The worker's part: compute and keep the year's scores (for as long as the web's setting said),
    then let the next refresh be queued."""
    from ..models import ReportingYear

    reporting_year = ReportingYear.objects.filter(pk=reporting_year_id).first()
    try:
        if reporting_year is not None:
            board_scores_compute(reporting_year, fresh_for=fresh_for)
    finally:
        cache.delete(_refresh_lock(reporting_year_id))
