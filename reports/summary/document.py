"""A summary as a document: what the summary pages, the XLSX and the PDF read of a summary, whoever
compiled it — a district of its bodies (DistrictSummary) or a city of its districts (CitySummary).
Both are summed against one format definition, which alone gives every label; this module and the
workbook only ever read the summary through `Summary`."""

from typing import Any, Protocol

from ..publishing.document import SectionView, table_view


class Summary(Protocol):
    basis: str
    sums: dict
    rules: list

    @property
    def level(self) -> str: ...  # 区级汇总 / 市级汇总

    @property
    def name(self) -> str: ...  # the district's or the city's name

    @property
    def year(self) -> int: ...

    @property
    def format(self) -> Any: ...

    @property
    def basis_label(self) -> str: ...

    @property
    def failed_rules(self) -> list: ...

    @property
    def title(self) -> str: ...

    @property
    def body_count(self) -> int: ...

    @property
    def extent(self) -> str: ...  # what was summed, in words: "北京市东城区、北京市西城区共 2 个区 3 个单位"

    @property
    def missing_count(self) -> int: ...

    @property
    def missing_groups(self) -> list: ...  # [(district name or "", [MissingBody])]

    @property
    def notes(self) -> list[str]: ...  # anything else the reader must know (a district left apart)

    def breakdown(self) -> tuple[str, str, list[tuple[str, dict]]]: ...  # (sheet, header, [(name, values)])


def summary_title(name: str, year: int, level: str) -> str:
    """The title every summary carries (page, PDF, workbook)."""
    return f"{name}{year}年度政府信息公开工作年度报告{level}"


def summary_sections(summary: Summary, *, link: str = "") -> list[SectionView]:
    """The summary's statistics tables as the format lays them out (`link`: see table_view)."""
    fmt = summary.format
    return [SectionView(s.key, s.number, s.title, [table_view(fmt, t, summary.sums, link=link) for t in s.tables])
            for s in fmt.sections if s.tables]


def summary_filename(prefix: str, summary: Summary, ext: str) -> str:
    return f"{prefix}-{summary.year}{'-approved' if summary.basis == 'approved' else ''}.{ext}"


def summary_pdf_bytes(summary: Summary) -> bytes:
    from ..publishing.pdf import render_to_pdf  # lazily: only the downloads need WeasyPrint

    _html, pdf = render_to_pdf("reports/summary/summary_pdf.html",
                               {"summary": summary, "sections": summary_sections(summary)})
    return pdf
