"""A report's document as HTML (reports/document.html), kept in the shared cache for the review page.

A reviewer opens the review page, approves, and lands on it again; the other level's reviewer opens it
next; none of them changes the content. Building the document's thousand cells was about a fifth of the
page's CPU (benchmarks/peak.py's reviewers). So the HTML is kept, one entry a report (overwritten when
its content changes), under what it is built from: the database's digests of the report's sections
(ReportSection.content_digest), the title, the format and this code. Compressed: ~21 KB of HTML is ~4 KB
kept (0.2 ms of CPU both ways), in a Redis that is also the broker and evicts nothing.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from ..kept import keep, kept_as_of
from .document import AnnualReportDocument

TEMPLATE = "reports/document.html"
_ROOT = Path(__file__).resolve().parent.parent
# The code the kept HTML came from: a new release builds it afresh.
SOURCE = hashlib.sha256(b"".join(path.read_bytes() for path in sorted([
    Path(__file__), _ROOT / "publishing" / "document.py", _ROOT / "templatetags" / "stats.py",
    *(_ROOT / "formats").glob("*.py"), Path(settings.BASE_DIR) / "templates" / TEMPLATE]))).hexdigest()[:16]


def _slot(report_id: int) -> str:
    return f"document-html:{report_id}"


def _state(document: AnnualReportDocument) -> str | None:
    """What the HTML is built from, or None when the content was not read from every stored section
    (a published snapshot, a document of typed content): then it is built, not kept."""
    sections = document.content.sections if document.content else {}
    if document.report.pk is None or set(sections) != {section.key for section in document.format.sections}:
        return None
    digests = tuple(sorted((key, section.content_digest) for key, section in sections.items()))
    if any(digest is None for _key, digest in digests):
        return None
    report = document.report
    facts = (SOURCE, report.pk, document.title, document.preamble, document.format.key, report.imported, digests)
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def document_html(document: AnnualReportDocument) -> SafeString:
    state = _state(document)
    if state is not None:
        found = kept_as_of({_slot(document.report.pk): state})
        try:
            if found:
                html = zlib.decompress(found[_slot(document.report.pk)]).decode()
                return mark_safe(html)  # noqa: S308 - rendered by the template below when it was kept
        except (zlib.error, TypeError, UnicodeDecodeError):  # not what this code keeps: built again
            pass
    html = render_to_string(TEMPLATE, {"document": document})
    if state is not None:
        keep({_slot(document.report.pk): (state, zlib.compress(html.encode(), 1))})
    return mark_safe(html)  # noqa: S308 - rendered by the template, which escapes
