"""The 图解 of a public report: drawn on demand from a published version's snapshot (each version,
a correction's too, has its own), compared with the previous year's report as the public sees it
(its current published version, or its imported history), never with a draft.

The cache key of a 图解 names everything it is drawn from: the report, the version and its
SHA-256, the previous year's version compared with, and the drawing's revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.dates import cn_date
from reports.graphic.draw import explainer_svg
from reports.graphic.explainer import Explainer, explainer
from reports.graphic.files import cache_key
from reports.publishing.models import ReportPdf
from reports.publishing.snapshot import snapshot_document
from reports.selectors import previous_report

from . import selectors
from .selectors import PublicReport

TITLE_SUFFIX = " · 图解"


@dataclass
class PublicGraphic:
    item: PublicReport
    version: ReportPdf | None  # None: imported history without a rendered version
    explainer: Explainer
    svg: str
    key: str

    @property
    def title(self) -> str:
        return self.explainer.title

    @property
    def filename_stem(self) -> str:
        suffix = f"（第{self.version.version}版）" if self.version and self.version.version > 1 else ""
        return f"{self.item.report.title}{suffix}-图解"

    @property
    def ascii_stem(self) -> str:
        report = self.item.report
        version = f"-v{self.version.version}" if self.version else ""
        return f"nianbao-{report.year}-{report.body.code}{version}-graphic"


def _values(item: PublicReport, version: ReportPdf | None) -> dict:
    if version is not None:
        return snapshot_document(item.report, version.content).values
    return item.document().values


def _identity(item: PublicReport, version: ReportPdf | None) -> str:
    if version is not None:
        return f"{item.report.pk}:v{version.version}:{version.sha256}"
    return f"{item.report.pk}:imported:{item.report.updated_at.isoformat()}"


def _previous(item: PublicReport):
    """(year, format, values, identity) of the previous year's public report, or None."""
    report = previous_report(item.report)
    found = selectors.public_report(report.pk) if report is not None else None
    if found is None:
        return None
    return found.report.year, found.report.format, _values(found, found.current), _identity(found, found.current)


def _subtitle(item: PublicReport, version: ReportPdf | None) -> str:
    report = item.report
    parts = [report.format.name]
    if version is not None and not report.imported and version.published_at:
        parts.append(f"第{version.version}版，{cn_date(version.published_at)}发布")
    elif report.imported:
        parts.append(f"历史导入，{cn_date(report.published_on)}发布" if report.published_on else "历史导入")
    return " · ".join(parts)


def public_graphic(item: PublicReport, version: ReportPdf | None = None, *, id_prefix: str = "graphic") -> PublicGraphic:
    """The 图解 of one published version (default: the current one; imported history: its content)."""
    version = version or item.current
    previous = _previous(item)
    drawn = explainer(fmt=item.report.format, values=_values(item, version), title=item.report.title + TITLE_SUFFIX,
                      subtitle=_subtitle(item, version), previous=previous[:3] if previous else None)
    key = cache_key(_identity(item, version), previous[3] if previous else "-")
    return PublicGraphic(item, version, drawn, explainer_svg(drawn, id_prefix=id_prefix), key)


def version_graphic(pk: int, version: int) -> PublicGraphic | None:
    item = selectors.public_report(pk)
    if item is None:
        return None
    found = next((v for v in item.versions if v.version == version), None)
    return public_graphic(item, found) if found is not None else None
