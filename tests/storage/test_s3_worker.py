"""Several machines, one store: a real Celery worker given only the environment production reads
(NIANBAO_S3_*, AWS keys) publishes into moto's S3 server; the web process — another machine as far as
files go — serves the PDF from there to a member of the public in Chromium, through the portal page's
own link; a correction adds v2 and v1 stays downloadable; an upload staged by the web process is read
by the worker from the bucket."""

import io
import urllib.request
import zipfile

import pytest
from django.db import connection
from playwright.sync_api import expect

from reports.importing import batch
from reports.importing.tasks import parse_batch
from reports.models import AnnualReport, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.services import report_reopen
from reports.signals import report_approved
from reports.workflow import report_transition
from tests.publishing.helpers import pdftotext
from tests.publishing.workers import RedisServer, Worker, app_broker, wait_until
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = [pytest.mark.s3, pytest.mark.worker, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def s3_worker(django_db_setup, django_db_blocker, s3_server, tmp_path_factory):
    """Its own Redis and a worker whose only storage settings are the S3 environment variables."""
    workdir = tmp_path_factory.mktemp("s3-worker")
    redis = RedisServer(workdir).start()
    worker = Worker(redis.url, workdir, env=s3_server.env, unset=("DJANGO_MEDIA_ROOT",)).wait_ready()
    with app_broker(redis.url):
        yield worker
    worker.stop()
    redis.stop()


def _done_versions(report) -> list[int]:
    """The versions published with their Word copy (made by the same task right after the PDF)."""
    connection.close()  # see the worker's commits
    return list(ReportPdf.objects.filter(report=report, status=ReportPdf.Status.DONE).exclude(docx_sha256="")
                .order_by("version").values_list("version", flat=True))


def _download(page, link, tmp_path, name: str) -> bytes:
    with page.expect_download() as info:
        link.click()
    target = tmp_path / name
    info.value.save_as(target)
    return target.read_bytes()


def test_publish_download_and_correct_against_the_shared_bucket(s3_worker, s3_storage, people, page,
                                                                 live_server, tmp_path):
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    report_approved.send(sender=AnnualReport, report_id=report.pk)
    wait_until(lambda: _done_versions(report) == [1], 120, "v1 published by the S3 worker\n" + s3_worker.output())
    v1 = ReportPdf.objects.get(report=report, version=1)
    assert v1.worker.startswith(s3_worker.name)
    folder = f"reports/2025/{people.body.code}/"
    assert s3_storage.keys(folder) == [f"nianbao/{v1.file.name}"]  # the object, no temporary one
    v1_bytes = s3_storage.get(v1.file.name)
    assert len(v1_bytes) == v1.size and v1_bytes.startswith(b"%PDF-")
    assert b"/ByteRange" in v1_bytes and b"/ETSI.CAdES.detached" in v1_bytes  # signed (PAdES) before stored

    # The Word copy made by the same task is an object of the bucket too (the version's FileFields
    # share the storage), and is what the portal serves.
    word = f"word/2025/{people.body.code}/"
    assert v1.docx.name.startswith(word) and s3_storage.keys(word) == [f"nianbao/{v1.docx.name}"]
    docx_bytes = s3_storage.get(v1.docx.name)
    assert len(docx_bytes) == v1.docx_size and docx_bytes.startswith(b"PK")

    # A member of the public downloads it through the page's own link: the bytes of the object.
    page.goto(f"{live_server.url}/portal/reports/{report.pk}/")
    link = page.get_by_role("link", name="下载 PDF")
    assert _download(page, link, tmp_path, "v1.pdf") == v1_bytes
    with urllib.request.urlopen(live_server.url + link.get_attribute("href"), timeout=30) as response:  # noqa: S310
        assert response.headers["Content-Length"] == str(len(v1_bytes))
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read() == v1_bytes

    # 更正: reopened, changed, approved again; the worker publishes v2 beside v1.
    report_reopen(report=report, by=people.admin, reason="第三部分申请数量统计有误，予以更正。")
    for action, by in (("submit", people.filler), ("approve", people.head), ("approve", people.director)):
        report_transition(report=AnnualReport.objects.get(pk=report.pk), action=action, by=by)
    report_approved.send(sender=AnnualReport, report_id=report.pk)
    wait_until(lambda: _done_versions(report) == [1, 2], 120, "v2 published\n" + s3_worker.output())
    v2 = ReportPdf.objects.get(report=report, version=2)
    assert s3_storage.keys(folder) == sorted([f"nianbao/{v1.file.name}", f"nianbao/{v2.file.name}"])
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.PUBLISHED
    v2_bytes = s3_storage.get(v2.file.name)
    assert s3_storage.get(v1.file.name) == v1_bytes  # v1 untouched

    page.goto(f"{live_server.url}/portal/reports/{report.pk}/")
    expect(page.locator("#corrections")).to_contain_text("第三部分申请数量统计有误")
    current = _download(page, page.get_by_role("link", name="下载 PDF"), tmp_path, "v2.pdf")
    assert current == v2_bytes
    assert "更正说明" in pdftotext(tmp_path / "v2.pdf", "-raw")
    assert _download(page, page.locator("#version-1 a").first, tmp_path, "v1-again.pdf") == v1_bytes
    assert len(s3_storage.keys(word)) == 2  # v2's Word copy beside v1's


def test_an_upload_staged_by_the_web_process_is_read_by_the_worker_from_the_bucket(s3_worker, s3_storage):
    text = "北京市东城区东花市街道办事处2020年政府信息公开工作年度报告\n一、总体情况\n".encode()
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for n in range(2):
            zf.writestr(f"report-{n}.txt", text)
    staged = batch.batch_create(name="column.zip", data=data.getvalue(), user_id=1, district_id=1)
    parse_batch.delay(staged)
    wait_until(lambda: batch.batch_state(staged)["status"] == "done", 90, "batch read\n" + s3_worker.output())
    keys = s3_storage.keys(f"import-batches/{staged}/")
    assert {f"nianbao/import-batches/{staged}/{n}.json" for n in (0, 1)} <= set(keys)
    assert [e["year"] for e in batch.batch_state(staged)["entries"]] == [2020, 2020]
