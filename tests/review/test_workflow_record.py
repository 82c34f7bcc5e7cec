"""One table of states, enforced by the database; a record that PostgreSQL itself keeps append-only."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from agencies.models import AdminAction, Role, SecurityEvent
from agencies.services import security_event_record
from reports.district.services import district_year_open, reporting_year_schedule_update
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.review import permissions
from reports.review.secrecy import ALL_POINTS
from reports.review.services import report_approve, report_submit
from reports.services import report_explanations_save
from reports.workflow import (
    EDITABLE_STATUSES,
    HOLDER_ROLE,
    NOT_SUBMITTED,
    REVIEW_LEVELS,
    REVIEW_STATUSES,
    STATES,
    TABLE,
    TRANSITIONS,
    sources,
)
from tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db
S = ReportStatus
E = ReportEvent.Kind
ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------------------------
# One table


def test_every_state_is_described_once_and_everything_else_is_derived_from_it():
    assert set(STATES) == set(S.values)
    assert {t.source for t in TABLE} | {t.target for t in TABLE} <= set(STATES)
    assert TRANSITIONS[(S.PENDING_HEAD, "approve")] == (S.PENDING_DIRECTOR, E.APPROVED_HEAD)
    assert EDITABLE_STATUSES == NOT_SUBMITTED == {S.DRAFT, S.RETURNED} == sources("submit")
    assert REVIEW_LEVELS == (S.PENDING_HEAD, S.PENDING_DIRECTOR)
    assert REVIEW_STATUSES == sources("approve") == sources("return") == {S.PENDING_HEAD, S.PENDING_DIRECTOR}
    assert HOLDER_ROLE[S.PENDING_HEAD] == Role.DEPT_HEAD and HOLDER_ROLE[S.PENDING_DIRECTOR] == Role.DIRECTOR
    assert HOLDER_ROLE[S.PUBLISHED] is None and HOLDER_ROLE[S.APPROVED] is None
    assert all(AnnualReport(status=s).is_editable == (s in EDITABLE_STATUSES) for s in S.values)


def test_no_copy_of_the_table_is_left_in_the_code_or_the_templates():
    """The permissions, the board and the templates read the table; none spells states out again."""
    code = {p: p.read_text() for p in (ROOT / "reports").rglob("*.py") if "migrations" not in p.parts}
    for path, text in code.items():
        if path.name == "workflow.py":
            continue
        assert not re.search(r"^(HOLDER_ROLE|NOT_SUBMITTED|EDITABLE_STATUSES|_STATUS_FOR)\s*=", text, re.M), path
    templates = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "reports").rglob("templates/**/*.html")]
    for path in templates:
        assert not re.search(r"status\s*[!=]=\s*['\"](?!not_submitted)", path.read_text()), path
    assert permissions.sources is sources


def test_the_database_refuses_an_unknown_status_event_kind_or_format_version(people):
    from tests.report_factories import AnnualReportFactory

    report = AnnualReportFactory(body=people.body, reporting_year__district=people.district)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.filter(pk=report.pk).update(status="nearly_done")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportEvent.objects.create(report=report, kind="teleported")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportEvent.objects.create(report=report, kind=E.SAVED, to_status="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingYear.objects.filter(pk=report.reporting_year_id).update(format_version="1999")


# ---------------------------------------------------------------------------------------------
# Append-only, enforced by PostgreSQL


@pytest.fixture
def report(people):
    from tests.report_factories import AnnualReportFactory

    return AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                               reporting_year__year=2025, filled=True)


def _refused(callable_):
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        callable_()
    assert "Cannot update or delete" in str(caught.value)


def test_the_timeline_refuses_a_queryset_update_and_a_raw_delete(report, people):
    report_submit(report=report, by=people.filler)
    event = report.events.get(kind=E.SUBMITTED)
    _refused(lambda: ReportEvent.objects.filter(pk=event.pk).update(comment="改写"))
    _refused(lambda: connection.cursor().execute("DELETE FROM reports_reportevent WHERE id = %s", [event.pk]))
    _refused(lambda: connection.cursor().execute("UPDATE reports_reportevent SET actor_id = NULL"))
    event.refresh_from_db()
    assert event.comment == "" and event.actor == people.filler


def test_a_report_with_a_timeline_cannot_be_deleted(report, people):
    report_submit(report=report, by=people.filler)
    with pytest.raises(ProtectedError), transaction.atomic():
        report.delete()
    assert AnnualReport.objects.filter(pk=report.pk).exists()


def test_the_admin_log_and_the_security_log_refuse_updates_and_deletes(people):
    year = district_year_open(district=people.district, year=2025, by=people.admin, deadline=date(2026, 1, 31))
    action = AdminAction.objects.get(kind=AdminAction.Kind.YEAR_OPENED)
    _refused(lambda: AdminAction.objects.filter(pk=action.pk).update(summary="什么也没发生"))
    _refused(lambda: connection.cursor().execute("DELETE FROM agencies_adminaction"))
    security = security_event_record(kind=SecurityEvent.Kind.LOGIN_SUCCESS, user=people.filler)
    _refused(lambda: SecurityEvent.objects.filter(pk=security.pk).update(ip_address="1.2.3.4"))
    _refused(lambda: connection.cursor().execute("DELETE FROM agencies_securityevent WHERE id = %s",
                                                 [security.pk]))
    # Deleting a person would rewrite their rows (SET NULL): refused, with Django's clear error.
    with pytest.raises(ProtectedError), transaction.atomic():
        people.filler.delete()
    assert year.reports.count() == 2


# ---------------------------------------------------------------------------------------------
# Gaps in the record


def test_opening_a_year_records_who_opened_each_report_and_the_admin_log(people):
    year = district_year_open(district=people.district, year=2025, by=people.admin, deadline=date(2026, 1, 31))
    opened = ReportEvent.objects.filter(report__reporting_year=year, kind=E.OPENED)
    assert opened.count() == 2 and set(opened.values_list("actor_id", flat=True)) == {people.admin.pk}
    action = AdminAction.objects.get(kind=AdminAction.Kind.YEAR_OPENED)
    assert action.actor == people.admin and "2026年1月31日" in action.summary


def test_a_schedule_change_is_recorded_in_the_admin_log(people):
    year = district_year_open(district=people.district, year=2025, by=people.admin, deadline=date(2026, 1, 31))
    reporting_year_schedule_update(reporting_year=year, deadline=date(2026, 2, 28), reminder_days=[7, 1],
                                   by=people.admin)
    action = AdminAction.objects.get(kind=AdminAction.Kind.YEAR_SCHEDULE_CHANGED)
    assert action.actor == people.admin and action.district == people.district
    assert "2026年1月31日 → 2026年2月28日" in action.summary and "14、7、3、1 → 7、1" in action.summary
    assert action.data["before"]["deadline"] == "2026-01-31" and action.data["after"]["reminder_days"] == [7, 1]
    # Saving the same schedule again changes nothing and records nothing.
    reporting_year_schedule_update(reporting_year=year, deadline=date(2026, 2, 28), reminder_days=[7, 1],
                                   by=people.admin)
    assert AdminAction.objects.filter(kind=AdminAction.Kind.YEAR_SCHEDULE_CHANGED).count() == 1


def test_whoever_wrote_only_explanations_is_an_author_and_stands_aside(report, people):
    """A 部门负责人 who is also a filler writes only the explanations of the warnings; a colleague
    submits. The explanations are in the timeline, and the 部门负责人 may not approve."""
    RoleAssignmentFactory(user=people.head, role=Role.FILLER, body=people.body)
    from reports.selectors import report_check

    warnings = [w.rule_id for w in report_check(report).soft_warnings]
    explanations = {rule: "口径调整，已核实。" for rule in warnings} or {"any-rule": "说明"}
    report_explanations_save(report=report, explanations=explanations, by=people.head)
    event = report.events.get(kind=E.EXPLAINED)
    assert event.actor == people.head and set(event.data["changes"]) == set(explanations)
    report_explanations_save(report=report, explanations=explanations, by=people.filler)  # no change
    assert report.events.filter(kind=E.EXPLAINED).count() == 1
    report_submit(report=report, by=people.filler)
    report = AnnualReport.objects.get(pk=report.pk)
    assert not people.head.has_perm("review.approve_report", report)
    assert "须回避" in permissions.refusal(people.head, "approve", report)
    with pytest.raises(Exception, match="须回避"):
        report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
