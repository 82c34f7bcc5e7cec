"""Telling the next people to act: an in-app notice and an e-mail with the same text.

The notices are written in the transaction of the action (they exist exactly when it committed);
the e-mails go out after the commit, so a rolled-back approval never mails anyone.
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


def notify(*, users, report, kind: str, title: str, body: str = "", url: str = "",
           exclude=None) -> list[Notification]:
    """One notice per person (without duplicates, never to the person who acted)."""
    seen, created = set(), []
    for user in users:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        created.append(Notification.objects.create(
            recipient=user, report=report, kind=kind, title=title, body=body, url=url or report_url(report),
        ))
    if created and not _mail_muted.get():
        transaction.on_commit(partial(send_notification_emails, [n.pk for n in created]))
    return created


def send_notification_emails(notification_ids: list[int]) -> int:
    """Idempotent: a notice already mailed is skipped. Returns how many e-mails went out."""
    sent = 0
    site = getattr(settings, "SITE_URL", "")
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for notice in pending.select_related("recipient"):
        if not notice.recipient.email:
            continue
        text = (f"{notice.recipient.display_name}：\n\n{notice.body or notice.title}\n\n"
                f"请登录年报系统处理：{site}{notice.url}\n")
        try:
            send_mail(f"【年报系统】{notice.title}", text, None, [notice.recipient.email])
        except Exception:  # the notice is in the app anyway; the daily task retries the mail
            log.exception("review_notification_email_failed", notification=notice.pk)
            continue
        Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def retry_unsent_emails() -> int:
    """Notices of the last two days whose e-mail did not go out (older than ten minutes, so that
    a mail being sent right now is not sent twice)."""
    from datetime import timedelta

    now = timezone.now()
    ids = Notification.objects.filter(
        emailed_at__isnull=True, created_at__lt=now - timedelta(minutes=10),
        created_at__gte=now - timedelta(days=2),
    ).exclude(recipient__email="").values_list("pk", flat=True)
    return send_notification_emails(list(ids))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# ---------------------------------------------------------------------------------------------
# Daily reminders: computed from the database each day; ReminderSent makes each one go out once.

DEADLINE_DAYS = (14, 7, 3, 1)  # when ReportingYear.reminder_days is empty
WAIT_DAYS = 3


def _day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _deadline_key(days_left: int, thresholds=DEADLINE_DAYS) -> str | None:
    """The reminder due: the nearest threshold not yet passed (so a day the task did not run is
    caught up the next day, still once)."""
    for threshold in sorted(int(t) for t in thresholds):
        if 0 <= days_left <= threshold:
            return f"deadline-{threshold}"
    return None


def _remind(report, users, *, key: str, title: str, body: str, what: str, url: str = "") -> int:
    """Send the reminder `key` about `report` to each of `users` who has not had it yet."""
    from django.db import IntegrityError

    from reports.models import ReportEvent
    from reports.timeline import event_record

    from .models import ReminderSent

    sent = 0
    with transaction.atomic():
        for user in {u.pk: u for u in users}.values():
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(report=report, recipient=user, key=key)
            except IntegrityError:
                continue
            notify(users=[user], report=report, kind="reminder", title=title, body=body, url=url)
            sent += 1
        if sent:
            event_record(report=report, kind=ReportEvent.Kind.REMINDED, comment=title,
                         data={"key": key, "what": what, "recipients": sent})
    return sent


def reminders_send(*, today=None) -> int:
    """Deadline reminders to bodies not yet submitted (14, 7, 3, 1 days before), escalation of
    overdue reports to the 主管主任 and the district administrators, and reminders to reviewers
    of reports waiting more than three days. Returns how many notices were sent."""
    from datetime import timedelta

    from reports.models import AnnualReport, ReportingYear, ReportStatus

    from .selectors import waiting_since

    today = today or timezone.localdate()
    now = timezone.now()
    S = ReportStatus
    sent = 0
    latest_years = [ReportingYear.objects.filter(district_id=d).order_by("-year").first()
                    for d in ReportingYear.objects.values_list("district_id", flat=True).distinct()]
    for year in filter(None, latest_years):
        days_left = (year.deadline - today).days
        key = _deadline_key(days_left, year.reminder_days or DEADLINE_DAYS)
        open_reports = year.reports.filter(status__in=[S.DRAFT, S.RETURNED], imported=False).select_related(
            "body", "body__district", "reporting_year")
        for report in open_reports:
            deadline = _day(year.deadline)
            if key:
                left = "今天" if days_left == 0 else f"还有 {days_left} 天"
                sent += _remind(
                    report, people_of(report.body, Role.FILLER), key=key,
                    title=f"{report.title}距报送截止{left}",
                    body=f"{report.title}尚未提交，报送截止日期为{deadline}（{left}），请抓紧填报并提交审核。",
                    what=f"截止前提醒：{left}", url=report_url(report, "reports:overview"),
                )
            elif days_left < 0:
                sent += _remind(
                    report,
                    people_of(report.body, Role.DIRECTOR, Role.FILLER) + district_admins(report.body.district),
                    key="overdue", title=f"{report.title}已逾期未报送",
                    body=f"{report.title}的报送截止日期为{deadline}，至今尚未提交审核，已逾期 {-days_left} 天。",
                    what=f"逾期 {-days_left} 天，已告知主管主任和区管理员",
                    url=report_url(report, "reports:overview"),
                )
    pending = AnnualReport.objects.filter(status__in=[S.PENDING_HEAD, S.PENDING_DIRECTOR]).select_related(
        "body", "reporting_year")
    for report in pending:
        since = waiting_since(report)
        if since is None or now - since <= timedelta(days=WAIT_DAYS):
            continue
        entered = report.events.filter(to_status=report.status).order_by("-created_at", "-pk").first()
        role = Role.DEPT_HEAD if report.status == S.PENDING_HEAD else Role.DIRECTOR
        days = (now - since).days
        sent += _remind(
            report, people_of(report.body, role), key=f"waiting-{entered.pk}",
            title=f"{report.title}已等待审核 {days} 天",
            body=f"{report.title}于{_day(timezone.localtime(since))}提交到您这一级，已等待 {days} 天，请尽快审核。",
            what=f"待审核已 {days} 天，提醒{'部门负责人' if role == Role.DEPT_HEAD else '主管主任'}",
        )
    log.info("review_reminders_sent", sent=sent, day=today.isoformat())
    return sent
