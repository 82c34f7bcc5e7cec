"""PDF pages as images, through PDFium (pypdfium2), one call at a time in a process.

PDFium is not thread-safe: no two of its calls may run at once in a process, even on different
documents (pypdfium2's README), and ctypes releases the GIL around each call. A threaded server
(runserver, the tests' live server, gunicorn's gthread workers) serves the import preview's page
images and the 图解's PNG from several threads, and the process crashed in FPDF_LoadPage. Every use
of PDFium goes through `page_image`, under one lock.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

_LOCK = threading.Lock()


def page_image(pdf: bytes, index: int = 0, *, scale: float | None = None, width: int | None = None) -> tuple[Image, float]:
    """Page `index` (from 0) of `pdf` rasterised at `scale` pixels a point, or `width` pixels wide;
    returns the image (a copy, independent of PDFium's memory) and the scale used."""
    import pypdfium2

    with _LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            page = document[index]
            try:
                if scale is None:
                    if width is None:
                        raise ValueError("page_image needs a scale or a width")
                    scale = width / page.get_width()
                bitmap = page.render(scale=scale)
                try:
                    image = bitmap.to_pil().copy()
                finally:
                    bitmap.close()
            finally:
                page.close()
        finally:
            document.close()
    return image, scale
