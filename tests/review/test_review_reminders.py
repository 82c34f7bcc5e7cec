"""Daily reminders with a frozen clock: each is sent once, however often the task runs."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from reports.models import ReportEvent
from reports.review.models import Notification, ReminderSent
from reports.review.secrecy import ALL_POINTS
from reports.review.services import report_approve, report_submit
from reports.review.tasks import send_reminders
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=8, year=2026):
    return time_machine.travel(datetime(year, month, day, hour, 0, tzinfo=TZ), tick=False)


def run_twice(capture):
    counts = []
    for _ in range(2):
        with capture(execute=True):
            counts.append(send_reminders.run())
    return counts


def notices(user, kind="reminder"):
    return list(Notification.objects.filter(recipient=user, kind=kind).values_list("title", flat=True))


@pytest.fixture
def other_report(people, report):
    return AnnualReportFactory(body=people.other_body, reporting_year=report.reporting_year, filled=True)


def test_bodies_not_submitted_are_reminded_14_7_3_1_days_before_once_each(
        report, other_report, people, django_capture_on_commit_callbacks, mail_queue):
    assert report.reporting_year.deadline.isoformat() == "2026-01-31"
    with at(1, 10):
        assert run_twice(django_capture_on_commit_callbacks) == [0, 0]  # 21 days before: nothing yet
    with at(1, 17):
        assert run_twice(django_capture_on_commit_callbacks) == [2, 0]
    assert notices(people.filler) == [f"{report.title}距报送截止还有 14 天"]
    mail_queue.deliver()
    assert [m.to for m in mail.outbox] == [[people.filler.email], [people.other_filler.email]]
    assert "2026年1月31日" in mail.outbox[0].body

    with at(1, 24, hour=23):
        report_submit(report=report, by=people.filler)  # this body is done; the other is not
        assert run_twice(django_capture_on_commit_callbacks) == [1, 0]
    assert len(notices(people.filler)) == 1
    assert notices(people.other_filler)[0] == f"{other_report.title}距报送截止还有 7 天"
    with at(1, 29):  # the task did not run on the 28th: the 3-day reminder is caught up, once
        # … and the head has had the submitted report waiting for more than three days.
        assert run_twice(django_capture_on_commit_callbacks) == [2, 0]
    assert notices(people.head) == [f"{report.title}已等待审核 4 天"]
    with at(1, 30):
        assert run_twice(django_capture_on_commit_callbacks) == [1, 0]
    with at(1, 31):
        assert run_twice(django_capture_on_commit_callbacks) == [0, 0]
    # The caught-up reminder says the real days left.
    assert [t.rsplit("还有", 1)[1] for t in notices(people.other_filler)] == [" 1 天", " 2 天", " 7 天", " 14 天"]
    keys = sorted(ReminderSent.objects.filter(report=other_report).values_list("key", flat=True))
    assert keys == ["deadline-1", "deadline-14", "deadline-3", "deadline-7"]
    reminded = other_report.events.filter(kind=ReportEvent.Kind.REMINDED)
    assert reminded.count() == 4  # the timeline shows each reminder


def test_reminders_go_out_in_the_bodies_order(report, other_report, people, django_capture_on_commit_callbacks,
                                             mail_queue):
    """The district's own order of bodies (kind, place, code), not the order the reports were made
    in nor whatever order the database returns for bodies of the same place."""
    people.other_body.code = "anding"  # before donghuashi; its report was made after
    people.other_body.save(update_fields=["code"])
    with at(1, 17):
        assert run_twice(django_capture_on_commit_callbacks) == [2, 0]
    mail_queue.deliver()
    assert [m.to for m in mail.outbox] == [[people.other_filler.email], [people.filler.email]]


def test_overdue_reports_are_escalated_to_the_director_and_the_district_admins_once(
        report, people, django_capture_on_commit_callbacks, mail_queue):
    with at(2, 2):
        assert run_twice(django_capture_on_commit_callbacks) == [3, 0]
    with at(2, 9):
        assert run_twice(django_capture_on_commit_callbacks) == [0, 0]
    for person in (people.director, people.admin, people.filler):
        assert notices(person) == [f"{report.title}已逾期未报送"]
    assert notices(people.head) == []
    mail_queue.deliver()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people.director.email, people.admin.email, people.filler.email])
    assert "已逾期 2 天" in mail.outbox[0].body


def test_reviewers_are_reminded_of_reports_waiting_more_than_three_days(
        report, people, django_capture_on_commit_callbacks):
    with at(1, 5, hour=10):
        report_submit(report=report, by=people.filler)
    with at(1, 8, hour=9):  # less than three days
        assert run_twice(django_capture_on_commit_callbacks) == [0, 0]
    with at(1, 8, hour=11):
        assert run_twice(django_capture_on_commit_callbacks) == [1, 0]
    with at(1, 12):
        assert run_twice(django_capture_on_commit_callbacks) == [0, 0]
    assert notices(people.head) == [f"{report.title}已等待审核 3 天"]
    with at(1, 12, hour=12):
        report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    with at(1, 16, hour=13):  # a new waiting period, at the next level
        assert run_twice(django_capture_on_commit_callbacks) == [1, 0]
    assert notices(people.director) == [f"{report.title}已等待审核 4 天"]
    assert len(notices(people.head)) == 1


def test_a_notice_whose_mail_failed_is_mailed_by_the_next_daily_run(
        report, people, django_capture_on_commit_callbacks, monkeypatch, mail_queue):
    from reports.review import notifications

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    working = notifications.send_mail
    with at(1, 5, hour=10):
        monkeypatch.setattr(notifications, "send_mail", broken)
        with django_capture_on_commit_callbacks(execute=True):
            report_submit(report=report, by=people.filler)
        assert mail_queue.deliver() == 0  # the task and its retries fail: the mail server is down
        monkeypatch.setattr(notifications, "send_mail", working)
    assert mail.outbox == [] and Notification.objects.get(recipient=people.head).emailed_at is None
    with at(1, 6):
        run_twice(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[people.head.email]]
    assert Notification.objects.get(recipient=people.head).emailed_at is not None
