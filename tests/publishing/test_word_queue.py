"""The Word copy's place in the queue: its own task, sent when a publication commits, behind every render;
the sweep queues copies still missing only once no render waits, a bounded batch at a time."""

import datetime

import pytest
from django.utils import timezone

from reports.models import AnnualReport, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.tasks import publish
from tests.factories import BodyFactory
from tests.publishing.word_helpers import open_docx
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pause(settings):
    """A pause of several seconds, as production's (the tests' settings take 1 s, which a slow machine
    could pass between a publication and the check that follows it), and neither default: the
    countdowns and windows below follow the setting."""
    settings.NIANBAO_WORD_DEFER_SECONDS = 7


def test_the_render_queues_the_word_copy_behind_the_renders_when_the_publication_commits(
        people, django_capture_on_commit_callbacks, monkeypatch):
    """The render does only what the PDF needs: the Word copy is its own task, sent when the version's
    publication commits, at the lowest priority (workers take every waiting render first)."""
    from celery import current_app

    from reports.publishing.enqueue import (
        RENDER_TASK,
        WORD_PRIORITY,
        WORD_TASK,
        enqueue_render,
        word_defer_seconds,
    )
    from reports.publishing.tasks import make_word_copies

    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args, **options: sent.append((name, args, options)))
    reporting_year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=reporting_year, body=people.body, approved=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert publish(report.pk) == "published"
    pdf = report.pdf_versions.get()
    assert pdf.is_done and not pdf.docx  # published without waiting for its copy
    assert [(name, args, options.get("priority")) for name, args, options in sent] == [
        (WORD_TASK, (report.pk,), WORD_PRIORITY)]
    enqueue_render(report.pk)
    assert sent[-1][0] == RENDER_TASK and sent[-1][2].get("priority") is None  # renders: the default, first

    assert make_word_copies(report.pk) == "deferred"  # published a moment ago: more may be coming
    ReportPdf.objects.update(published_at=timezone.now() - datetime.timedelta(seconds=word_defer_seconds() + 1))
    assert make_word_copies(report.pk) == "done"  # what the worker then runs
    pdf.refresh_from_db()
    assert pdf.docx and pdf.docx_sha256 and open_docx(pdf).paragraphs[0].text == report.title
    stored = pdf.docx.name
    assert make_word_copies(report.pk) == "done"  # idempotent: a second message changes nothing
    pdf.refresh_from_db()
    assert pdf.docx.name == stored


def test_the_sweep_queues_copies_still_missing_once_no_render_waits(people, monkeypatch, settings):
    from datetime import timedelta

    from django.utils import timezone

    from reports.publishing import selectors, tasks

    queued = {"render": [], "word": []}
    monkeypatch.setattr(tasks, "enqueue_render", lambda pk: queued["render"].append(pk))
    monkeypatch.setattr(tasks, "enqueue_word_copies", lambda pk: queued["word"].append(pk))
    reporting_year = ReportingYearFactory(district=people.district, year=2025)
    old = AnnualReportFactory(reporting_year=reporting_year, body=people.body, published=True)
    assert not old.pdf_versions.get().docx
    ReportPdf.objects.filter(report=old).update(published_at=timezone.now() - timedelta(minutes=10))
    recent = AnnualReportFactory(reporting_year=reporting_year, body=people.other_body, published=True)
    ReportPdf.objects.filter(report=recent).update(published_at=timezone.now())

    waiting = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2024),
                                  body=people.body, approved=True)
    tasks.publishing_sweep()
    assert queued["word"] == []  # a render waits: the copies are behind it, late and not lost

    AnnualReport.objects.filter(pk=waiting.pk).update(status=ReportStatus.PUBLISHED)  # its PDF is out
    tasks.publishing_sweep()
    assert queued["word"] == [old.pk]  # the recent version's copy is still on its way

    older = AnnualReportFactory(reporting_year=ReportingYearFactory(district=people.district, year=2023),
                                body=people.body, published=True)
    ReportPdf.objects.filter(report=older).update(published_at=timezone.now() - timedelta(days=400))
    monkeypatch.setattr(selectors, "SWEEP_COPIES", 1)  # a bounded batch a sweep, the longest waiting first
    queued["word"].clear()
    tasks.publishing_sweep()
    assert queued["word"] == [older.pk]


def test_a_word_copy_taken_while_a_render_waits_is_sent_back_for_later(people, monkeypatch):
    """A worker free a moment before the next approval would hold its render back for a whole copy:
    the copy goes back to the queue (word_defer_seconds() later, at its priority) while an approved
    report waits, a render runs or one was published within word_defer_seconds(), and is made once none
    does, or after WORD_DEFERRALS times back whatever waits."""
    from celery import current_app

    from reports.publishing.enqueue import WORD_PRIORITY, WORD_TASK, word_defer_seconds
    from reports.publishing.tasks import WORD_DEFERRALS, make_word_copies

    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args, **options: sent.append((name, args, options)))
    reporting_year = ReportingYearFactory(district=people.district, year=2025)
    published = AnnualReportFactory(reporting_year=reporting_year, body=people.body, published=True)
    waiting = AnnualReportFactory(reporting_year=reporting_year, body=people.other_body, approved=True)
    pdf = published.pdf_versions.get()

    assert make_word_copies(published.pk) == "deferred"
    assert make_word_copies(published.pk, deferred=3) == "deferred"
    assert [(name, args, options["priority"], options["countdown"], options["kwargs"]) for name, args, options in sent] \
        == [(WORD_TASK, (published.pk,), WORD_PRIORITY, 7, {"deferred": 1}),
            (WORD_TASK, (published.pk,), WORD_PRIORITY, 7, {"deferred": 4})]
    pdf.refresh_from_db()
    assert not pdf.docx

    assert make_word_copies(published.pk, deferred=WORD_DEFERRALS) == "done"  # waited long enough
    pdf.refresh_from_db()
    assert pdf.docx and len(sent) == 2

    # No report waits for its render, but one was published a moment ago: approvals are arriving.
    other = AnnualReportFactory(reporting_year=reporting_year, body=BodyFactory(district=people.district),
                                published=True)
    AnnualReport.objects.filter(pk=waiting.pk).update(status=ReportStatus.PUBLISHED)
    assert make_word_copies(other.pk) == "deferred" and len(sent) == 3
    # Once none was published for word_defer_seconds(), the copy is made at once.
    ReportPdf.objects.update(published_at=timezone.now() - datetime.timedelta(seconds=word_defer_seconds() + 1))
    assert make_word_copies(other.pk) == "done" and len(sent) == 3
    assert other.pdf_versions.get().docx
