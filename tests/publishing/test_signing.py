"""Every published PDF carries the district's PAdES signature (reports/publishing/signing.py): poppler's
pdfsig and pyHanko's validator both accept the file the worker stored, its stored SHA-256 is the signed
file's, and a publication without a usable key fails loudly instead of publishing an unsigned file."""

import hashlib
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from reports.models import AnnualReport, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.tasks import publish
from reports.signals import report_approved
from tests.publishing.helpers import beijing_2020_report, pdftotext, squeeze
from tests.publishing.workers import wait_until
from tests.services import SIGNER


def pdfsig(path) -> str:
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def pyhanko_status(data: bytes, roots_pem: Path):
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    context = ValidationContext(trust_roots=list(load_certs_from_pemder([str(roots_pem)])))
    with ThreadPoolExecutor(max_workers=1) as pool:  # its asyncio.run() refuses a thread with a running loop
        return pool.submit(validate_pdf_signature, reader.embedded_signatures[0], context).result()


def assert_signed_by_the_district(path: Path) -> None:
    """pdfsig (poppler) and pyHanko both find one valid signature of the test district over the whole file."""
    out = pdfsig(path)
    assert "Signature #1:" in out and "Signature #2:" not in out, out
    assert "Signature Validation: Signature is Valid." in out, out  # the certificate itself is self-signed
    assert f"Signer Certificate Common Name: {SIGNER}" in out, out
    assert "Total document signed" in out, out
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = pyhanko_status(path.read_bytes(), Path(os.environ["NIANBAO_SIGNING_CERT"]))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == SIGNER
    assert status.bottom_line


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_pdf_the_worker_publishes_is_signed_and_its_sha256_is_the_signed_files(celery_worker_process,
                                                                                     settings):
    settings.MEDIA_ROOT = os.environ["DJANGO_MEDIA_ROOT"]  # where the worker wrote it
    report = beijing_2020_report()
    report_approved.send(sender=AnnualReport, report_id=report.pk)

    def published():
        connection.close()  # see the worker's commits
        return AnnualReport.objects.get(pk=report.pk).status == ReportStatus.PUBLISHED

    wait_until(published, 90, "report published by the worker")
    pdf = ReportPdf.objects.get(report=report, version=1)
    path = Path(pdf.file.path)
    data = path.read_bytes()
    assert pdf.sha256 == hashlib.sha256(data).hexdigest() and pdf.size == len(data)
    assert_signed_by_the_district(path)
    # Still the same document for a reader: the signature is an incremental update after WeasyPrint's file.
    assert squeeze(report.title) in squeeze(pdftotext(path))


@pytest.mark.django_db
def test_a_correction_is_a_new_signed_version_and_the_first_stays_as_signed(people, tmp_path):
    from tests.publishing.test_lifecycle import _approve_again
    from tests.report_factories import AnnualReportFactory, ReportingYearFactory

    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    assert publish(report.pk) == "published"
    first = report.pdf_versions.get()
    first_bytes = Path(first.file.path).read_bytes()

    from reports.publishing.services import report_reopen

    report_reopen(report=report, by=people.admin, reason="第三部分数字有误，予以更正。")
    _approve_again(report, people)
    assert publish(report.pk) == "published"
    second = report.pdf_versions.get(version=2)
    for version in (first, second):
        version.refresh_from_db()
        path = Path(version.file.path)
        assert version.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert_signed_by_the_district(path)
    assert Path(first.file.path).read_bytes() == first_bytes and first.sha256 != second.sha256


@pytest.mark.django_db
def test_publishing_without_a_signing_key_fails_loudly_when_signing_is_required(people, settings, tmp_path):
    from tests.report_factories import AnnualReportFactory, ReportingYearFactory

    settings.NIANBAO_SIGNING_KEY = str(tmp_path / "no-such-key.pem")
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    assert publish(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISH_FAILED
    pdf = report.pdf_versions.get()
    assert "未配置签名证书" in pdf.error and not pdf.file and not pdf.sha256


@pytest.mark.django_db
def test_a_wrong_passphrase_fails_the_publication_with_its_reason(people, settings):
    from tests.report_factories import AnnualReportFactory, ReportingYearFactory

    settings.NIANBAO_SIGNING_PASSPHRASE = "not-the-passphrase"
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    assert publish(report.pk) == "failed"
    assert "口令错误" in report.pdf_versions.get().error


@pytest.mark.django_db
def test_where_signing_is_neither_configured_nor_required_the_pdf_is_published_unsigned(people, settings):
    from tests.report_factories import AnnualReportFactory, ReportingYearFactory

    settings.NIANBAO_SIGNING_KEY = settings.NIANBAO_SIGNING_CERT = ""
    settings.NIANBAO_SIGNING_REQUIRED = False
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    assert publish(report.pk) == "published"
    assert "Signature #1" not in pdfsig(report.pdf_versions.get().file.path)


@pytest.mark.django_db
def test_self_signed_mode_makes_the_districts_certificate_on_the_first_publication(people, settings, tmp_path):
    from tests.report_factories import AnnualReportFactory, ReportingYearFactory

    settings.NIANBAO_SIGNING_KEY = str(tmp_path / "demo" / "key.pem")
    settings.NIANBAO_SIGNING_CERT = str(tmp_path / "demo" / "cert.pem")
    settings.NIANBAO_SIGNING_PASSPHRASE = ""
    settings.NIANBAO_SIGNING_SELF_SIGNED = True
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    assert publish(report.pk) == "published"
    out = pdfsig(report.pdf_versions.get().file.path)
    assert "Signature is Valid." in out and f"Common Name: {people.district.name}人民政府" in out, out


@pytest.mark.django_db
def test_make_signing_cert_makes_a_pair_once_and_again_only_with_force(people, settings, tmp_path, capsys):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    settings.NIANBAO_SIGNING_PASSPHRASE = ""
    call_command("make_signing_cert", "--key", str(key), "--cert", str(cert), "--name", "测试区人民政府")
    assert "已生成签名证书" in capsys.readouterr().out
    first = cert.read_bytes()
    assert b"BEGIN CERTIFICATE" in first and b"BEGIN PRIVATE KEY" in key.read_bytes()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    call_command("make_signing_cert", "--key", str(key), "--cert", str(cert))
    assert "已存在" in capsys.readouterr().out and cert.read_bytes() == first
    call_command("make_signing_cert", "--key", str(key), "--cert", str(cert), "--force")
    assert cert.read_bytes() != first
    from cryptography import x509

    subject = x509.load_pem_x509_certificate(cert.read_bytes()).subject.rfc4514_string()
    assert f"CN={people.district.name}人民政府" in subject  # the district's name by default


def test_signing_works_inside_a_running_event_loop_too(tmp_path):
    import asyncio

    from reports.publishing.pdf import render_html_to_pdf
    from reports.publishing.signing import sign_pdf

    unsigned = render_html_to_pdf('<html lang="zh-Hans"><p>在事件循环中签名</p></html>').pdf

    async def inside():
        return sign_pdf(unsigned)

    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread of its own: no loop of Playwright's around
        (tmp_path / "signed.pdf").write_bytes(pool.submit(asyncio.run, inside()).result())
    assert_signed_by_the_district(tmp_path / "signed.pdf")


def test_the_key_is_loaded_once_per_process_and_a_renewed_certificate_is_used_from_the_next_signature(
        settings, tmp_path, monkeypatch):
    """A worker signs report after report: the key is read and checked once (not three times a
    signature), and a certificate renewed on disk signs the very next PDF."""
    from reports.publishing import signing
    from reports.publishing.pdf import render_html_to_pdf

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    signing.make_self_signed(key, cert, name="第一张证书人民政府")
    settings.NIANBAO_SIGNING_KEY, settings.NIANBAO_SIGNING_CERT = str(key), str(cert)
    settings.NIANBAO_SIGNING_PASSPHRASE, settings.NIANBAO_SIGNING_CHAIN = "", []
    loads = []
    load = signing._load_signer
    monkeypatch.setattr(signing, "_load_signer", lambda config: loads.append(config) or load(config))
    from cryptography.hazmat.primitives import serialization

    key_loads = []
    der = serialization.load_der_private_key
    monkeypatch.setattr(serialization, "load_der_private_key", lambda *a, **k: key_loads.append(1) or der(*a, **k))
    unsigned = render_html_to_pdf('<html lang="zh-Hans"><p>同一把密钥</p></html>').pdf

    for n in range(3):
        (tmp_path / f"{n}.pdf").write_bytes(signing.sign_pdf(unsigned))
        status = pyhanko_status((tmp_path / f"{n}.pdf").read_bytes(), cert)
        assert status.bottom_line and status.signing_cert.subject.native["common_name"] == "第一张证书人民政府"
    assert len(loads) == 1 and len(key_loads) == 1  # pyHanko's own signer loaded the key twice a signature

    signing.make_self_signed(key, cert, name="续期证书人民政府", overwrite=True)
    renewed = signing.sign_pdf(unsigned)
    status = pyhanko_status(renewed, cert)
    assert status.bottom_line and status.signing_cert.subject.native["common_name"] == "续期证书人民政府"
    assert len(loads) == 2


def test_the_room_for_the_signature_is_sized_by_the_first_signature_of_a_key_and_reused(settings, tmp_path,
                                                                                     monkeypatch):
    """pyHanko sizes the signature's room with a dry-run signature; a kept signer does that once, and every
    signature it makes after gets the same room, valid, as pyHanko would have sized it."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from reports.publishing import signing
    from reports.publishing.pdf import render_html_to_pdf

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    signing.make_self_signed(key, cert, name="签名空间人民政府")
    settings.NIANBAO_SIGNING_KEY, settings.NIANBAO_SIGNING_CERT = str(key), str(cert)
    settings.NIANBAO_SIGNING_PASSPHRASE, settings.NIANBAO_SIGNING_CHAIN = "", []
    dry_runs = []
    signer_class = signing._kept_key_signer_class()
    sign = signer_class.async_sign

    async def counted(self, *args, **kwargs):
        dry_runs.append(bool(kwargs.get("dry_run")))
        return await sign(self, *args, **kwargs)

    monkeypatch.setattr(signer_class, "async_sign", counted)
    unsigned = render_html_to_pdf('<html lang="zh-Hans"><p>签名的空间</p></html>').pdf

    def room(data: bytes) -> int:
        return len(PdfFileReader(BytesIO(data)).embedded_signatures[0].sig_object["/Contents"])

    rooms = []
    for n in range(3):
        signed = signing.sign_pdf(unsigned)
        assert pyhanko_status(signed, cert).bottom_line
        rooms.append(room(signed))
        assert dry_runs == [True, False] + [False] * n, n  # the first signature's dry run, then none
    assert len(set(rooms)) == 1 and rooms[0] > 1000

    signing.make_self_signed(key, cert, name="续期证书人民政府", overwrite=True)  # a new key is sized again
    dry_runs.clear()
    assert pyhanko_status(signing.sign_pdf(unsigned), cert).bottom_line and dry_runs == [True, False]


def test_a_signature_whose_room_cannot_be_read_back_is_published_all_the_same(settings, tmp_path, monkeypatch):
    from pyhanko.pdf_utils import reader

    from reports.publishing import signing
    from reports.publishing.pdf import render_html_to_pdf

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    signing.make_self_signed(key, cert, name="读不回人民政府")
    settings.NIANBAO_SIGNING_KEY, settings.NIANBAO_SIGNING_CERT = str(key), str(cert)
    settings.NIANBAO_SIGNING_PASSPHRASE, settings.NIANBAO_SIGNING_CHAIN = "", []
    unsigned = render_html_to_pdf('<html lang="zh-Hans"><p>读不回</p></html>').pdf
    with monkeypatch.context() as patched:
        patched.setattr(reader, "PdfFileReader", lambda *a, **k: (_ for _ in ()).throw(ValueError("unreadable")))
        signed = signing.sign_pdf(unsigned)
    assert pyhanko_status(signed, cert).bottom_line
    kept = signing._signer(signing._ready_config())
    assert getattr(kept, "_nianbao_bytes_reserved", None) is None  # sized again by the next signature
    assert pyhanko_status(signing.sign_pdf(unsigned), cert).bottom_line
    assert kept._nianbao_bytes_reserved > 1000
