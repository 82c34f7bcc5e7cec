"""Celery tasks of the review. Each takes ids and is idempotent: a notice is mailed once
(`Notification.emailed_at`), a reminder is sent once (ReminderSent)."""

import structlog
from celery import shared_task

from .notifications import retry_unsent_emails, send_notification_emails
from .reminders import reminders_send

log = structlog.get_logger(__name__)


class MailNotSent(Exception):
    """Some e-mails failed (mail server down or slow): raised so that Celery retries the task."""


@shared_task(name="review.send_notification_emails", autoretry_for=(MailNotSent,), retry_backoff=30,
             retry_backoff_max=30 * 60, retry_jitter=True, max_retries=6)
def send_notification_emails_task(notification_ids: list[int]) -> int:
    """Queued after the commit of the action that wrote the notices (never sent inside a request).
    Retried with backoff while the mail server refuses; the notices already mailed are skipped,
    and after the last retry the daily task tries once more."""
    sent, failed = send_notification_emails(list(notification_ids))
    if failed:
        raise MailNotSent(f"{failed} 封邮件未能发送")
    return sent


@shared_task(name="review.send_reminders")
def send_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): computes from the database who is due a reminder today;
    running it twice the same day sends nothing more. Also mails again the notices whose e-mail
    failed (mail server down at the time)."""
    sent = reminders_send()
    retry_unsent_emails()
    return sent
