"""Celery tasks of the review. Idempotent: the reminders already sent are in ReminderSent."""

from celery import shared_task

from .notifications import reminders_send, send_notification_emails


@shared_task(name="review.send_reminders")
def send_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): computes from the database who is due a reminder today;
    running it twice the same day sends nothing more."""
    return reminders_send()


@shared_task(name="review.send_notification_emails")
def send_emails(notification_ids: list[int]) -> int:
    """Mails the given notices that have not been mailed yet."""
    return send_notification_emails(notification_ids)
