"""验证: anyone uploads a PDF and learns whether it is an unaltered published version (which report,
which version) and whose signature it carries. The file is read in memory and never stored."""

from dataclasses import dataclass

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from config.http import GET_OR_POST
from reports.publishing.models import ReportPdf
from reports.publishing.verification import (
    MAX_BYTES,
    SignatureReport,
    sha256_of,
    signature_checks,
    upload_problem,
)

from . import selectors


@dataclass(frozen=True)
class Verified:
    name: str
    size: int
    sha256: str
    version: ReportPdf | None  # the published version with this hash, or None: altered or never published
    signatures: SignatureReport


def verified_upload(uploaded) -> tuple[Verified | None, str]:
    """(what the upload is, '') or (None, why it cannot be checked)."""
    if uploaded is None:
        return None, "请选择要验证的 PDF 文件。"
    data = uploaded.read(MAX_BYTES + 1) if uploaded.size <= MAX_BYTES else uploaded.read(1024)
    problem = upload_problem(data, uploaded.size)
    if problem:
        return None, problem
    sha256 = sha256_of(data)
    return Verified(name=uploaded.name[:200], size=len(data), sha256=sha256,
                    version=selectors.version_with_sha256(sha256), signatures=signature_checks(data)), ""


@require_http_methods(GET_OR_POST)
def verify(request):
    verified, problem = None, ""
    if request.method == "POST":
        verified, problem = verified_upload(request.FILES.get("file"))
    response = render(request, "portal/verify.html", {
        "verified": verified, "problem": problem, "max_mb": MAX_BYTES // (1024 * 1024)},
        status=400 if problem else 200)
    response["Cache-Control"] = "no-store"
    return response
