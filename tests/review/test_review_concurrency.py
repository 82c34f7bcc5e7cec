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


def _while_held(hold_in, monkeypatch, target: str, other_action):
    """Runs `hold_in` in a thread of its own (its own connection and transaction); when it reaches
    `target` (patched so that its first call waits), runs `other_action` here with a lock timeout of 3 s, then lets the
    first go on. Returns what the other action raised (None) and how long it took."""
    import time

    from django.db import transaction
    from django.utils.module_loading import import_string

    module_path, name = target.rsplit(".", 1)
    real = getattr(import_string(module_path), name)
    reached, release = threading.Event(), threading.Event()

    def waiting(*args, **kwargs):
        if not reached.is_set():  # the first action's call waits; the other action's calls do not
            reached.set()
            release.wait(timeout=20)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, waiting)
    outcome = {}

    def first():
        try:
            hold_in()
            outcome["first"] = "ok"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome["first"] = repr(error)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert reached.wait(timeout=20), "the first action never reached the point where it waits"
        started = time.monotonic()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                other_action()
            error = None
        except Exception as raised:  # noqa: BLE001 - the lock timeout, before the change
            error = raised
        took = time.monotonic() - started
    finally:
        release.set()
        thread.join(timeout=30)
    assert outcome.get("first") == "ok", outcome
    return error, took


@pytest.fixture
def other_waiting(report, people):
    """Another body's report of the same year, waiting for its 部门负责人 (people.head, in both)."""
    from tests.report_factories import AnnualReportFactory

    RoleAssignmentFactory(user=people.head, role=Role.DEPT_HEAD, body=people.other_body)
    return AnnualReportFactory(body=people.other_body, reporting_year=report.reporting_year, submitted=True)


def _approve(report, by):
    return lambda: report_approve(report=AnnualReport.objects.get(pk=report.pk), by=by,
                                  expected_status=S.PENDING_HEAD, comment="同意。", confirmed=ALL_POINTS)


def test_a_submission_being_checked_holds_up_no_other_bodys_approval_of_the_year(report, people, other_waiting,
                                                                                monkeypatch):
    """A submission locks its report while its check runs (tens of milliseconds). It locked its
    reporting year's row as well, so that each approval, return and submission of the district's
    year waited for the one before: at the January peak, one queue for hundreds of bodies."""
    error, took = _while_held(lambda: report_submit(report=AnnualReport.objects.get(pk=report.pk), by=people.filler),
                              monkeypatch, "reports.review.services.submission_problems",
                              _approve(other_waiting, people.head))
    assert error is None and took < 2, (error, took)
    assert AnnualReport.objects.get(pk=other_waiting.pk).status == S.PENDING_DIRECTOR
    assert AnnualReport.objects.get(pk=report.pk).status == S.PENDING_HEAD  # the submission went through too


def test_a_publication_holds_up_no_approval_of_the_year(report, people, other_waiting, monkeypatch):
    """The publication keeps its year's row locked (district_report_start waits for it); approvals
    lock their own report's row only, so none waits for a render worker's publication."""
    from reports.publishing.services import render_claim, render_publish, render_store

    AnnualReport.objects.filter(pk=report.pk).update(status=S.APPROVED)
    claim = render_claim(report_id=report.pk)
    temporary = render_store(claim=claim, pdf_bytes=b"%PDF-1.7")

    def publish():
        assert render_publish(claim=claim, temporary=temporary, pdf_bytes=b"%PDF-1.7", page_count=1, snapshot={},
                              search_text="")

    error, took = _while_held(publish, monkeypatch, "reports.publishing.services.move_into_place",
                              _approve(other_waiting, people.head))
    assert error is None and took < 2, (error, took)
    assert AnnualReport.objects.get(pk=other_waiting.pk).status == S.PENDING_DIRECTOR
    assert AnnualReport.objects.get(pk=report.pk).status == S.PUBLISHED


def test_a_mail_being_sent_holds_up_neither_its_recipients_sign_in_nor_their_next_notice(report, people,
                                                                                       monkeypatch):
    """The mail task locks the notice while it sends it (sent once, however many workers run it);
    it locked the recipient's row as well, so that their sign-in (which writes last_login) waited
    for the mail server, and a second notice to them, mailed at the same moment, was skipped."""
    from django.core import mail
    from django.utils import timezone

    from agencies.models import User
    from reports.review.models import Notification
    from reports.review.notifications import send_notification_emails

    first, second = (Notification.objects.create(recipient=people.head, report=report, kind="submitted",
                                                 title=f"通知{i}") for i in (1, 2))
    sent = {}

    def sign_in_and_second_notice():
        User.objects.filter(pk=people.head.pk).update(last_login=timezone.now())
        sent["second"] = send_notification_emails([second.pk])

    error, took = _while_held(lambda: send_notification_emails([first.pk]), monkeypatch,
                              "reports.review.notifications.send_mail", sign_in_and_second_notice)
    assert error is None and took < 2, (error, took)
    assert sent["second"] == (1, 0)
    assert sorted(m.subject for m in mail.outbox) == ["【年报系统】通知1", "【年报系统】通知2"]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
