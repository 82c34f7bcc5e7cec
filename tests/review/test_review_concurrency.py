"""Two reviewers acting on the same report at the same moment: exactly one wins, the other is told
what happened. Real PostgreSQL row locks, so real threads with their own connections."""

import threading

import pytest
from django.db import connection

from agencies.models import Role
from reports.errors import ReportError
from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.review.secrecy import ALL_POINTS
from reports.review.services import report_approve, report_return, report_submit
from tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
S = ReportStatus


def race(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[index] = "ok"
        except ReportError as error:
            outcomes[index] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def second_head(people):
    user = UserFactory(username="t.head2", full_name="第二负责人")
    RoleAssignmentFactory(user=user, role=Role.DEPT_HEAD, body=people.body)
    return user


@pytest.mark.parametrize("attempt", range(3))
def test_two_heads_approving_at_once_make_exactly_one_approval(report, people, second_head, attempt):
    report_submit(report=report, by=people.filler)
    outcomes = race(
        lambda: report_approve(report=AnnualReport.objects.get(pk=report.pk), by=people.head,
                               expected_status=S.PENDING_HEAD, comment="同意。", confirmed=ALL_POINTS),
        lambda: report_approve(report=AnnualReport.objects.get(pk=report.pk), by=second_head,
                               expected_status=S.PENDING_HEAD, comment="同意。", confirmed=ALL_POINTS),
    )
    assert sorted(outcomes, key=str).count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert "操作未执行" in loser and "部门负责人审核通过" in loser and "待主管主任审核" in loser
    report.refresh_from_db()
    assert report.status == S.PENDING_DIRECTOR
    assert report.events.filter(kind=ReportEvent.Kind.APPROVED_HEAD).count() == 1


def test_approve_and_return_at_once_one_wins(report, people, second_head):
    report_submit(report=report, by=people.filler)
    outcomes = race(
        lambda: report_approve(report=AnnualReport.objects.get(pk=report.pk), by=people.head,
                               expected_status=S.PENDING_HEAD, comment="同意。", confirmed=ALL_POINTS),
        lambda: report_return(report=AnnualReport.objects.get(pk=report.pk), by=second_head, reason="不同意",
                              expected_status=S.PENDING_HEAD),
    )
    assert outcomes.count("ok") == 1, outcomes
    report.refresh_from_db()
    moves = report.events.filter(kind__in=[ReportEvent.Kind.APPROVED_HEAD, ReportEvent.Kind.RETURNED])
    assert moves.count() == 1
    assert report.status == (S.PENDING_DIRECTOR if outcomes[0] == "ok" else S.RETURNED)
