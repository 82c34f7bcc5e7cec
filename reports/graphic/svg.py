"""A few SVG primitives in plain Python (xml.etree): every text and attribute is escaped by the
serialiser, characters XML cannot carry are dropped, and text is measured and wrapped by an
estimate of its width (a CJK character is one em, a Latin letter or digit about half of one).

Fonts are named by family, as the PDF's stylesheet does (static/pdf/report.css, --heiti): the
system CJK fonts (Noto Sans CJK SC), nothing fetched. A district that installed 黑体 gets it.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

# The PDF's 黑体 stack (report.css --heiti), which a test keeps equal. No space after the commas:
# WeasyPrint's SVG text splits the list on "," and strips only the quotes.
FONT_FAMILY = "'SimHei','Noto Sans CJK SC','HanaMinA','HanaMinB',sans-serif"
SVG_NS = "http://www.w3.org/2000/svg"
# XML 1.0 has no place for C0 controls other than tab/newline/return, lone surrogates, FFFE/FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def char_width(character: str) -> float:
    """Width in ems: wide (CJK, full-width punctuation) 1, narrow about 0.6."""
    return 1.0 if unicodedata.east_asian_width(character) in ("W", "F") else 0.6


def text_width(text: str, size: float) -> float:
    return sum(char_width(c) for c in text) * size


def wrap(text: str, width: float, size: float, max_lines: int = 3) -> list[str]:
    """Lines of at most `width` px; the last line ends in … when the text does not fit."""
    lines: list[str] = []
    line, used = "", 0.0
    for character in text:
        w = char_width(character) * size
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line += character
        used += w
    if line or not lines:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class Drawing:
    """An <svg> being drawn: call the primitives, then `to_string()`."""

    def __init__(self, width: float, *, title: str, description: str, id_prefix: str = "graphic"):
        self.width = width
        self.height = 0.0
        self.root = ET.Element("svg", {
            "xmlns": SVG_NS, "version": "1.1", "role": "img",
            "aria-labelledby": f"{id_prefix}-title {id_prefix}-desc",
            "font-family": FONT_FAMILY, "class": "graphic-svg",
        })
        ET.SubElement(self.root, "title", {"id": f"{id_prefix}-title"}).text = clean(title)
        ET.SubElement(self.root, "desc", {"id": f"{id_prefix}-desc"}).text = clean(description)
        ET.SubElement(self.root, "rect", {"x": "0", "y": "0", "width": "100%", "height": "100%", "fill": "#ffffff"})

    def text(self, x: float, y: float, text: str, *, size: float = 14, fill: str = "#212529", anchor: str = "start",
             weight: str = "normal") -> None:
        attributes = {"x": _fmt(x), "y": _fmt(y), "font-size": _fmt(size), "fill": fill}
        if anchor != "start":
            attributes["text-anchor"] = anchor
        if weight != "normal":
            attributes["font-weight"] = weight
        ET.SubElement(self.root, "text", attributes).text = clean(text)
        self.height = max(self.height, y + size * 0.4)

    def lines(self, x: float, y: float, lines: list[str], *, size: float = 14, leading: float = 1.35,
              **kwargs) -> float:
        """Draws the lines from baseline y; returns the baseline of the last one."""
        for index, line in enumerate(lines):
            self.text(x, y + index * size * leading, line, size=size, **kwargs)
        return y + (len(lines) - 1) * size * leading

    def rect(self, x: float, y: float, width: float, height: float, *, fill: str, stroke: str = "") -> None:
        attributes = {"x": _fmt(x), "y": _fmt(y), "width": _fmt(max(width, 0)), "height": _fmt(height), "fill": fill}
        if stroke:
            attributes["stroke"] = stroke
        ET.SubElement(self.root, "rect", attributes)
        self.height = max(self.height, y + height)

    def line(self, x1: float, y1: float, x2: float, y2: float, *, stroke: str = "#adb5bd") -> None:
        ET.SubElement(self.root, "line", {"x1": _fmt(x1), "y1": _fmt(y1), "x2": _fmt(x2), "y2": _fmt(y2),
                                          "stroke": stroke, "stroke-width": "1"})

    def to_string(self, bottom_margin: float = 24) -> str:
        height = self.height + bottom_margin
        self.root.set("width", _fmt(self.width))
        self.root.set("height", _fmt(height))
        self.root.set("viewBox", f"0 0 {_fmt(self.width)} {_fmt(height)}")
        return ET.tostring(self.root, encoding="unicode")
