"""Stored files on an S3-compatible server over HTTP (moto's standalone server): the publish step writes
the PDF as an object, the portal streams it back with its length, a missing object is a clear 404, and
the importer's staged uploads and per-file results are objects too (no local path anywhere)."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from pyquery import PyQuery

from reports.importing import batch, tasks
from reports.publishing.models import ReportPdf
from reports.publishing.storage import read_stored
from tests.publishing.helpers import beijing_2020_report, publish_with_word_copy

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def _published(report):
    assert publish_with_word_copy(report.pk) == "published"
    return ReportPdf.objects.get(report=report, status=ReportPdf.Status.DONE)


def test_the_default_storage_is_the_bucket(s3_storage):
    from storages.backends.s3 import S3Storage

    assert isinstance(ReportPdf._meta.get_field("file").storage, S3Storage)  # the model's field follows
    assert default_storage.bucket_name == "nianbao-test"
    with pytest.raises(NotImplementedError):
        default_storage.path("reports/x.pdf")  # nothing can fall back to a local path


def test_a_published_pdf_is_an_object_in_the_bucket_and_the_portal_streams_it(s3_storage, client):
    report = beijing_2020_report()
    pdf = _published(report)
    key = f"nianbao/{pdf.file.name}"
    assert pdf.file.name == f"reports/2020/{report.body.code}/2020-{report.body.code}-v1.pdf"
    assert s3_storage.keys(f"reports/2020/{report.body.code}/") == [key]  # no temporary object left
    stored = s3_storage.get(pdf.file.name)
    assert stored.startswith(b"%PDF-") and len(stored) == pdf.size
    assert read_stored(pdf.file.name) == stored

    page = PyQuery(client.get(f"/portal/reports/{report.pk}/").content.decode())
    response = client.get(page("#pdf-download").attr("href"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(stored))
    assert b"".join(response.streaming_content) == stored

    pdf.refresh_from_db()
    word = client.get(page("#docx-download").attr("href"))  # the Word copy: the same store, same path
    assert word.status_code == 200 and word.streaming
    assert b"".join(word.streaming_content) == s3_storage.get(pdf.docx.name)
    assert word["Content-Length"] == str(pdf.docx_size)


def test_a_missing_object_is_a_clear_404_not_a_server_error(s3_storage, client):
    report = beijing_2020_report()
    pdf = _published(report)
    s3_storage.delete(pdf.file.name)
    response = client.get(f"/portal/reports/{report.pk}/v1.pdf")
    assert response.status_code == 404
    page = PyQuery(response.content.decode())
    assert "文件暂时无法下载" in page("h1").text()
    assert "在文件存储中找不到" in page("#file-missing-message").text()
    assert page("a.btn").attr("href") == f"/portal/reports/{report.pk}/"
    assert response["Cache-Control"] == "no-store"
    s3_storage.delete(pdf.docx.name)
    word = client.get(f"/portal/reports/{report.pk}/v1.docx")
    assert word.status_code == 404 and "在文件存储中找不到" in word.content.decode()


def test_a_store_that_does_not_answer_is_a_503_with_a_message(s3_storage, client, settings):
    report = beijing_2020_report()
    _published(report)
    from botocore.config import Config

    from tests.s3 import _free_port

    down = {**settings.STORAGES["default"]}
    down["OPTIONS"] = {**down["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{_free_port()}",
                       "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1,
                                               s3={"addressing_style": "path"})}
    settings.STORAGES = {**settings.STORAGES, "default": down}
    response = client.get(f"/portal/reports/{report.pk}/v1.pdf")
    assert response.status_code == 503
    assert "文件存储暂时无法访问" in PyQuery(response.content.decode())("#file-missing-message").text()


TEXT = "北京市东城区东花市街道办事处2020年政府信息公开工作年度报告\n一、总体情况\n".encode()


def test_the_importers_uploads_and_results_are_objects_another_machine_reads(s3_storage):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for n in range(2):
            zf.writestr(f"report-{n}.txt", TEXT)
    staged = batch.batch_create(name="column.zip", data=data.getvalue(), user_id=1, district_id=1)
    prefix = f"nianbao/import-batches/{staged}/"
    assert s3_storage.keys(f"import-batches/{staged}/") == [f"{prefix}0.bin", f"{prefix}1.bin",
                                                            f"{prefix}state.json"]
    assert s3_storage.get(f"import-batches/{staged}/1.bin") == TEXT
    assert tasks.parse_entry.run(staged, 0) == "read"
    assert tasks.parse_entry.run(staged, 0) == "skipped"
    assert f"{prefix}0.json" in s3_storage.keys(f"import-batches/{staged}/")
    state = batch.batch_state(staged)
    assert [e["state"] for e in state["entries"]] == ["read", "waiting"] and state["entries"][0]["year"] == 2020
    batch.entry_update(staged, 0, imported=7)  # replaced in place, never renamed
    assert batch.batch_state(staged)["entries"][0]["imported"] == 7
    assert s3_storage.keys(f"import-batches/{staged}/").count(f"{prefix}0.json") == 1

    other = batch.batch_create(name="r.txt", data=TEXT, user_id=1, district_id=1)
    batch.batch_discard(staged)
    assert s3_storage.keys(f"import-batches/{staged}/") == []
    assert batch.batch_state(staged) is None and tasks.parse_entry.run(staged, 1) == "skipped"
    assert batch.batches_sweep() == 0
    assert s3_storage.keys(f"import-batches/{other}/")  # a fresh upload is kept by the sweep
