"""The review page and the overview read a report's timeline once (reports.timeline.read_timeline) and
answer from that list what the permission rules, the deadlock, the 年报体检 and the 审核表 ask. Each
answer must be the one its own query gives, in every state of a report's life, and a new event must
not be answered from a list read before it."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.health.selectors import report_health
from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.publishing.tasks import publish
from reports.review.auditform import audit_form_versions
from reports.review.permissions import level_one_approver
from reports.review.secrecy import ALL_POINTS
from reports.review.selectors import last_event, last_return, review_deadlock, waiting_since
from reports.review.services import report_approve, report_return, report_reviewer_assign, report_submit
from reports.timeline import designated_reviewer, event_record, read_timeline, report_authors
from tests.factories import RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory
from tests.review.conftest import CELL, save_cell

E = ReportEvent.Kind
S = ReportStatus
pytestmark = pytest.mark.django_db


def timeline_reads(queries) -> list[str]:
    """The queries that read the timeline's events (the 待办 badge's and the visibility's subqueries aside)."""
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "reports_reportevent".')
            and '"reports_reportevent"."kind"' in q["sql"]]


def details_reads(queries) -> list[str]:
    """The queries that read the details of events read without them (timeline.with_details)."""
    return [q["sql"] for q in queries.captured_queries
            if '"reports_reportevent"."data" AS "data" FROM "reports_reportevent"' in q["sql"]]


def _pk(event):
    return event.pk if event is not None else None


def answers(report_id: int, *, primed: bool) -> dict:
    report = AnnualReport.objects.get(pk=report_id)
    if primed:
        read_timeline(report)
    return {
        "authors": report_authors(report),
        "designee": designated_reviewer(report),
        "level_one": level_one_approver(report),
        "last_return": _pk(last_return(report)),
        "last_submit": _pk(last_event(report, E.SUBMITTED)),
        "last_approval": _pk(last_event(report, E.APPROVED_HEAD, E.APPROVED_DIRECTOR)),
        "since": waiting_since(report),
        "deadlock": review_deadlock(report),
        "audit_forms": audit_form_versions(report),
        "health": report_health(report, today=date(2026, 1, 20)),
    }


def same_answers(report_id: int) -> dict:
    """The answers from the list, checked against the queries; and no event is read again."""
    expected = answers(report_id, primed=False)
    with CaptureQueriesContext(connection) as queries:
        found = answers(report_id, primed=True)
    assert found == expected
    assert len(timeline_reads(queries)) == 1 and len(details_reads(queries)) <= 1  # the saves' details not read
    return found


def test_every_answer_from_the_list_is_the_answer_of_its_query_through_a_report_s_life(people):
    RoleAssignmentFactory(user=people.head, role="filler", body=people.body)  # the only 部门负责人 edits it
    other_head = RoleAssignmentFactory(user__username="t.otherhead", user__full_name="李审核", role="dept_head",
                                       body=people.other_body).user
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, filled=True)
    assert same_answers(report.pk)["last_submit"] is None  # a draft nobody touched

    save_cell(report, people.filler, CELL, "11")
    save_cell(report, people.head, CELL, "12")
    report_submit(report=report, by=people.filler)
    stuck = same_answers(report.pk)
    assert stuck["authors"] == {people.filler.pk, people.head.pk}
    assert stuck["deadlock"] is not None and stuck["since"] is not None

    report_reviewer_assign(report=report, by=people.admin, reviewer_id=other_head.pk)
    assert same_answers(report.pk)["designee"] == other_head.pk

    report_approve(report=report, by=other_head, comment="同意。", confirmed=ALL_POINTS)
    level_two = same_answers(report.pk)
    assert level_two["level_one"] == other_head.pk and level_two["designee"] is None

    report_return(report=report, by=people.director, reason="请核实", comments=[{"target": CELL, "text": "不一致"}])
    assert same_answers(report.pk)["last_return"] == report.events.get(kind=E.RETURNED).pk

    report_submit(report=report, by=people.filler)
    again = same_answers(report.pk)
    assert again["level_one"] is None and again["designee"] is None  # a new round: level one again
    assert again["last_submit"] == report.events.filter(kind=E.SUBMITTED).latest("pk").pk

    report_reviewer_assign(report=report, by=people.admin, reviewer_id=other_head.pk)
    report_approve(report=report, by=other_head, comment="同意。", confirmed=ALL_POINTS)
    report_approve(report=report, by=people.director, comment="经保密审查，同意公开。", confirmed=ALL_POINTS)
    assert publish(report.pk) == "published"
    published = same_answers(report.pk)
    assert published["audit_forms"] == [1]
    assert published["last_approval"] == report.events.get(kind=E.APPROVED_DIRECTOR).pk


def test_an_event_recorded_after_the_list_was_read_is_not_answered_from_it(people, report):
    read_timeline(report)
    assert report_authors(report) == set() and last_event(report, E.SAVED) is None
    saved = event_record(report=report, kind=E.SAVED, actor=people.filler)  # forgets the list it was given
    assert last_event(report, E.SAVED) == saved and report_authors(report) == {people.filler.pk}
    assert [e.pk for e in read_timeline(report)] == [e.pk for e in report.events.order_by("created_at", "pk")]


@pytest.mark.parametrize("page", ["review:report", "reports:overview"])
def test_the_review_page_and_the_overview_read_the_timeline_once(client, people, report, page):
    save_cell(report, people.filler, CELL, "11")
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    client.get(reverse(page, args=[report.pk]))  # the session and the caches warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page, args=[report.pk]))
    assert response.status_code == 200
    assert len(timeline_reads(queries)) == 1, timeline_reads(queries)
    assert len(details_reads(queries)) <= 2  # the other events' details, then the shown saves'
    assert "提交" in response.text and people.filler.display_name in response.text  # the timeline is shown


def test_a_report_no_director_approved_has_no_audit_form_and_its_page_reads_no_version(people, report):
    """audit_form_versions, from a timeline read already: no 主管主任 approval, no 审核表, and the published
    versions are not read; once one approved and it was published, they are."""
    def versions_read(r) -> tuple[list[int], int]:
        r = AnnualReport.objects.get(pk=r.pk)
        read_timeline(r)
        with CaptureQueriesContext(connection) as queries:
            found = audit_form_versions(r)
        return found, sum('reportpdf"' in q["sql"] for q in queries.captured_queries)

    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    assert versions_read(report) == ([], 0)
    report_approve(report=report, by=people.director, comment="同意公开。", confirmed=ALL_POINTS)
    assert publish(report.pk) == "published"
    assert versions_read(report) == ([1], 1)
