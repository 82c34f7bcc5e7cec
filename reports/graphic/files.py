"""The 图解 as files: PDF (WeasyPrint, through publishing.pdf, from the same SVG as the page) and
PNG (that PDF's page rasterised by PDFium through pypdfium2, already installed for pdfplumber:
no rasteriser of SVG is needed, and the PNG shows the fonts the PDF embeds).

Made on demand and kept in the cache under a key of what they are drawn from (the published
version's SHA-256 and the previous year's version compared with), so a correction's new version
gets its own files and an unchanged one is drawn once.
"""

from __future__ import annotations

import hashlib
import io
import re

from django.core.cache import cache
from django.utils.html import escape

from ..pdfium import page_image
from ..publishing import pdf as pdf_renderer

# Bumped when the drawing changes, so that cached files of the old drawing are not served.
REVISION = "1"
CACHE_SECONDS = 7 * 24 * 3600
PAGE_MM = (210, 297)
PAGE_MARGIN_MM = 10
PNG_SCALE = 2  # 2 px per CSS px: sharp on high-density screens, ~1600 px wide

_SIZE = re.compile(r'<svg[^>]*? width="([\d.]+)" height="([\d.]+)"')

CONTENT_TYPES = {"svg": "image/svg+xml; charset=utf-8", "pdf": "application/pdf", "png": "image/png"}


def _page_html(svg: str, title: str) -> str:
    """One A4 page with the SVG scaled to fit inside the margins."""
    match = _SIZE.search(svg)
    width, height = (float(match.group(1)), float(match.group(2))) if match else (800.0, 1131.0)
    room_w, room_h = PAGE_MM[0] - 2 * PAGE_MARGIN_MM, PAGE_MM[1] - 2 * PAGE_MARGIN_MM
    scale = min(room_w / width, room_h / height)
    return (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f"<style>@page {{ size: A4; margin: {PAGE_MARGIN_MM}mm; }} body {{ margin: 0; }}"
        f" svg {{ display: block; margin: 0 auto; width: {width * scale:.2f}mm; height: {height * scale:.2f}mm; }}"
        "</style></head><body>" + svg + "</body></html>"
    )


def pdf_bytes(svg: str, title: str) -> bytes:
    return pdf_renderer.render_html_to_pdf(_page_html(svg, title)).pdf


def png_from_pdf(pdf: bytes, scale: float = PNG_SCALE) -> bytes:
    image, _ = page_image(pdf, 0, scale=scale * 96 / 72)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def cache_key(*parts: object) -> str:
    digest = hashlib.sha256(" ".join(str(p) for p in (REVISION, *parts)).encode()).hexdigest()
    return f"graphic:{digest}"


def graphic_file(kind: str, svg: str, *, title: str, key: str) -> bytes:
    """The SVG, PDF or PNG of a drawn 图解; PDF and PNG cached under `key` (see cache_key)."""
    if kind == "svg":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg).encode()
    name = f"{key}:{kind}"
    found = cache.get(name)
    if found is not None:
        return found
    pdf = cache.get(f"{key}:pdf")
    if pdf is None:
        pdf = pdf_bytes(svg, title)
        cache.set(f"{key}:pdf", pdf, CACHE_SECONDS)
    if kind == "pdf":
        return pdf
    png = png_from_pdf(pdf)
    cache.set(name, png, CACHE_SECONDS)
    return png
