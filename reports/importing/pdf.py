"""A published PDF read by its geometry: words with their coordinates and the tables' ruling lines.

pdfplumber (on pdfminer.six) finds each table's grid from its ruling lines, with merged cells (a
merged cell is one cell; the places it covers are None). Each table row becomes one tab-indented
line per cell, an empty cell a lone tab, the rows apart: the layout whose cells' places are known,
so the parser maps them to the definition's rows and columns by their labels and never by a guess.
The text outside the tables becomes paragraphs (a line that is indented, or follows a short line,
begins one). A "table" of a single column is a framed paragraph, read as text.

A PDF without a text layer (a scan) is refused: its numbers are pictures.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from ..errors import ReportError
from ..pdfium import page_image
from .tokens import join_cell_lines, unify_ideographs

__all__ = ["PdfText", "UnreadablePdf", "pdf_text", "render_page"]

MAX_PAGES = 60
_MIN_CHARS = 20  # fewer characters than this on every page: a scan, not a text PDF
_INDENT = 1.2  # a line indented by this many character widths begins a paragraph
_SHORT = 3.0  # a line ending this many character widths before the right margin ends a paragraph


class UnreadablePdf(ReportError):
    """A PDF that cannot be read for its numbers (damaged, encrypted, scanned, too long)."""


@dataclass
class PdfText:
    text: str
    pages: int
    # Where the tables are, to mark on the page image: (page number from 1, (x0, top, x1, bottom)) in points
    regions: list = field(default_factory=list)
    # The line of `text` each table region begins on, with its region's index
    region_lines: dict = field(default_factory=dict)


def _open(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise UnreadablePdf("PDF 文件已加密，无法读取。请上传未加密的 PDF。") from None
    except (PDFSyntaxError, Exception) as error:  # pdfminer raises many kinds on a damaged file
        raise UnreadablePdf(f"PDF 文件已损坏或不是 PDF，无法读取（{type(error).__name__}）。") from None


def pdf_text(data: bytes, *, max_pages: int = MAX_PAGES) -> PdfText:
    """The report's text in the tokenizer's layout; raises UnreadablePdf."""
    with _open(data) as pdf:
        pages = len(pdf.pages)
        if pages > max_pages:
            raise UnreadablePdf(f"PDF 共 {pages} 页，超过 {max_pages} 页，不像是一份年度报告。")
        try:
            chars = sum(len(page.chars) for page in pdf.pages)
        except Exception as error:  # noqa: BLE001 — a damaged page stream
            raise UnreadablePdf(f"PDF 文件已损坏，无法读取（{type(error).__name__}）。") from None
        if chars < _MIN_CHARS:
            raise UnreadablePdf(
                "这份 PDF 没有文字层（是扫描件或图片），无法读取其中的数字。"
                "请上传由 Word、WPS 等导出的 PDF、Word 文件（.docx）或网页，或手工录入。")
        lines: list[str] = []
        result = PdfText("", pages)
        for page in pdf.pages:
            _page(page, lines, result)
    result.text = unify_ideographs("\n".join(lines).strip("\n") + "\n")
    return result


def _page(page, lines: list[str], result: PdfText) -> None:
    tables = [t for t in page.find_tables() if t.rows and max(len(r.cells) for r in t.rows) > 1]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1 for x0, top, x1, bottom in boxes)

    text_lines = page.filter(outside).extract_text_lines(layout=False, strip=True, return_chars=True)
    items = [(line["top"], 0, line) for line in text_lines if line["text"].strip()]
    items += [(table.bbox[1], 1, table) for table in tables]
    items.sort(key=lambda item: (item[0], item[1]))
    left = min((line["x0"] for line in text_lines), default=0)
    right = max((line["x1"] for line in text_lines), default=page.width)
    previous = None
    for _, kind, item in items:
        if kind == 1:
            result.region_lines[len(lines) + 1] = len(result.regions)
            result.regions.append((page.page_number, tuple(round(v, 1) for v in item.bbox)))
            _table(item, lines, page)
            previous = None
            continue
        size = _char_size(item)
        starts = (
            previous is None
            or item["x0"] - left > _INDENT * size
            or previous["x1"] < right - _SHORT * size
            or abs(size - _char_size(previous)) > 1.5
        )
        if starts or not lines or not lines[-1]:
            lines.append(item["text"].strip())
        else:
            lines[-1] += item["text"].strip()
        previous = item


def _char_size(line) -> float:
    chars = line.get("chars") or []
    sizes = [c.get("size", 0) for c in chars if c.get("text", "").strip()]
    return max(sizes) if sizes else 10.0


def _table(table, lines: list[str], page) -> None:
    """Each row: its cells, one per tab-indented line; a merged place (None) is no cell."""
    if lines and lines[-1]:
        lines.append("")
    for row, places in zip(table.extract(), table.rows):
        printed = False
        for cell, bbox in zip(row, places.cells):
            if cell is None:
                continue
            parts = cell.split("\n")
            text = join_cell_lines(parts)
            if len(parts) > 1 and bbox and all(p.strip().isdigit() for p in parts) and _wrapped(page, bbox):
                text = "".join(p.strip() for p in parts)  # one number wrapped in a narrow cell
            lines.append("\t" + text)
            printed = True
        if printed:
            lines.append("")


def _wrapped(page, bbox) -> bool:
    """The cell's lines run to its right edge but the last: one number broken by the cell's width,
    not two numbers (which would leave room on the first line)."""
    found = page.crop(bbox).extract_text_lines(strip=True, return_chars=True)
    if len(found) < 2:
        return False
    for line in found[:-1]:
        size = _char_size(line)
        if line["x1"] < bbox[2] - 1.6 * size:
            return False
    return True


def render_page(data: bytes, page_number: int, boxes: list, *, width: int = 900) -> bytes:
    """One page as a PNG `width` pixels wide, with the table regions `boxes` (points) outlined."""
    from PIL import ImageDraw

    image, scale = page_image(data, page_number - 1, width=width)
    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    for x0, top, x1, bottom in boxes:
        draw.rectangle([x0 * scale - 3, top * scale - 3, x1 * scale + 3, bottom * scale + 3], outline=(220, 53, 69),
                       width=4)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
