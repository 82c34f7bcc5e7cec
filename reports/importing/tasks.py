"""Reading an upload of the 导入历史报告 page in the background: one batch id, idempotent (a rerun
skips the entries already read), bounded in time; the page polls the batch's state for progress."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import batch

SOFT_TIME_LIMIT = 15 * 60  # a ZIP of 200 PDFs at a few seconds each
TIME_LIMIT = SOFT_TIME_LIMIT + 60


@shared_task(name="importing.parse_batch", acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def parse_batch(batch_id: str) -> str:
    try:
        batch.batch_parse(batch_id)
    except SoftTimeLimitExceeded:
        batch.batch_stop(batch_id, "读取超时：文件过多或过大，请分批上传。")
        return "timeout"
    return "done"
