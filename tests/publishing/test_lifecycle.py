"""Failure, retry, bounded attempts, the live status, and corrections (更正) after publication."""

import pytest
from django.conf import settings as django_settings
from pyquery import PyQuery

from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.tasks import publish
from reports.workflow import report_transition
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(people):
    year = ReportingYearFactory(district=people.district, year=2025)
    return AnnualReportFactory(reporting_year=year, body=people.body, approved=True)


def _break_format(report):
    ReportingYear.objects.filter(pk=report.reporting_year_id).update(format_variant="no-such-variant")


def _repair_format(report):
    ReportingYear.objects.filter(pk=report.reporting_year_id).update(format_variant="")


def test_a_failed_render_shows_its_reason_and_an_admin_retries_it(client, approved, people):
    _break_format(approved)
    assert publish(approved.pk) == "failed"
    approved.refresh_from_db()
    assert approved.status == ReportStatus.PUBLISH_FAILED
    pdf = approved.pdf_versions.get()
    assert pdf.status == ReportPdf.Status.FAILED and "no-such-variant" in pdf.error
    event = approved.events.get(kind=ReportEvent.Kind.PUBLISH_FAILED)
    assert "生成 PDF 出错" in event.comment

    _repair_format(approved)
    client.force_login(people.filler)
    page = client.get(f"/reports/{approved.pk}/").content.decode()
    assert "发布失败" in page and "重新发布" not in page  # fillers see the state, not the button
    assert client.post(f"/publishing/{approved.pk}/retry/").status_code == 302
    assert AnnualReport.objects.get(pk=approved.pk).status == ReportStatus.PUBLISH_FAILED

    client.force_login(people.admin)
    fragment = PyQuery(client.get(f"/publishing/{approved.pk}/status/").content.decode())
    assert "no-such-variant" in fragment("#publication-status-message").text()
    assert fragment("form[action$='/retry/'] button").text() == "重新发布"
    response = client.post(f"/publishing/{approved.pk}/retry/", follow=True)
    assert "已重新提交生成 PDF" in response.content.decode()
    assert AnnualReport.objects.get(pk=approved.pk).status == ReportStatus.APPROVED
    assert approved.events.filter(kind=ReportEvent.Kind.PUBLISH_RETRIED, actor=people.admin).exists()
    assert publish(approved.pk) == "published"
    pdf.refresh_from_db()
    assert pdf.status == ReportPdf.Status.DONE and pdf.attempts == 1 and pdf.error == ""


def test_attempts_are_bounded(approved, settings):
    settings.PUBLISHING_MAX_ATTEMPTS = 2
    ReportPdf.objects.create(report=approved, version=1, attempts=2, status=ReportPdf.Status.RENDERING)
    assert publish(approved.pk) == "nothing-to-do"
    approved.refresh_from_db()
    assert approved.status == ReportStatus.PUBLISH_FAILED
    assert "已尝试生成 2 次" in approved.pdf_versions.get().error


def test_the_status_fragment_polls_until_published(client, approved, people):
    client.force_login(people.director)
    overview = PyQuery(client.get(f"/reports/{approved.pk}/").content.decode())
    status = overview("#publication-status")
    assert status.attr("hx-get") == f"/publishing/{approved.pk}/status/" and "every" in status.attr("hx-trigger")
    assert "排队" in status.text()
    publish(approved.pk)
    fragment = PyQuery(client.get(f"/publishing/{approved.pk}/status/").content.decode())
    assert fragment("#publication-status").attr("hx-get") is None  # final: polling stops
    assert "已发布（第1版" in fragment.text() and fragment("a[href$='/v1.pdf']")
    client.force_login(people.other_filler)
    assert client.get(f"/publishing/{approved.pk}/status/").status_code == 404


def _approve_again(report, people):
    for action, by in (("submit", people.filler), ("approve", people.head), ("approve", people.director)):
        report_transition(report=report, action=action, by=by)


def test_a_correction_keeps_the_published_version_until_the_corrected_one_is_published(client, approved, people):
    publish(approved.pk)
    first = approved.pdf_versions.get()
    original = first.content["texts"]["s1.p1"] if "s1.p1" in first.content["texts"] else next(iter(first.content["texts"].values()))

    client.force_login(people.filler)
    assert client.post(f"/publishing/{approved.pk}/reopen/", {"reason": "x"}).status_code == 302
    assert AnnualReport.objects.get(pk=approved.pk).status == ReportStatus.PUBLISHED  # only admins reopen
    client.force_login(people.admin)
    response = client.post(f"/publishing/{approved.pk}/reopen/", {"reason": ""}, follow=True)
    assert "请填写更正原因" in response.content.decode()
    client.post(f"/publishing/{approved.pk}/reopen/", {"reason": "第三部分申请数量统计有误，予以更正。"})
    approved.refresh_from_db()
    assert approved.status == ReportStatus.RETURNED

    # The fillers change the text; the portal still shows what was published.
    section = approved.sections.get(key="s1")
    section.texts = {k: "更正后的总体情况文字。" for k in section.texts}
    section.save()
    client.logout()
    page = client.get(f"/portal/reports/{approved.pk}/").content.decode()
    assert "更正后的总体情况文字" not in page and original.splitlines()[0] in page

    _approve_again(approved, people)
    assert publish(approved.pk) == "published"
    approved.refresh_from_db()
    assert approved.status == ReportStatus.PUBLISHED
    assert list(approved.pdf_versions.values_list("version", "status")) == [(1, "done"), (2, "done")]
    page = PyQuery(client.get(f"/portal/reports/{approved.pk}/").content.decode())
    assert "更正后的总体情况文字" in page("article").text()
    assert "第三部分申请数量统计有误" in page("#corrections").text()
    assert page("#version-1 a").attr("href") == f"/portal/reports/{approved.pk}/v1.pdf"
    assert client.get(f"/portal/reports/{approved.pk}/v1.pdf").status_code == 200
    assert client.get(f"/portal/reports/{approved.pk}/v2.pdf").status_code == 200
    first.refresh_from_db()
    assert first.content["texts"] != approved.pdf_versions.get(version=2).content["texts"]  # v1 never changed
    from tests.publishing.helpers import pdftotext

    assert "更正说明" in pdftotext(approved.pdf_versions.get(version=2).file.path, "-raw")


def test_the_beat_schedule_runs_the_sweep():
    assert django_settings.CELERY_BEAT_SCHEDULE["publishing-sweep"]["task"] == "publishing.sweep"
    from config.celery_app import app

    assert "publishing.sweep" in app.tasks and "publishing.render_report_pdf" in app.tasks
    task = app.tasks["publishing.render_report_pdf"]
    assert task.acks_late and task.reject_on_worker_lost
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert task.time_limit * 10 < visibility
