"""Queueing a render, by the task's name: services, receivers and the sweep queue renders without
importing the task module, so that imports run one way (tasks → services → selectors)."""

import structlog
from celery import current_app

log = structlog.get_logger(__name__)

RENDER_TASK = "publishing.render_report_pdf"


def enqueue_render(report_id: int) -> bool:
    """Queue the render; a broker that is down is logged, not raised: the sweep queues it later."""
    try:
        current_app.send_task(RENDER_TASK, args=(report_id,), retry=True, retry_policy={
            "max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1})
    except Exception as exc:  # kombu/redis connection errors: the approval has committed anyway
        log.warning("pdf_render_enqueue_failed", report=report_id, error=f"{type(exc).__name__}: {exc}"[:300])
        return False
    return True
