"""Queueing a render or a Word copy, by the task's name: services, receivers and the sweep queue them
without importing the task module, so that imports run one way (tasks → services → selectors).

Both go to the default queue. On Redis (every deployment but the demo's filesystem broker) a message's
priority picks the list it waits in, and a worker always takes from the highest first (kombu's Redis
transport: 0 before 3, 6, 9). Renders are sent at the default priority (0), the notices' mail after
them (6: a person has the notice in the application at once, the mail a few seconds later at the
peak) and Word copies at the lowest (9): at the January peak the workers publish every waiting PDF
first and make the Word copies when no render waits; the portal makes a copy still missing on its
first download (copies.py).
A worker that takes a Word copy while a render waits or runs, or within word_defer_seconds() of a
publication (approvals are arriving), sends it back, as long later (tasks.make_word_copies):
taken by a worker that was free a moment before the next approval, it would hold that render back, and
at the peak its core is the renders' (measured with benchmarks/peak.py: 21–34 copies made during the
load at 0.15 s of CPU each; 0.48–0.52 → 0.41–0.46 CPU-seconds of the workers per published render without them).
"""

import structlog
from celery import current_app
from django.conf import settings

log = structlog.get_logger(__name__)

RENDER_TASK = "publishing.render_report_pdf"
WORD_TASK = "publishing.make_word_copies"
MAIL_PRIORITY = 6  # reports/review/notifications.py: after every waiting render
WORD_PRIORITY = 9  # the lowest of kombu's Redis priority steps (0, 3, 6, 9)
_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}


def word_defer_seconds() -> int:
    """NIANBAO_WORD_DEFER_SECONDS (10 unless set; the tests' settings take 1, so that a test waiting
    for a worker's Word copy does not wait out the peak's pause)."""
    return settings.NIANBAO_WORD_DEFER_SECONDS


def enqueue_render(report_id: int) -> bool:
    """Queue the render; a broker that is down is logged, not raised: the sweep queues it later."""
    return _send(RENDER_TASK, report_id, "pdf_render_enqueue_failed")


def enqueue_word_copies(report_id: int, *, deferred: int = 0) -> bool:
    """Queue the Word copies of the report's published versions that have none, behind every render
    (`deferred`: how many times a worker has sent it back, each time word_defer_seconds() later); a
    broker that is down is logged, not raised: the sweep queues it later."""
    if deferred:
        return _send(WORD_TASK, report_id, "docx_enqueue_failed", priority=WORD_PRIORITY,
                     countdown=word_defer_seconds(), kwargs={"deferred": deferred})
    return _send(WORD_TASK, report_id, "docx_enqueue_failed", priority=WORD_PRIORITY)


def _send(task: str, report_id: int, failure: str, **options) -> bool:
    try:
        current_app.send_task(task, args=(report_id,), retry=True, retry_policy=_RETRY_POLICY, **options)
    except Exception as exc:  # kombu/redis connection errors: the approval has committed anyway
        log.warning(failure, report=report_id, error=f"{type(exc).__name__}: {exc}"[:300])
        return False
    return True
