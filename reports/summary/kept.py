"""The summary page's figures (the sums and their rules, the bodies left out, the tables and the 图解),
kept as rendered HTML in the shared cache with a digest of everything they are computed from.

At the January peak administrators reload the summary while fillers save and reviewers approve. The
summary sums each report's published version (or its live sections, see summary.py), so a year whose
reports no longer change, last year's, gives the same page every time: it is computed once (0.12 CPU-s
and six aggregate queries for the peak benchmark's 140 reports) and then read back (~0.02 CPU-s for the
whole page). Anything it reads that changes (a report's status or name, a new or corrected version, a
live section's figures, a body renamed, moved or closed, the format, a new release) gives another
digest (`summary_state`), and the figures are computed again: never shown stale.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

from django.db.models import TextField
from django.db.models.functions import MD5, Cast
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from agencies.models import Body

from ..kept import keep, kept_as_of
from ..models import AnnualReport, ReportingYear, ReportSection
from ..publishing.models import ReportPdf
from .summary import live_reports

_HERE = Path(__file__).resolve().parent
_TEMPLATES = _HERE.parent.parent / "templates" / "reports" / "summary"
# The code and templates the kept HTML came from: a new release computes afresh.
_SOURCES = [*sorted(_HERE.glob("*.py")), *sorted((_HERE.parent / "formats").glob("*.py")),
            *sorted((_HERE.parent / "graphic").glob("*.py")), _HERE.parent / "templatetags" / "stats.py",
            _TEMPLATES / "_figures.html", _TEMPLATES / "_bodies_graphic.html"]
SOURCE = hashlib.sha256(b"".join(path.read_bytes() for path in _SOURCES)).hexdigest()[:16]
FIGURES_TEMPLATE = "reports/summary/_figures.html"


def summary_state(reporting_year: ReportingYear, basis: str) -> str:
    """A digest of what the summary of a year reads: its reports (status, name, body), their done
    versions (with a digest of each one's published content), the live sections that count instead
    (a digest of their figures) and the district's bodies (their order, kind and active years), all
    computed by the database in four small queries that read no content into Python."""
    year = reporting_year
    facts = (
        SOURCE, year.pk, year.year, year.format_version, year.format_variant, year.district.name, basis,
        list(AnnualReport.objects.filter(reporting_year=year).order_by("pk")
             .values_list("pk", "status", "imported", "body_id", "body_name")),
        list(ReportPdf.objects.filter(report__reporting_year=year, status=ReportPdf.Status.DONE).order_by("pk")
             .annotate(digest=MD5(Cast("content", TextField()))).values_list("pk", "report_id", "version", "digest")),
        list(ReportSection.objects.filter(report__in=live_reports(year, basis)).order_by("pk")
             .annotate(digest=MD5(Cast("values", TextField()))).values_list("pk", "report_id", "key", "digest")),
        list(Body.objects.filter(district_id=year.district_id).order_by("pk")
             .values_list("pk", "kind", "name", "sort_order", "code", "active_from", "active_to")),
    )
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def summary_slot(reporting_year: ReportingYear, basis: str) -> str:
    return f"summary-figures:{reporting_year.pk}:{basis}"


def summary_figures(reporting_year: ReportingYear, basis: str, compute) -> str:
    """The rendered figures of the summary page: kept ones when nothing they read has changed, else
    `compute()`'s context rendered (and kept). Without the shared cache, always computed.

    One entry a year and basis (`summary_slot`), with the state it was computed in, overwritten when
    the state changes: the shared Redis is also the broker, so it evicts nothing, and in January the
    current year's figures change with every publication. Kept compressed: the peak benchmark's
    district gives 250 KB of HTML (the tests check a district's figures keep 4 times smaller)."""
    state, slot = summary_state(reporting_year, basis), summary_slot(reporting_year, basis)
    compressed = kept_as_of({slot: state}).get(slot)
    if compressed is not None:
        html = zlib.decompress(compressed).decode()
    else:
        html = render_to_string(FIGURES_TEMPLATE, compute())
        keep({slot: (state, zlib.compress(html.encode(), 6))})
    return mark_safe(html)  # noqa: S308 - rendered by the template above (autoescaped), read back from the cache
