"""Reminders (催报): one service, `report_remind`, for the daily run and for the district
administrator's 一键催报 alike. Each reminder is an in-app notice (with its e-mail, queued after the
commit), one ReminderSent row per person (what makes it go out once) and one REMINDED row in the
report's timeline, all in one transaction.
"""

from datetime import datetime, timedelta

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Role, User
from config.dates import cn_date
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.timeline import event_record
from reports.workflow import HOLDER_ROLE, NOT_SUBMITTED, REVIEW_STATUSES

from .models import ReminderSent
from .notifications import district_admins, notify, people_of, report_url

log = structlog.get_logger(__name__)
S = ReportStatus

DEADLINE_DAYS = (14, 7, 3, 1)  # when ReportingYear.reminder_days is empty
WAIT_DAYS = 3
ROLE_LABELS = dict(Role.choices)


@transaction.atomic
def report_remind(*, report: AnnualReport, users, key: str, title: str, body: str, what: str,
                  comment: str = "", url: str = "", by: User | None = None, request=None,
                  record_if_nobody: bool = False) -> int:
    """Remind each of `users` who has not had reminder `key` about `report` yet. Returns how many
    people were reminded. The timeline gets one row when anyone was (or, for a person's click,
    always: the click itself is worth recording)."""
    reminded = []
    for user in {u.pk: u for u in users if u is not None}.values():
        try:
            with transaction.atomic():
                ReminderSent.objects.create(report=report, recipient=user, key=key)
        except IntegrityError:
            continue
        notify(users=[user], report=report, kind="reminder", title=title, body=body, url=url)
        reminded.append(user)
    if reminded or record_if_nobody:
        event_record(report=report, kind=ReportEvent.Kind.REMINDED, actor=by, comment=comment or title,
                     request=request, data={"key": key, "what": what, "scheduled": by is None,
                                            "recipients": [u.display_name for u in reminded],
                                            "recipient_ids": [u.pk for u in reminded]})
    return len(reminded)


def _deadline_key(days_left: int, thresholds=DEADLINE_DAYS) -> str | None:
    """The reminder due: the nearest threshold not yet passed (so a day the task did not run is
    caught up the next day, still once)."""
    for threshold in sorted(int(t) for t in thresholds):
        if 0 <= days_left <= threshold:
            return f"deadline-{threshold}"
    return None


def _when(days_left: int) -> str:
    return f"还有 {days_left} 天" if days_left > 0 else ("今天截止" if days_left == 0 else f"已逾期 {-days_left} 天")


@transaction.atomic
def reports_remind(*, reporting_year: ReportingYear, by: User, not_since: datetime | None = None,
                   request=None) -> int:
    """一键催报: remind the fillers of every body whose report is not submitted yet. Reports
    reminded after `not_since` are skipped (a double click). Returns the number of reports."""
    reports = list(reporting_year.reports.of_reporting_bodies().filter(status__in=NOT_SUBMITTED, imported=False)
                   .select_related("body", "reporting_year"))
    if not_since is not None:
        recent = set(ReportEvent.objects.filter(report__in=reports, kind=ReportEvent.Kind.REMINDED,
                                                created_at__gte=not_since).values_list("report_id", flat=True))
        reports = [r for r in reports if r.pk not in recent]
    deadline, when = cn_date(reporting_year.deadline), _when((reporting_year.deadline - timezone.localdate()).days)
    key = f"manual-{timezone.now().isoformat(timespec='seconds')}"
    for report in reports:
        report_remind(
            report=report, users=people_of(report.body, Role.FILLER), key=key, by=by, request=request,
            title=f"催报：{report.title}尚未提交",
            body=f"您单位的{report.title}尚未提交审核，报送截止日期为{deadline}（{when}），请尽快填写并提交。",
            comment=f"催报提醒：{reporting_year.year}年度报告的报送截止日期为{deadline}（{when}）。",
            what=f"区管理员催报：{when}", url=report_url(report, "reports:overview"), record_if_nobody=True,
        )
    log.info("reports_reminded", year=reporting_year.year, district=reporting_year.district_id,
             reports=len(reports), by=by.pk)
    return len(reports)


def reminders_send(*, today=None) -> int:
    """Daily: deadline reminders to bodies not yet submitted (14, 7, 3, 1 days before), escalation of
    overdue reports to the 主管主任 and the district administrators, and reminders to reviewers of
    reports waiting more than three days. Returns how many people were reminded."""
    from .selectors import waiting_since

    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    latest_years = [ReportingYear.objects.filter(district_id=d).order_by("-year").first()
                    for d in ReportingYear.objects.values_list("district_id", flat=True).distinct()]
    for year in filter(None, latest_years):
        days_left = (year.deadline - today).days
        key = _deadline_key(days_left, year.reminder_days or DEADLINE_DAYS)
        open_reports = year.reports.of_reporting_bodies().filter(status__in=NOT_SUBMITTED, imported=False).select_related(
            "body", "body__district", "reporting_year")
        deadline = cn_date(year.deadline)
        for report in open_reports:
            if key:
                left = "今天" if days_left == 0 else f"还有 {days_left} 天"
                sent += report_remind(
                    report=report, users=people_of(report.body, Role.FILLER), key=key,
                    title=f"{report.title}距报送截止{left}",
                    body=f"{report.title}尚未提交，报送截止日期为{deadline}（{left}），请抓紧填报并提交审核。",
                    what=f"截止前提醒：{left}", url=report_url(report, "reports:overview"),
                )
            elif days_left < 0:
                sent += report_remind(
                    report=report,
                    users=people_of(report.body, Role.DIRECTOR, Role.FILLER) + district_admins(report.body.district),
                    key="overdue", title=f"{report.title}已逾期未报送",
                    body=f"{report.title}的报送截止日期为{deadline}，至今尚未提交审核，已逾期 {-days_left} 天。",
                    what=f"逾期 {-days_left} 天，已告知主管主任和区管理员",
                    url=report_url(report, "reports:overview"),
                )
    pending = AnnualReport.objects.filter(status__in=REVIEW_STATUSES).select_related("body", "reporting_year")
    for report in pending:
        since = waiting_since(report)
        if since is None or now - since <= timedelta(days=WAIT_DAYS):
            continue
        entered = report.events.filter(to_status=report.status).order_by("-created_at", "-pk").first()
        role = HOLDER_ROLE[report.status]
        days = (now - since).days
        sent += report_remind(
            report=report, users=people_of(report.body, role), key=f"waiting-{entered.pk}",
            title=f"{report.title}已等待审核 {days} 天",
            body=f"{report.title}于{cn_date(since)}提交到您这一级，已等待 {days} 天，请尽快审核。",
            what=f"待审核已 {days} 天，提醒{ROLE_LABELS[role]}",
        )
    log.info("review_reminders_sent", sent=sent, day=today.isoformat())
    return sent
