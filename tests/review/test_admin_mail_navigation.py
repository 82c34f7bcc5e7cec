"""The Django admin is read-only; e-mail leaves the request for a Celery task; the navigation badge
is one COUNT whatever the number of reports, and fragments do no navigation work at all."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pyquery import PyQuery

from agencies.models import Body
from config import compiled
from reports.models import ReportStatus
from reports.publishing.enqueue import MAIL_PRIORITY, WORD_PRIORITY
from reports.review import notifications, selectors
from reports.review.models import Notification
from reports.review.secrecy import ALL_POINTS
from reports.review.selectors import inbox_count, inbox_for
from reports.review.services import report_approve, report_submit
from reports.review.tasks import MailNotSent, send_notification_emails_task
from tests.factories import BodyFactory, RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db
S = ReportStatus


@pytest.fixture
def report(people):
    return AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                               reporting_year__year=2025, filled=True)


# ---------------------------------------------------------------------------------------------
# The Django admin


@pytest.fixture
def support(people):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    return people.admin


def test_the_django_admin_shows_people_and_bodies_but_changes_nothing(client, support, people):
    client.force_login(support)
    admin = "/" + django_settings.ADMIN_URL
    body_url = f"{admin}agencies/body/{people.body.pk}/change/"
    page = PyQuery(client.get(body_url).content.decode())
    assert people.body.name in page.text()
    assert not page("input[name=_save]") and not page("a.deletelink")
    response = client.post(body_url, {"code": people.body.code, "name": "改名了", "kind": people.body.kind,
                                       "district": people.district.pk, "active_from": "2019-01-01"})
    assert response.status_code == 403
    assert Body.objects.get(pk=people.body.pk).name == "东花市街道办事处"
    person_url = f"{admin}agencies/user/{people.filler.pk}/"
    assert client.post(person_url + "change/", {"username": "renamed"}).status_code == 403
    assert client.get(person_url + "password/").status_code == 403  # no password set from here
    assert client.get(f"{admin}agencies/user/add/").status_code == 403
    assert client.get(f"{admin}agencies/body/{people.body.pk}/delete/").status_code == 403
    assert client.get(f"{admin}agencies/roleassignment/").status_code == 200
    assert client.get(f"{admin}agencies/adminaction/").status_code == 200
    people.filler.refresh_from_db()
    assert people.filler.username == "t.filler"


# ---------------------------------------------------------------------------------------------
# E-mail from a Celery task


class RefusingBackend:
    """A mail server nobody may reach inside a request."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise AssertionError("SMTP used inside the request")


def test_an_approval_queues_its_mail_and_the_task_sends_it(client, report, people, settings, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    report_submit(report=report, by=people.filler)
    queued, priorities = [], []
    real_apply_async = send_notification_emails_task.apply_async

    def spy(args=None, kwargs=None, **options):  # the real broker (the test Redis), observed
        queued.append(list(args[0]))
        priorities.append(options.get("priority"))
        return real_apply_async(args=args, kwargs=kwargs, **options)

    monkeypatch.setattr(send_notification_emails_task, "apply_async", spy)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    client.force_login(people.head)
    review = PyQuery(client.get(reverse("review:report", args=[report.pk])).content.decode())
    form = review("form[aria-label=审核通过]")
    data = {i.attr("name"): i.attr("value") or "" for i in form("input:not([type=checkbox])").items()}
    data["points"] = [i.attr("value") for i in form("input[type=checkbox][name=points]").items()]  # 保密审查
    data["comment"] = "经保密审查，同意。"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.attr("action"), data, follow=True)
    assert "部门负责人审核通过" in response.content.decode()
    notice = Notification.objects.get(recipient=people.director, kind="approved_head")
    assert queued == [[notice.pk]] and notice.emailed_at is None  # queued, not sent
    assert priorities == [MAIL_PRIORITY] and 0 < MAIL_PRIORITY < WORD_PRIORITY  # after the renders (priority 0)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_emails_task.apply(args=(queued[0],)).get() == 1  # as the worker runs it
    assert [m.to for m in mail.outbox] == [[people.director.email]]
    assert f"{django_settings.SITE_URL}/review/{report.pk}/" in mail.outbox[0].body  # an absolute link
    assert send_notification_emails_task.apply(args=(queued[0],)).get() == 0  # idempotent
    assert len(mail.outbox) == 1


def test_a_mail_server_that_fails_makes_the_task_retry_and_nothing_is_lost(report, people, monkeypatch,
                                                                           mail_queue,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=report, by=people.filler)
    working = notifications.send_mail

    def timeout(*args, **kwargs):
        raise TimeoutError("timed out")

    monkeypatch.setattr(notifications, "send_mail", timeout)
    [batch] = mail_queue.batches
    result = send_notification_emails_task.apply(args=(batch,))
    assert isinstance(result.result, MailNotSent) and result.state == "FAILURE"  # after its retries
    assert send_notification_emails_task.max_retries and send_notification_emails_task.retry_backoff
    monkeypatch.setattr(notifications, "send_mail", working)
    assert send_notification_emails_task.apply(args=(batch,)).get() == 1
    assert [m.to for m in mail.outbox] == [[people.head.email]]


def test_the_mail_server_is_given_up_on_after_a_timeout():
    assert django_settings.EMAIL_TIMEOUT and django_settings.EMAIL_TIMEOUT <= 30


def test_email_links_are_absolute(settings):
    settings.SITE_URL = "https://nianbao.example.gov.cn/"
    assert notifications.absolute_url("/reports/5/") == "https://nianbao.example.gov.cn/reports/5/"


# ---------------------------------------------------------------------------------------------
# The navigation badge


def _waiting_for_head(people, count):
    """`count` more reports waiting for people.head, each in a body of its own."""
    for _ in range(count):
        body = BodyFactory(district=people.district)
        RoleAssignmentFactory(user=people.head, role="dept_head", body=body)
        AnnualReportFactory(body=body, reporting_year__district=people.district, reporting_year__year=2025,
                            submitted=True)


def _queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured)


def test_the_badge_costs_the_same_for_one_or_ten_pending_reports(client, people):
    _waiting_for_head(people, 1)
    client.force_login(people.head)
    client.get("/workspace/")  # warm up (session, caches)
    one = _queries(client, "/workspace/")
    assert "待办（1）" in PyQuery(client.get("/workspace/").content.decode())("nav").text()
    _waiting_for_head(people, 9)
    ten = _queries(client, "/workspace/")
    assert "待办（10）" in PyQuery(client.get("/workspace/").content.decode())("nav").text()
    assert ten == one


def test_a_status_poll_does_no_navigation_work(client, people, report, monkeypatch):
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    calls = []
    monkeypatch.setattr("reports.review.selectors.inbox_count", lambda user: calls.append(user) or 0)
    url = reverse("review:status", args=[report.pk]) + "?seen=pending_head"
    response = client.get(url, headers={"X-Nianbao-Poll": "1", "HX-Request": "true"})
    assert response.status_code == 200 and "<nav" not in response.content.decode()
    assert calls == []
    client.get(reverse("review:inbox"))  # a full page shows the navigation, with its badge
    assert len(calls) == 1


def test_the_badge_counts_what_the_inbox_lists_that_the_person_may_review(client, people, report):
    RoleAssignmentFactory(user=people.head, role="dept_head", body=people.other_body)
    RoleAssignmentFactory(user=people.director, role="director", body=people.other_body)
    other = AnnualReportFactory(body=people.other_body, reporting_year=report.reporting_year, submitted=True)
    RoleAssignmentFactory(user=people.head, role="filler", body=people.body)
    from tests.review.conftest import CELL, save_cell

    save_cell(report, people.head, CELL, "3")  # the head edited this one: stands aside
    report_submit(report=report, by=people.filler)
    items = inbox_for(people.head)
    assert {(i.report.pk, i.recused) for i in items} == {(report.pk, True), (other.pk, False)}
    assert inbox_count(people.head) == 1
    client.force_login(people.head)  # the workspace says so too, beside the navigation's badge
    workspace = PyQuery(client.get("/workspace/").content.decode())
    assert "待办审核：1份报告等待您审核" in workspace("#review-workspace").text().replace(" ", "")
    assert "待办（1）" in workspace("nav").text()
    report_approve(report=other, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    assert inbox_count(people.head) == 0 and inbox_count(people.director) == 1


def test_the_badge_counts_only_the_roles_held_today(people, report):
    """The badge's SQL is compiled once a process, with the person and the day put in on each call."""
    today = timezone.localdate()
    role = RoleAssignmentFactory(user=people.director, role="dept_head", body=people.other_body,
                                 start_date=today - timedelta(days=30), end_date=today - timedelta(days=1))
    AnnualReportFactory(body=people.other_body, reporting_year=report.reporting_year, submitted=True)
    assert inbox_count(people.director) == 0 and inbox_for(people.director) == []  # ended yesterday
    role.end_date = today
    role.save()
    assert inbox_count(people.director) == 1 and len(inbox_for(people.director)) == 1  # ends today
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert inbox_count(people.director) == 0 and inbox_for(people.director) == []  # the next day: ended
    # Every placeholder of the compiled query is bound (none sends the count back to the ORM).
    _sql, bound, complete = selectors.INBOX_COUNT.bound(user=people.director.pk, day=today)
    assert complete
    _sql, params, placeholders = selectors.INBOX_COUNT.compiled((), ("day", "user"))
    assert sum(compiled._unbound(p, placeholders) for p in params) >= 3  # the person, the 指定审核人 in JSON, the day
    assert sum(p != b for p, b in zip(params, bound, strict=True)) == sum(compiled._unbound(p, placeholders) for p in params)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_mails_the_notice_of_an_approval(celery_worker_process, people):
    """The whole path: the approval commits, its mail task goes through Redis to a real worker,
    which sends the mail (its own locmem backend) and marks the notice mailed."""
    from django.db import connection as db

    from tests.publishing.workers import wait_until

    report = AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                                 reporting_year__year=2025, filled=True)
    report_submit(report=report, by=people.filler)
    notice = Notification.objects.get(recipient=people.head, kind="submitted")

    def mailed():
        db.close()  # see the worker's commit
        return Notification.objects.get(pk=notice.pk).emailed_at

    wait_until(mailed, 60, "the worker mailed the notice")
    assert mail.outbox == []  # nothing was sent by this process


def test_every_poll_on_the_overview_is_marked_as_a_poll(client, people):
    """The ops side keys on X-Nianbao-Poll: such requests do not extend the idle timeout."""
    import json

    approved = AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                                   reporting_year__year=2025, approved=True)
    client.force_login(people.filler)
    page = PyQuery(client.get(reverse("reports:overview", args=[approved.pk])).content.decode())
    pollers = page("[hx-trigger^=every]")
    assert {p.attr("id") for p in pollers.items()} == {"report-status-live", "publication-status"}
    assert all(json.loads(p.attr("hx-headers")) == {"X-Nianbao-Poll": "1"} for p in pollers.items())
