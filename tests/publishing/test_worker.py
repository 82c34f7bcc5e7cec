"""With real workers on a real Redis: approval → PDF published; a worker killed mid-render or a broker
that was down at approval time loses nothing and publishes exactly once."""

import os
import time

import pytest
from django.db import connection

from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.tasks import publishing_sweep
from reports.signals import report_approved
from tests.publishing.helpers import beijing_2020_report
from tests.publishing.workers import RedisServer, Worker, app_broker, wait_until

SLOW_FIRST_RENDER = "tests.publishing.slow_worker"  # a worker whose first render attempt takes 120 s

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_shared_with_the_workers(settings):
    """Worker processes write where the environment says (tests/services.py); read from there too."""
    settings.MEDIA_ROOT = os.environ["DJANGO_MEDIA_ROOT"]


def _status(report):
    connection.close()  # see the workers' commits
    return AnnualReport.objects.get(pk=report.pk).status


def _published_exactly_once(report):
    versions = ReportPdf.objects.filter(report=report)
    assert versions.count() == 1
    pdf = versions.get()
    assert pdf.status == ReportPdf.Status.DONE and pdf.file and pdf.sha256
    assert report.events.filter(kind=ReportEvent.Kind.PUBLISHED).count() == 1
    directory = __import__("pathlib").Path(pdf.file.path).parent
    assert sorted(p.name for p in directory.iterdir()) == [pdf.file.name.rsplit("/", 1)[1]]  # no temp file
    return pdf


def test_the_final_approval_publishes_the_pdf_through_the_worker(celery_worker_process):
    report = beijing_2020_report()
    started = time.monotonic()
    report_approved.send(sender=AnnualReport, report_id=report.pk)
    wait_until(lambda: _status(report) == ReportStatus.PUBLISHED, 90, "report published")
    assert time.monotonic() - started < 60
    pdf = _published_exactly_once(report)
    assert pdf.worker.startswith("test-") and pdf.task_id


@pytest.fixture
def broker(tmp_path):
    redis = RedisServer(tmp_path).start()
    with app_broker(redis.url):
        yield redis
    redis.stop()


@pytest.fixture
def workers(tmp_path, broker):
    started = []

    def start(**kwargs):
        worker = Worker(broker.url, tmp_path, **kwargs).wait_ready()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _rendering(report):
    connection.close()
    return ReportPdf.objects.filter(report=report, status=ReportPdf.Status.RENDERING).first()


def test_a_worker_killed_mid_render_is_replaced_and_the_report_published_once(workers, settings):
    slow = workers(app=SLOW_FIRST_RENDER)
    report = beijing_2020_report()
    report_approved.send(sender=AnnualReport, report_id=report.pk)
    claimed = wait_until(lambda: _rendering(report), 60, "render started")
    assert claimed.worker.startswith(slow.name)
    slow.kill()  # kill -9 in the middle of the render

    replacement = workers()
    settings.PUBLISHING_SWEEP_AFTER = __import__("datetime").timedelta(seconds=0)
    assert publishing_sweep() == 1
    wait_until(lambda: _status(report) == ReportStatus.PUBLISHED, 90, "published by the replacement")
    pdf = _published_exactly_once(report)
    assert pdf.worker.startswith(replacement.name) and pdf.attempts == 2
    assert publishing_sweep() == 0


def test_a_pool_process_killed_mid_render_is_redelivered_by_reject_on_worker_lost(workers):
    worker = workers(pool="prefork", app=SLOW_FIRST_RENDER)
    report = beijing_2020_report()
    report_approved.send(sender=AnnualReport, report_id=report.pk)
    claimed = wait_until(lambda: _rendering(report), 60, "render started")
    child_pid = int(claimed.worker.rsplit("pid ", 1)[1])
    __import__("os").kill(child_pid, 9)
    # The message comes back (acks_late + reject_on_worker_lost); the second attempt is not slowed.
    wait_until(lambda: _status(report) == ReportStatus.PUBLISHED, 120, "published after redelivery")
    pdf = _published_exactly_once(report)
    assert pdf.attempts == 2 and f"pid {child_pid}" not in pdf.worker
    assert "WorkerLostError" in worker.output()


def test_broker_down_at_approval_the_sweep_publishes_once_it_is_back(broker, workers, settings, caplog):
    workers()
    broker.stop()
    report = beijing_2020_report()
    started = time.monotonic()
    report_approved.send(sender=AnnualReport, report_id=report.pk)  # does not raise: the approval stands
    assert time.monotonic() - started < 30
    assert "pdf_render_enqueue_failed" in caplog.text
    assert _status(report) == ReportStatus.APPROVED and not ReportPdf.objects.filter(report=report).exists()

    broker.start()  # same port: the worker reconnects
    settings.PUBLISHING_SWEEP_AFTER = __import__("datetime").timedelta(seconds=0)
    assert publishing_sweep() == 1
    wait_until(lambda: _status(report) == ReportStatus.PUBLISHED, 120, "published after the broker came back")
    _published_exactly_once(report)
