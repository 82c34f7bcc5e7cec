"""Writes of the 区管理员 about reporting years: opening one, its deadline and reminder schedule,
each recorded in the administrators' log (AdminAction) in its transaction. Reminding the bodies
that have not submitted, with one click or on schedule, is the review's one reminder service
(reports/review/reminders.py)."""

from datetime import date

import structlog
from django.db import transaction
from django.utils import timezone

from agencies.admin_services import admin_action_record
from agencies.models import AdminAction, District, User
from config.dates import cn_date

from ..errors import ReportError
from ..formats import FIRST_YEAR, VARIANT_NAMES, UnknownFormatError, format_version_for_year, get_format
from ..models import ReportingYear
from ..review.reminders import reports_remind  # noqa: F401  (the board's 一键催报)
from ..services import reporting_year_open

log = structlog.get_logger(__name__)


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
    admin_action_record(
        district=district, actor=by, kind=AdminAction.Kind.YEAR_OPENED,
        summary=f"开启{year}年度报告：{reporting_year.reports.count()} 个单位，报送截止{cn_date(deadline)}",
        data={"year": year, "deadline": deadline.isoformat(), "reminder_days": reporting_year.reminder_days,
              "variant": variant, "reports": reporting_year.reports.count()},
    )
    return reporting_year


@transaction.atomic
def reporting_year_schedule_update(*, reporting_year: ReportingYear, deadline: date, reminder_days: list[int],
                                   by: User) -> ReportingYear:
    if deadline <= date(reporting_year.year, 12, 31):
        raise ReportError("报送截止日期应在报告年度结束之后。")
    reporting_year = ReportingYear.objects.select_for_update().get(pk=reporting_year.pk)
    before = {"deadline": reporting_year.deadline.isoformat(), "reminder_days": list(reporting_year.reminder_days)}
    after = {"deadline": deadline.isoformat(), "reminder_days": list(reminder_days)}
    if before == after:
        return reporting_year
    old_deadline = reporting_year.deadline
    reporting_year.deadline, reporting_year.reminder_days = deadline, reminder_days
    reporting_year.save(update_fields=["deadline", "reminder_days"])
    changes = []
    if old_deadline != deadline:
        changes.append(f"报送截止日期 {cn_date(old_deadline)} → {cn_date(deadline)}")
    if before["reminder_days"] != after["reminder_days"]:
        changes.append("催报提醒（截止前天数）"
                       f"{'、'.join(map(str, before['reminder_days'])) or '无'} → {'、'.join(map(str, reminder_days)) or '无'}")
    admin_action_record(district=reporting_year.district, actor=by, kind=AdminAction.Kind.YEAR_SCHEDULE_CHANGED,
                        summary=f"{reporting_year.year}年度：" + "；".join(changes),
                        data={"year": reporting_year.year, "before": before, "after": after})
    log.info("reporting_year_schedule_updated", year=reporting_year.year, by=by.pk, deadline=str(deadline),
             reminder_days=reminder_days)
    return reporting_year
