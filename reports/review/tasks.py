"""Celery tasks of the review. Idempotent: the reminders already sent are in ReminderSent."""

from celery import shared_task

from .notifications import reminders_send, retry_unsent_emails


@shared_task(name="review.send_reminders")
def send_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): computes from the database who is due a reminder today;
    running it twice the same day sends nothing more. Also mails again the notices whose e-mail
    failed (mail server down at the time)."""
    sent = reminders_send()
    retry_unsent_emails()
    return sent
