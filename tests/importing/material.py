"""Material that resembles real published reports, with its ground truth from the generator.

A report (values and texts of a format) is printed the ways bodies publish it:
- the official layout as a Word file (python-docx, merged cells as in the official table), and that
  file converted to PDF by LibreOffice headless, as bodies export from Word/WPS;
- the project's own report page (HTML), printed to PDF by Chromium, and the project's own PDF
  (WeasyPrint);
- and every text shape a person has: pdftotext with and without -layout, a saved web page, a
  browser copy as tab-separated rows or with each cell its own paragraph, pipes, runs of spaces.

Every label comes from the format definition. The slow converters are cached per session.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import html as html_lib
import io
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reports.formats import get_format
from reports.formats.base import CellType
from reports.formats.cells import format_cell
from reports.generate import plausible_texts, plausible_values

CACHE = Path(tempfile.gettempdir()) / "nianbao-import-material"


@dataclass
class Report:
    """A generated report: what is printed for each cell, and what must be read from it."""

    version: str
    year: int
    body: str
    values: dict  # cell id -> int | Decimal: the truth
    printed: dict  # cell id -> the cell's text as printed ("" for an empty cell)
    texts: dict
    published_on: datetime.date = field(default_factory=lambda: datetime.date(2025, 1, 20))

    @property
    def format(self):
        return get_format(self.version)

    @property
    def title(self) -> str:
        return f"{self.body}{self.year}年政府信息公开工作年度报告"

    def key(self) -> str:
        return hashlib.sha256(repr((self.version, self.year, self.body, sorted(self.printed.items()),
                                    sorted(self.texts.items()))).encode()).hexdigest()[:16]


def make_report(seed: int, *, version: str = "2021", blanks: bool = True, money_shapes: bool = True) -> Report:
    """Random valid values (every hard rule holds); some zeros printed as an empty cell, — or /,
    money printed in 万元 with up to six places or in 元."""
    rng = random.Random(seed)
    fmt = get_format(version)
    year = 2024 if version == "2021" else 2020
    values = plausible_values(fmt, rng, scale=rng.choice([6, 60, 20000]))
    printed = {}
    for cell_id, cell in fmt.cells().items():
        value = values[cell_id]
        if cell.type is CellType.MONEY:
            value = Decimal(rng.randint(0, 10**8)) / Decimal(10**rng.choice([0, 2, 4, 6])) if money_shapes else value
            values[cell_id] = value
            if money_shapes and rng.random() < 0.3:
                printed[cell_id] = format_cell(cell.type, value * 10000) + "元"
            else:
                printed[cell_id] = format_cell(cell.type, value)
        else:
            printed[cell_id] = format_cell(cell.type, value)
        if blanks and value == 0 and rng.random() < 0.08:
            printed[cell_id] = rng.choice(["", "—", "/"])
    body = rng.choice(["东花市街道办事处", "丽岙街道办事处", "淮安市生态环境局", "区人力资源和社会保障局"])
    return Report(version, year, body, values, printed,
                  plausible_texts(fmt, values, body_name=body, year=year))


# -- the official layout as rows of cells -----------------------------------------------------------


def grid(table, printed: dict):
    """The official table as placed cells: (row, column, rowspan, colspan, text), header first."""
    placed, taken = [], set()

    def put(r, c, rowspan, colspan, text):
        while (r, c) in taken:
            c += 1
        placed.append((r, c, rowspan, colspan, text))
        taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
        return c + colspan

    if table.caption:
        width = table.row_label_width() + len(table.leaf_columns())
        put(0, 0, 1, width, table.caption)
        offset = 1
    else:
        offset = 0
    for index, row in enumerate(table.header_rows()):
        col = 0
        for cell in row:
            label = cell.label if not cell.stub else (table.note or table.stub_label or "")
            col = put(offset + index, col, cell.rowspan, cell.colspan, label or "")
    top = offset + table.header_depth()
    for index, body in enumerate(table.body_rows()):
        col = 0
        for label in body.labels:
            col = put(top + index, col, label.rowspan, label.colspan, label.label)
        for data in body.cells:
            col = put(top + index, col, 1, 1, printed[data.id])
    return placed


def table_rows(table, printed: dict) -> list[list[str]]:
    """Each printed row's cells in reading order (a merged cell once, in its first row)."""
    rows: dict[int, list] = {}
    for r, c, _, _, text in grid(table, printed):
        rows.setdefault(r, []).append((c, text))
    return [[text for _, text in sorted(cells)] for _, cells in sorted(rows.items())]


def blocks(report: Report):
    """("p", text) paragraphs and ("t", table) tables in the order printed."""
    fmt = report.format
    out = [("title", report.title),
           ("p", f"本报告依据《中华人民共和国政府信息公开条例》第五十条编制，统计期限为{report.year}年1月1日至12月31日。")]
    for section in fmt.sections:
        out.append(("h", section.title))
        for table in section.tables:
            out.append(("t", table))
        for part in section.parts:
            text = report.texts.get(part.key, "")
            if not text:
                continue
            if part.title:
                out.append(("p", part.title))
            out += [("p", line) for line in text.splitlines() if line.strip()]
    out += [("sign", report.body), ("sign", f"{report.published_on.year}年{report.published_on.month}月"
                                            f"{report.published_on.day}日")]
    return out


# -- text shapes written from the structure --------------------------------------------------------


def text_shape(report: Report, shape: str) -> str:
    """cells: one tab-indented cell per line (a saved page's text); tabs: a browser's copy of a
    table (tab-separated rows); paragraphs: a CMS page copied with every cell its own paragraph;
    pipes; spaces: cells apart by runs of spaces; single: one space between cells."""
    lines = []
    for kind, item in blocks(report):
        if kind != "t":
            lines.append(item)
            continue
        for row in table_rows(item, report.printed):
            if shape == "cells":
                lines += ["\t" + cell for cell in row] + [""]
            elif shape == "tabs":
                lines.append("\t".join(row))
            elif shape == "paragraphs":
                for cell in row:
                    lines += [cell, ""]
            elif shape == "pipes":
                lines.append(" | ".join(row) + " |")
            elif shape == "spaces":
                lines.append("    ".join(row))
            elif shape == "single":
                lines.append(" ".join(cell for cell in row))
    return "\n".join(lines) + "\n"


def html_page(report: Report) -> str:
    """A portal page: site header and navigation, breadcrumbs, then the report with real tables."""
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>信息公开</title>'
             "<style>td{border:1px solid #000;padding:2px}</style></head><body>",
             '<div class="header">某某区人民政府门户网站</div><ul class="nav"><li>首页</li><li>政务公开</li></ul>',
             f'<div class="crumbs">首页 &gt; 政府信息公开 &gt; 年度报告 &gt; {html_lib.escape(report.title)}</div>']
    for kind, item in blocks(report):
        if kind == "t":
            parts.append('<table border="1" cellspacing="0">')
            rows: dict[int, list] = {}
            for r, c, rowspan, colspan, text in grid(item, report.printed):
                rows.setdefault(r, []).append((c, rowspan, colspan, text))
            for _, cells in sorted(rows.items()):
                tds = "".join(f'<td rowspan="{rs}" colspan="{cs}"><p>{html_lib.escape(t)}</p></td>'
                              for _, rs, cs, t in sorted(cells))
                parts.append(f"<tr>{tds}</tr>")
            parts.append("</table>")
        elif kind == "title":
            parts.append(f"<h1>{html_lib.escape(item)}</h1>")
        else:
            parts.append(f"<p>{html_lib.escape(item)}</p>")
    parts.append('<div class="footer">主办：某某区人民政府办公室</div></body></html>')
    return "\n".join(parts)


# -- Word, LibreOffice, Chromium, the project's PDF ------------------------------------------------


def official_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    for kind, item in blocks(report):
        if kind == "t":
            placed = grid(item, report.printed)
            height = max(r + rs for r, _, rs, _, _ in placed)
            width = max(c + cs for _, c, _, cs, _ in placed)
            table = document.add_table(rows=height, cols=width)
            table.style = "Table Grid"
            for r, c, rowspan, colspan, text in placed:
                cell = table.cell(r, c)
                if rowspan > 1 or colspan > 1:
                    cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
                cell.text = text
            continue
        paragraph = document.add_paragraph(item)
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.runs[0].font.size = Pt(16)
        elif kind == "sign":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _cached(kind: str, report: Report, make) -> bytes:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{kind}-{report.key()}"
    if not path.exists():
        data = make()
        path.write_bytes(data)
    return path.read_bytes()


def libreoffice_pdf(report: Report) -> bytes:
    """The Word file exported to PDF by LibreOffice headless (soffice), as from Word or WPS."""

    def make():
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "report.docx"
            source.write_bytes(official_docx(report))
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                            "--convert-to", "pdf", "--outdir", tmp, str(source)],
                           check=True, capture_output=True, timeout=180)
            return (Path(tmp) / "report.pdf").read_bytes()

    return _cached("lo.pdf", report, make)


def has_libreoffice() -> bool:
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


def project_html(report: Report) -> str:
    """The project's own report page (reports/pdf/report.html over reports/document.html)."""
    from django.template.loader import render_to_string

    from reports.models import AnnualReport, ReportingYear
    from reports.publishing.document import AnnualReportDocument
    from reports.selectors import ReportContent

    fmt = report.format
    year = ReportingYear(year=report.year, format_version=fmt.version, format_variant=fmt.variant or "")
    annual = AnnualReport(reporting_year=year, body_name=report.body, imported=True)
    content = ReportContent(values=dict(report.values), texts=dict(report.texts), raw={}, sections={})
    document = AnnualReportDocument(annual, content)
    return render_to_string("reports/pdf/report.html", {"document": document, "signed_on": report.published_on})


def project_pdf(report: Report) -> bytes:
    """The PDF the project publishes (WeasyPrint)."""
    from reports.publishing.pdf import render_html_to_pdf

    return _cached("project.pdf", report, lambda: render_html_to_pdf(project_html(report)).pdf)


def chromium_pdf(report: Report, browser) -> bytes:
    """The report's HTML page printed to PDF by Chromium (a Playwright browser)."""

    def make():
        from django.conf import settings

        css = (Path(settings.BASE_DIR) / "static" / "pdf" / "report.css").read_text(encoding="utf-8")
        page_html = project_html(report).replace("</head>", f"<style>{css}</style></head>")
        page = browser.new_page()
        try:
            page.set_content(page_html)
            return page.pdf(format="A4", print_background=True)
        finally:
            page.close()

    return _cached("chromium.pdf", report, make)


def pdftotext(pdf: bytes, *, layout: bool) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True, timeout=60).stdout.decode("utf-8")


@functools.cache
def truth_json(version: str, values_items: tuple) -> dict:
    fmt = get_format(version)
    from reports.formats.cells import to_json_value

    return {k: to_json_value(fmt.cell(k).type, v) for k, v in values_items}
