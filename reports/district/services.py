"""Writes of the 区管理员 about reporting years: opening one, its deadline and reminder schedule,
and reminding, with one click, the bodies that have not submitted (each reminder goes into the
report's timeline). The scheduled reminders on `reminder_days` are sent by the review's daily task
(reports/review/notifications.py reminders_send)."""

from datetime import date, datetime
from functools import partial

import structlog
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from agencies.models import District, Role, RoleAssignment, User
from config.client_ip import client_ip

from ..errors import ReportError
from ..formats import FIRST_YEAR, VARIANT_NAMES, UnknownFormatError, format_version_for_year, get_format
from ..models import ReportEvent, ReportingYear, ReportStatus
from ..services import reporting_year_open

log = structlog.get_logger(__name__)

NOT_SUBMITTED = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def parse_reminder_days(text: str) -> list[int]:
    """"14,7,3,1" (full-width commas and 、 too) → [14, 7, 3, 1]; raises ReportError."""
    parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]
    try:
        days = sorted({int(p) for p in parts}, reverse=True)
    except ValueError:
        raise ReportError("催报提醒请填写截止日期前的天数，用逗号分隔，例如：14,7,3,1。") from None
    if any(d < 0 or d > 366 for d in days):
        raise ReportError("催报提醒的天数应在 0 到 366 之间。")
    return days


@transaction.atomic
def district_year_open(*, district: District, year: int, by: User, deadline: date | None = None,
                       reminder_days: list[int] | None = None, variant: str = "") -> ReportingYear:
    """Open a year (every active body gets its draft with the carry-over) with its schedule."""
    if year > timezone.localdate().year:
        raise ReportError(f"{year}年尚未开始，不能开启该年度的报告。")
    if year < FIRST_YEAR:
        raise ReportError(f"没有{year}年度的报告格式：《条例》修订后的第一个格式适用于{FIRST_YEAR}年度。")
    if variant:
        try:
            get_format(format_version_for_year(year), variant)
        except UnknownFormatError:
            raise ReportError(f"{format_version_for_year(year)}年格式没有“{VARIANT_NAMES.get(variant, variant)}”"
                              "地方格式，请选择全国统一格式。") from None
    deadline = deadline or ReportingYear.default_deadline(year)
    if deadline <= date(year, 12, 31):
        raise ReportError("报送截止日期应在报告年度结束之后。")
    reporting_year = reporting_year_open(district=district, year=year, by=by, deadline=deadline, variant=variant)
    reporting_year.reminder_days = [14, 7, 3, 1] if reminder_days is None else reminder_days
    reporting_year.save(update_fields=["reminder_days"])
    return reporting_year


@transaction.atomic
def reporting_year_schedule_update(*, reporting_year: ReportingYear, deadline: date, reminder_days: list[int],
                                   by: User) -> ReportingYear:
    if deadline <= date(reporting_year.year, 12, 31):
        raise ReportError("报送截止日期应在报告年度结束之后。")
    reporting_year = ReportingYear.objects.select_for_update().get(pk=reporting_year.pk)
    reporting_year.deadline, reporting_year.reminder_days = deadline, reminder_days
    reporting_year.save(update_fields=["deadline", "reminder_days"])
    log.info("reporting_year_schedule_updated", year=reporting_year.year, by=by.pk, deadline=str(deadline),
             reminder_days=reminder_days)
    return reporting_year


def _send(messages: list[tuple]) -> None:
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # the timeline already says who was reminded; a mail outage must not hide it
        log.exception("reminder_mail_failed", count=len(messages))


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@transaction.atomic
def reports_remind(*, reporting_year: ReportingYear, by: User | None, not_since: datetime | None = None,
                   request=None) -> int:
    """Remind every body whose report is not submitted yet: a REMINDED event in each timeline and a
    mail to its fillers, sent after the commit. Reports reminded after `not_since` are skipped (a
    double click, or the scheduled run of the same day). Returns the number of reports reminded."""
    reports = list(reporting_year.reports.filter(status__in=NOT_SUBMITTED).select_related("body"))
    if not_since is not None:
        recent = set(ReportEvent.objects.filter(report__in=reports, kind=ReportEvent.Kind.REMINDED,
                                                created_at__gte=not_since).values_list("report_id", flat=True))
        reports = [r for r in reports if r.pk not in recent]
    if not reports:
        return 0
    fillers: dict[int, list] = {}
    for assignment in RoleAssignment.objects.current().filter(
            role=Role.FILLER, body_id__in=[r.body_id for r in reports]).select_related("user"):
        if assignment.user.is_active and assignment.user.email:
            fillers.setdefault(assignment.body_id, []).append(assignment.user)
    today = timezone.localdate()
    days_left = (reporting_year.deadline - today).days
    when = f"还有 {days_left} 天" if days_left > 0 else ("今天截止" if days_left == 0 else f"已逾期 {-days_left} 天")
    comment = f"催报提醒：{reporting_year.year}年度报告的报送截止日期为{_cn(reporting_year.deadline)}（{when}）。"
    ip = None if request is None else client_ip(request)
    events, mails = [], []
    for report in reports:
        recipients = [u.email for u in fillers.get(report.body_id, [])]
        events.append(ReportEvent(report=report, kind=ReportEvent.Kind.REMINDED, actor=by, comment=comment,
                                  data={"recipients": recipients, "deadline": reporting_year.deadline.isoformat(),
                                        "scheduled": by is None}, ip_address=ip))
        if recipients:
            body = (f"{report.body_name}：\n\n您单位的《{report.title}》尚未提交审核。{comment}\n"
                    f"请登录年报系统填写并提交。\n\n—— 年报系统（本邮件由系统发送，请勿回复）")
            mails.append((f"【催报】{report.title}", body, settings.DEFAULT_FROM_EMAIL, recipients))
    ReportEvent.objects.bulk_create(events)
    if mails:
        transaction.on_commit(partial(_send, mails))
    log.info("reports_reminded", year=reporting_year.year, district=reporting_year.district_id,
             reports=len(reports), mails=len(mails), by=by.pk if by else None)
    return len(reports)
