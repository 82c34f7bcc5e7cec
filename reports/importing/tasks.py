"""Reading an upload of the 导入历史报告 page in the background: one task per file, so that a ZIP of
a portal column is read by every worker at once; each task takes a batch id and an entry number, is
idempotent (an entry already read is skipped) and bounded in time. The page polls the batch's state
for progress. Staged uploads are removed by the hourly sweep."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import batch

# One published report: a PDF of up to pdf.MAX_PAGES pages reads in seconds; one that takes minutes
# is broken or hostile, and only that file is given up.
ENTRY_SOFT_TIME_LIMIT = 3 * 60
ENTRY_TIME_LIMIT = ENTRY_SOFT_TIME_LIMIT + 30


@shared_task(name="importing.parse_batch")
def parse_batch(batch_id: str) -> int:
    """Queue the reading of every entry not yet read; returns how many were queued."""
    waiting = batch.waiting_entries(batch_id)
    for number in waiting:
        parse_entry.delay(batch_id, number)
    return len(waiting)


@shared_task(name="importing.parse_entry", acks_late=True, soft_time_limit=ENTRY_SOFT_TIME_LIMIT,
             time_limit=ENTRY_TIME_LIMIT)
def parse_entry(batch_id: str, number: int) -> str:
    try:
        return "read" if batch.entry_read(batch_id, number) else "skipped"
    except SoftTimeLimitExceeded:
        batch.entry_stop(batch_id, number, "读取超时：这个文件过大或过于复杂，请换用 .docx 或文字版 PDF，"
                                           "或直接填写各单元格。")
        return "timeout"


@shared_task(name="importing.sweep_batches")
def sweep_batches() -> int:
    return batch.batches_sweep()
