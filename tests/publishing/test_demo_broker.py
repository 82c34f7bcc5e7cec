"""The demo's filesystem broker loses a render whose worker is killed (kombu deletes a message as soon as
a worker takes it: no visibility timeout, no redelivery). The report must not stay 已批准·待发布 forever:
the sweep queues it again, and the district administrator's 重新发布 works for it."""

import os
import re
from datetime import timedelta

import pytest
from django.db import connection
from playwright.sync_api import expect

from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.tasks import publishing_sweep
from reports.signals import report_approved
from tests.publishing.workers import DemoWorker, app_broker, filesystem_broker_options, wait_until
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_shared_with_the_workers(settings):
    settings.MEDIA_ROOT = os.environ["DJANGO_MEDIA_ROOT"]


@pytest.fixture
def demo_broker(tmp_path):
    folder = tmp_path / "broker"
    with app_broker("filesystem://", filesystem_broker_options(folder)):
        yield folder


@pytest.fixture
def demo_workers(tmp_path, demo_broker):
    started = []

    def start(app="config.celery_app", **env):
        worker = DemoWorker(demo_broker, tmp_path, app=app, env=env).wait_ready()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _fresh(report):
    connection.close()  # see the workers' commits
    return AnnualReport.objects.get(pk=report.pk)


def _rendering(report):
    connection.close()
    return ReportPdf.objects.filter(report=report, status=ReportPdf.Status.RENDERING).first()


def _stuck(demo_workers, demo_broker, report):
    """Approve, let a demo worker take the render, kill -9 it: the message is gone from the broker."""
    slow = demo_workers(app="tests.publishing.slow_worker", SLOW_RENDER_SECONDS="120")
    report_approved.send(sender=AnnualReport, report_id=report.pk)
    wait_until(lambda: _rendering(report), 60, "render started")
    slow.kill()
    assert not list((demo_broker / "out").iterdir())  # nothing left to redeliver
    return slow


def test_the_sweep_requeues_a_render_lost_with_its_worker(demo_workers, demo_broker, people, settings):
    report = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2025),
                                 body=people.body, approved=True)
    _stuck(demo_workers, demo_broker, report)
    replacement = demo_workers()
    assert publishing_sweep() == 0  # within PUBLISHING_SWEEP_AFTER the render might still be running
    settings.PUBLISHING_SWEEP_AFTER = timedelta(seconds=2)
    wait_until(lambda: publishing_sweep() == 1, 30, "the sweep sees the lost render")
    wait_until(lambda: _fresh(report).status == ReportStatus.PUBLISHED, 120, "published by the replacement")
    pdf = ReportPdf.objects.get(report=report)
    assert pdf.status == ReportPdf.Status.DONE and pdf.attempts == 2 and pdf.worker.startswith(replacement.name)
    assert publishing_sweep() == 0


@pytest.mark.browser
def test_the_administrator_republishes_a_stuck_approved_report(demo_workers, demo_broker, people, settings,
                                                              page, live_server, login):
    report = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2025),
                                 body=people.body, approved=True)
    _stuck(demo_workers, demo_broker, report)
    demo_workers()
    settings.PUBLISHING_SWEEP_AFTER = timedelta(seconds=2)
    login(page, people.admin)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    message = page.locator("#publication-status-message")
    expect(message).to_contain_text("没有进展", timeout=20_000)
    page.get_by_role("button", name="重新发布").click()
    expect(page.get_by_text("已重新提交生成 PDF")).to_be_visible()
    expect(message).to_contain_text(re.compile(r"已发布（第1版"), timeout=120_000)
    assert _fresh(report).status == ReportStatus.PUBLISHED
    retried = report.events.get(kind=ReportEvent.Kind.PUBLISH_RETRIED)
    assert retried.actor == people.admin and retried.from_status == retried.to_status == ReportStatus.APPROVED


def test_republishing_a_render_that_is_still_running_is_refused(client, people, settings):
    report = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2025),
                                 body=people.body, approved=True)
    ReportPdf.objects.create(report=report, version=1, attempts=1, status=ReportPdf.Status.RENDERING)
    client.force_login(people.admin)
    response = client.post(f"/publishing/{report.pk}/retry/", follow=True)
    assert "PDF 正在生成或排队中" in response.content.decode()
    assert not report.events.filter(kind=ReportEvent.Kind.PUBLISH_RETRIED).exists()
