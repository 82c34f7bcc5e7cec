"""Celery tasks of the 年报体检. Each takes ids and is idempotent."""

from celery import shared_task

from .board import board_scores_refresh


@shared_task(name="health.refresh_board_scores")
def refresh_board_scores(reporting_year_id: int, fresh_for: int) -> None:
    """Queued by a board load that found the year's kept scores past their freshness (health/board.py):
    computes them again and keeps them; running it twice computes them twice, nothing more."""
    board_scores_refresh(reporting_year_id, fresh_for)
