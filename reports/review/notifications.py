"""Telling the next people to act: an in-app notice and an e-mail with the same text.

The notices are written in the transaction of the action (they exist exactly when it committed).
The e-mails are sent by a Celery task queued after the commit (reports/review/tasks.py): a
rolled-back approval never mails anyone, and a slow mail server never holds up a request. Each
notice is mailed once (`emailed_at`); the daily task mails again what failed.
"""

import contextvars
from contextlib import contextmanager
from functools import partial

import structlog
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role, RoleAssignment, User
from config.compiled import CompiledQuery

from .models import Notification

log = structlog.get_logger(__name__)

_mail_muted = contextvars.ContextVar("review_mail_muted", default=False)


@contextmanager
def mail_muted():
    """Notices without e-mails (the demo seeder, which would flood the console)."""
    token = _mail_muted.set(True)
    try:
        yield
    finally:
        _mail_muted.reset(token)


def people_of(body, *roles) -> list[User]:
    ids = RoleAssignment.objects.current().filter(body=body, role__in=roles).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def district_admins(district) -> list[User]:
    ids = RoleAssignment.objects.current().filter(district=district, role=Role.DISTRICT_ADMIN).values_list(
        "user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def report_url(report, name="review:report") -> str:
    return reverse(name, args=[report.pk])


def absolute_url(path: str) -> str:
    """Links in e-mails are read outside the site: NIANBAO_SITE_URL + the path."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def notify(*, users, report, kind: str, title: str, body: str = "", url: str = "",
           exclude=None) -> list[Notification]:
    """One notice per person (without duplicates, never to the person who acted), in one insert."""
    seen, created = set(), []
    for user in users:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        created.append(Notification(recipient=user, report=report, kind=kind, title=title, body=body,
                                    url=url or report_url(report)))
    created = Notification.objects.bulk_create(created) if created else created
    if created and not _mail_muted.get():
        transaction.on_commit(partial(enqueue_emails, [n.pk for n in created]))
    return created


def enqueue_emails(notification_ids: list[int]) -> bool:
    """Queue the mail task; a broker that is down is logged, not raised (the action has committed,
    the notices are in the app, and the daily task mails what is left)."""
    from reports.publishing.enqueue import MAIL_PRIORITY

    from .tasks import send_notification_emails_task

    try:
        send_notification_emails_task.apply_async((notification_ids,), priority=MAIL_PRIORITY, retry=True, retry_policy={
            "max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1})
    except Exception as exc:  # kombu/redis connection errors
        log.warning("notification_email_enqueue_failed", notifications=notification_ids,
                    error=f"{type(exc).__name__}: {exc}"[:300])
        return False
    return True


def email_text(notice: Notification) -> str:
    return (f"{notice.recipient.display_name}：\n\n{notice.body or notice.title}\n\n"
            f"请登录年报系统处理：{absolute_url(notice.url)}\n\n—— 年报系统（本邮件由系统发送，请勿回复）\n")


def send_notification_emails(notification_ids: list[int]) -> tuple[int, int]:
    """Mail each notice not mailed yet. Idempotent: a notice is locked while it is mailed and marked
    `emailed_at` in the same transaction, so a redelivered task or a concurrent run sends nothing
    twice. Returns (sent, failed)."""
    sent = failed = 0
    for pk in notification_ids:
        with transaction.atomic():
            # The notice's row only (`of`): locking its recipient's too, a mail in the sending held up
            # that person's sign-in (last_login), and another notice to them was skipped until the
            # daily run.
            notice = (Notification.objects.select_for_update(skip_locked=True, of=("self",)).select_related("recipient")
                      .filter(pk=pk, emailed_at__isnull=True).first())
            if notice is None or not notice.recipient.email or not notice.recipient.is_active:
                continue
            try:
                send_mail(f"【年报系统】{notice.title}", email_text(notice), None, [notice.recipient.email])
            except Exception:  # the notice is in the app anyway; the task retries, then the daily run
                log.exception("review_notification_email_failed", notification=notice.pk)
                failed += 1
                continue
            Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent, failed


def retry_unsent_emails() -> int:
    """Notices of the last two days whose e-mail did not go out (older than ten minutes, so that
    a mail being sent right now is not sent twice)."""
    from datetime import timedelta

    now = timezone.now()
    ids = Notification.objects.filter(
        emailed_at__isnull=True, created_at__lt=now - timedelta(minutes=10),
        created_at__gte=now - timedelta(days=2),
    ).exclude(recipient__email="").values_list("pk", flat=True)
    return send_notification_emails(list(ids))[0]


def unread_count(user) -> int:
    """The navigation badge: one COUNT query, compiled once a process (config/compiled.py)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return UNREAD_COUNT.value(user=user.pk)


UNREAD_COUNT = CompiledQuery(lambda user: Notification.objects.filter(recipient_id=user, read_at__isnull=True)
                             .values_list("pk"), count=True)


def people_involved(report) -> list[User]:
    """Its fillers and reviewers (部门负责人, 主管主任): told of a publication or a correction."""
    return people_of(report.body, Role.FILLER, Role.DEPT_HEAD, Role.DIRECTOR)
