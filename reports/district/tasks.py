"""The daily reminder run (Celery beat: once a day, e.g. 09:00). Idempotent: run twice on one day,
it reminds nobody twice."""

from celery import shared_task


@shared_task(name="reports.district.send_scheduled_reminders")
def send_scheduled_reminders() -> int:
    from .services import scheduled_reminders_send

    return scheduled_reminders_send()
