"""Writes of the 区管理员 about reporting years: opening one (a past one once confirmed), its deadline
and reminder schedule, reports for bodies added after the year was opened, each recorded in the
administrators' log (AdminAction) in its transaction. Reminding the bodies that have not submitted,
with one click or on schedule, is the review's one reminder service (reports/review/reminders.py)."""

from dataclasses import dataclass
from datetime import date

import structlog
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from agencies.admin_services import admin_action_record
from agencies.models import AdminAction, Body, District, User
from config.dates import cn_date

from ..errors import ReportError
from ..formats import FIRST_YEAR, VARIANT_NAMES, UnknownFormatError, format_version_for_year, get_format
from ..models import AnnualReport, ReportingYear
from ..review.reminders import reports_remind  # noqa: F401  (the board's 一键催报)
from ..services import annual_report_create, reporting_year_open

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


@dataclass(frozen=True)
class YearOpening:
    """What opening a year will do: the drafts it creates, and whether they are overdue at once."""

    year: int
    deadline: date
    drafts: int
    past_deadline: bool


def district_year_opening(*, district: District, year: int, deadline: date | None = None,
                          variant: str = "") -> YearOpening:
    """Check that a year may be opened (raises ReportError) and say what opening it creates."""
    if year > timezone.localdate().year:
        raise ReportError(f"{year}年尚未开始，不能开启该年度的报告。")
    if year < FIRST_YEAR:
        raise ReportError(f"没有{year}年度的报告格式：《条例》修订后的第一个格式适用于{FIRST_YEAR}年度。")
    if ReportingYear.objects.filter(district=district, year=year).exists():
        raise ReportError(f"{year}年度已经开启。")
    if variant:
        try:
            get_format(format_version_for_year(year), variant)
        except UnknownFormatError:
            raise ReportError(f"{format_version_for_year(year)}年格式没有“{VARIANT_NAMES.get(variant, variant)}”"
                              "地方格式，请选择全国统一格式。") from None
    deadline = deadline or ReportingYear.default_deadline(year)
    if deadline <= date(year, 12, 31):
        raise ReportError("报送截止日期应在报告年度结束之后。")
    drafts = Body.objects.filter(district=district).active_in_year(year).count()
    return YearOpening(year, deadline, drafts, past_deadline=deadline < timezone.localdate())


@transaction.atomic
def district_year_open(*, district: District, year: int, by: User, deadline: date | None = None,
                       reminder_days: list[int] | None = None, variant: str = "") -> ReportingYear:
    """Open a year (every active body gets its draft with the carry-over) with its schedule."""
    opening = district_year_opening(district=district, year=year, deadline=deadline, variant=variant)
    reporting_year = reporting_year_open(district=district, year=year, by=by, deadline=opening.deadline,
                                         variant=variant)
    reporting_year.reminder_days = [14, 7, 3, 1] if reminder_days is None else reminder_days
    reporting_year.save(update_fields=["reminder_days"])
    admin_action_record(
        district=district, actor=by, kind=AdminAction.Kind.YEAR_OPENED,
        summary=f"开启{year}年度报告：{reporting_year.reports.count()} 个单位，报送截止{cn_date(opening.deadline)}",
        data={"year": year, "deadline": opening.deadline.isoformat(), "reminder_days": reporting_year.reminder_days,
              "variant": variant, "reports": reporting_year.reports.count()},
    )
    return reporting_year


# ---------------------------------------------------------------------------------------------
# Bodies added after their year was opened


def bodies_without_report(reporting_year: ReportingYear):
    """Bodies added (新增单位, by an administrator) after the year was opened, that existed during the
    year and have no report on it. A body that was there when the year was opened and has no report
    (a year of imported history, say) is not "new": nobody is asked to fill in for it."""
    added_since = AdminAction.objects.filter(body=OuterRef("pk"), kind=AdminAction.Kind.BODY_CREATED,
                                             created_at__gte=reporting_year.opened_at)
    return (Body.objects.filter(district_id=reporting_year.district_id).active_in_year(reporting_year.year)
            .filter(Exists(added_since)).exclude(annual_reports__reporting_year=reporting_year))


@transaction.atomic
def reports_create_for_new_bodies(*, reporting_year: ReportingYear, bodies, by: User,
                                  automatic: bool = False) -> list[AnnualReport]:
    """为新增单位创建报告: each body gets its draft of the year (with the carry-over from its previous
    report, if any), recorded in the admin log. A body that already has one, or did not exist
    during the year, is refused."""
    reporting_year = ReportingYear.objects.select_for_update().get(pk=reporting_year.pk)
    wanted = {body.pk for body in bodies}
    missing = list(bodies_without_report(reporting_year).filter(pk__in=wanted).prefetch_related("names"))
    if not wanted or len(missing) != len(wanted):
        raise ReportError("所选单位已有该年度的报告，或在该年度尚未启用，请刷新页面后重试。")
    created = []
    for body in missing:
        report = annual_report_create(reporting_year=reporting_year, body=body)
        admin_action_record(
            district=reporting_year.district, actor=by, kind=AdminAction.Kind.REPORT_CREATED, body=body,
            summary=f"为新增单位{body.name}创建{reporting_year.year}年度报告草稿"
                    + ("（新增单位时自动创建）" if automatic else ""),
            data={"year": reporting_year.year, "report": report.pk, "automatic": automatic})
        created.append(report)
    log.info("reports_created_for_new_bodies", year=reporting_year.year, district=reporting_year.district_id,
             bodies=[b.pk for b in missing], automatic=automatic, by=by.pk)
    return created


def reports_for_new_body(*, body: Body, by: User) -> list[AnnualReport]:
    """A body added while a year is being collected (its deadline not yet passed) reports on it too,
    at once. After the deadline the administrator decides, on the 报告年度 page."""
    created = []
    for reporting_year in ReportingYear.objects.filter(district_id=body.district_id,
                                                       deadline__gte=timezone.localdate()):
        if bodies_without_report(reporting_year).filter(pk=body.pk).exists():
            created += reports_create_for_new_bodies(reporting_year=reporting_year, bodies=[body], by=by,
                                                     automatic=True)
    return created


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
