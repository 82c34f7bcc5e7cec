"""Reporting years (open, schedule) and the progress board: holders, days, overdue, counts, chart,
filters, XLSX, the one-click reminder; a constant number of queries."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agencies.admin_services import body_create
from agencies.models import AdminAction
from reports.district.selectors import BoardFilters, progress_board, weekly_progress
from reports.district.services import (
    bodies_without_report,
    district_year_open,
    reports_create_for_new_bodies,
    reports_remind,
)
from reports.errors import ReportError
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.review.models import Notification
from reports.workflow import report_transition
from tests.factories import BodyFactory, RoleAssignmentFactory
from tests.report_factories import ReportingYearFactory

pytestmark = pytest.mark.django_db


def _open(people, year=2025, **kwargs):
    return district_year_open(district=people.district, year=year, by=people.admin, **kwargs)


def test_open_year_creates_drafts_with_schedule(people):
    year = _open(people, reminder_days=[10, 2])
    assert year.format_version == "2021" and year.deadline == date(2026, 1, 31)
    assert year.reminder_days == [10, 2]
    assert set(year.reports.values_list("body__code", flat=True)) == {"donghuashi", "tiantan"}
    assert all(s == ReportStatus.DRAFT for s in year.reports.values_list("status", flat=True))
    with pytest.raises(ReportError, match="已经开启"):
        _open(people)
    with pytest.raises(ReportError, match="没有“北京市”地方格式"):
        _open(people, year=2024, variant="beijing")
    assert _open(people, year=2020, variant="beijing").format_variant == "beijing"


@time_machine.travel(date(2026, 1, 10), tick=False)
def test_open_page_defaults_and_errors(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("district:year_open"), {"year": "2025", "deadline": "", "reminder_days": "14，7、3"})
    year = ReportingYear.objects.get(year=2025)
    assert response.status_code == 302 and response["Location"] == reverse("district:board", args=[year.pk])
    assert year.deadline == date(2026, 1, 31) and year.reminder_days == [14, 7, 3]
    response = client.post(reverse("district:year_open"), {"year": "2024", "reminder_days": "abc"})
    assert "用逗号分隔" in response.content.decode()
    response = client.post(reverse("district:year_open"), {"year": "2024", "deadline": "2024-06-01"})
    assert "应在报告年度结束之后" in response.content.decode()
    response = client.post(reverse("district:year_schedule", args=[year.pk]),
                           {"deadline": "2026-02-15", "reminder_days": "5"})
    year.refresh_from_db()
    assert year.deadline == date(2026, 2, 15) and year.reminder_days == [5]


def _advance(report, *actions, by):
    for action in actions:
        report_transition(report=report, action=action, by=by)


def test_board_rows_holders_days_and_overdue(people):
    with time_machine.travel(date(2026, 1, 2)):
        year = _open(people)
    mine = year.reports.get(body=people.body)
    other = year.reports.get(body=people.other_body)
    with time_machine.travel(date(2026, 1, 10)):
        _advance(mine, "submit", by=people.filler)
    with time_machine.travel(date(2026, 2, 5)):
        board = progress_board(year)
    rows = {r.body_code: r for r in board.rows}
    assert rows["donghuashi"].holder_role == "部门负责人" and rows["donghuashi"].holders == [people.head.full_name]
    assert rows["donghuashi"].days_in_state == 26 and not rows["donghuashi"].overdue
    assert rows["donghuashi"].last_kind == "提交审核"
    assert rows["tiantan"].holder_role == "填报人" and rows["tiantan"].holders == [people.other_filler.full_name]
    assert rows["tiantan"].overdue and rows["tiantan"].days_overdue == 5
    assert board.counts == {ReportStatus.PENDING_HEAD: 1, ReportStatus.DRAFT: 1} and board.overdue == 1
    filtered = progress_board(year, BoardFilters(overdue=True))
    assert [r.report_id for r in filtered.rows] == [other.pk] and filtered.total == 2


def test_board_query_count_does_not_grow_with_bodies(people, django_assert_max_num_queries):
    year = _open(people)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            board = progress_board(year)
            weekly_progress(year, total=board.total)
        return len(ctx)

    few = count()
    for i in range(20):
        body = BodyFactory(code=f"more{i}", district=people.district)
        RoleAssignmentFactory(body=body, user__username=f"more.filler{i}")
        report = AnnualReport.objects.create(reporting_year=year, body=body, body_name=body.name)
        ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.OPENED, to_status="draft")
    assert count() == few <= 4


def test_weekly_progress_counts_first_milestones(people):
    with time_machine.travel(date(2026, 1, 1)):
        year = _open(people)
    report = year.reports.get(body=people.body)
    with time_machine.travel(date(2026, 1, 9)):
        _advance(report, "submit", "withdraw", "submit", by=people.filler)
    with time_machine.travel(date(2026, 1, 20)):
        _advance(report, "approve", "approve", by=people.director)
    progress = weekly_progress(year, total=2, today=date(2026, 1, 22))
    assert [w.end for w in progress.weeks] == [date(2026, 1, 7), date(2026, 1, 14), date(2026, 1, 21),
                                               date(2026, 1, 22)]
    assert [w.counts for w in progress.weeks] == [(0, 0, 0), (1, 0, 0), (1, 1, 0), (1, 1, 0)]


def test_remind_records_in_each_timeline_and_mails_fillers(people, django_capture_on_commit_callbacks, mail_queue):
    year = _open(people)
    _advance(year.reports.get(body=people.other_body), "submit", by=people.other_filler)
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_remind(reporting_year=year, by=people.admin) == 1
    event = ReportEvent.objects.get(kind=ReportEvent.Kind.REMINDED)
    assert event.report.body == people.body and event.actor == people.admin
    assert "2026年1月31日" in event.comment and event.data["recipient_ids"] == [people.filler.pk]
    # One reminder service: an in-app notice as well as the e-mail (sent by the Celery task).
    assert Notification.objects.filter(recipient=people.filler, kind="reminder").count() == 1
    assert mail.outbox == [] and mail_queue.deliver() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [people.filler.email]
    assert "东花市街道办事处" in mail.outbox[0].body
    # A second click within the hour reminds nobody twice.
    assert reports_remind(reporting_year=year, by=people.admin,
                          not_since=event.created_at - timedelta(minutes=1)) == 0


def test_board_page_export_and_remind_button(client, people, django_capture_on_commit_callbacks):
    year = _open(people)
    client.force_login(people.admin)
    html = client.get(reverse("district:board", args=[year.pk])).content.decode()
    assert 'role="img"' in html and "<title id=\"chart-title\">" in html and 'id="chart-data"' in html
    assert "一键催报：提醒 2 个尚未提交的单位" in html
    response = client.get(reverse("district:board_export", args=[year.pk]) + "?kind=street_office")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)] == ["东花市街道办事处", "天坛街道办事处"]
    assert ws.cell(3, 3).value == "草稿"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("district:remind", args=[year.pk]), follow=True)
    assert "已向 2 个尚未提交的单位发送催报提醒" in response.content.decode()
    assert ReportEvent.objects.filter(kind=ReportEvent.Kind.REMINDED).count() == 2


# ----------------------------------------------------------------------- bodies added after opening


def test_a_body_added_during_collection_gets_its_report_recorded(people):
    with time_machine.travel(date(2026, 1, 5), tick=False):
        year = _open(people)
        body = body_create(district=people.district, code="late", name="后加街道办事处", kind="street_office",
                           by=people.admin, active_from=date(2025, 3, 1))
    report = year.reports.get(body=body)
    assert report.body_name == "后加街道办事处" and report.status == "draft"
    action = AdminAction.objects.get(kind=AdminAction.Kind.REPORT_CREATED)
    assert action.actor == people.admin and action.body == body
    assert action.data == {"year": 2025, "report": report.pk, "automatic": True}


def test_after_the_deadline_the_administrator_decides_and_nothing_is_created_twice(people):
    with time_machine.travel(date(2026, 1, 5), tick=False):
        year = _open(people)
    with time_machine.travel(date(2026, 3, 1), tick=False):
        body = body_create(district=people.district, code="late", name="后加街道办事处", kind="street_office",
                           by=people.admin, active_from=date(2025, 3, 1))
        unrelated = body_create(district=people.district, code="new2026", name="今年新设", kind="street_office",
                                by=people.admin, active_from=date(2026, 3, 1))
    assert list(bodies_without_report(year)) == [body]  # the 2026 body did not exist in 2025
    reports_create_for_new_bodies(reporting_year=year, bodies=[body], by=people.admin)
    assert not bodies_without_report(year).exists()
    for bodies in ([body], [unrelated], [people.body], []):
        with pytest.raises(ReportError, match="请刷新页面后重试"):
            reports_create_for_new_bodies(reporting_year=year, bodies=bodies, by=people.admin)
    assert year.reports.filter(body=body).count() == 1


def test_a_year_of_imported_history_does_not_ask_for_reports_of_every_body(people):
    """Bodies that were there when a year was opened (or imported) are not "new"."""
    history = ReportingYearFactory(district=people.district, year=2021)
    assert not bodies_without_report(history).exists()
