"""Is an uploaded file a published version, unaltered? What the portal's 验证 page asks.

Two independent answers: the file's SHA-256 equals that of a published version (the stored hash is
the signed file's, signing.py), and the embedded PAdES signatures, validated by pyHanko against the
district's certificate (signing.trust_roots), are intact and cover the whole file. Any byte changed
changes the hash; the signature says in addition who signed and when.

`upload_problem` refuses what is not worth reading (empty, too big, not a PDF) with a message;
`signature_checks` never raises on a hostile or broken file: it says it could not read it. The
work is bounded: a file of at most MAX_BYTES, at most MAX_SIGNATURES signatures, no difference
analysis of later revisions (a signature that does not cover the whole file is reported as such),
and no network (no revocation fetching).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

import structlog

log = structlog.get_logger(__name__)

MAX_BYTES = 20 * 1024 * 1024
MAX_SIGNATURES = 5


@dataclass(frozen=True)
class SignatureCheck:
    signer: str
    signed_at: datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # the certificate chains to the district's
    whole_file: bool  # nothing was appended after signing

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.whole_file


@dataclass(frozen=True)
class SignatureReport:
    checks: list[SignatureCheck] = field(default_factory=list)
    unreadable: bool = False  # the file or its signatures could not be parsed

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_problem(data: bytes, size: int | None = None) -> str:
    """Why an upload cannot be checked, or '' (size: the upload's own size, when read partially)."""
    size = len(data) if size is None else size
    if size == 0:
        return "文件是空的，请选择从门户网站下载的 PDF 文件。"
    if size > MAX_BYTES:
        return f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，不是本系统发布的 PDF，未作验证。"
    if b"%PDF-" not in data[:1024]:
        return "这不是 PDF 文件，请选择从门户网站下载的 PDF 文件。"
    return ""


def _signer_name(certificate) -> str:
    subject = certificate.subject.native
    return str(subject.get("common_name") or subject.get("organization_name") or certificate.subject.human_friendly)


def _check(embedded, context) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    from .signing import outside_event_loop

    status = outside_event_loop(validate_pdf_signature, embedded, context, skip_diff=True)
    return SignatureCheck(signer=_signer_name(status.signing_cert), signed_at=status.signer_reported_dt,
                          intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
                          whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE)


def signature_checks(data: bytes) -> SignatureReport:
    """The embedded signatures of a PDF, each validated against the district's certificate."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature  # noqa: F401 (an ImportError is no bad file)
    from pyhanko.sign.validation.status import SignatureCoverageLevel  # noqa: F401
    from pyhanko_certvalidator import ValidationContext

    from .signing import outside_event_loop, trust_roots  # noqa: F401

    roots = trust_roots()
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures[:MAX_SIGNATURES]
        checks = []
        for embedded in signatures:
            context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
            checks.append(_check(embedded, context))
    except Exception as exc:  # a hostile or broken file: say so, never a server error
        log.info("pdf_signature_unreadable", error=f"{type(exc).__name__}: {exc}"[:300])
        return SignatureReport(unreadable=True)
    return SignatureReport(checks=checks)
