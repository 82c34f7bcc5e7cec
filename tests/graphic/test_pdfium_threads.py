"""PDFium is not thread-safe, and a threaded server rasterises pages from several threads at once (the
import preview's page images, the 图解's PNG): a process crashed in FPDF_LoadPage. Every rasterising
goes through reports.pdfium under one lock; here threads started together never overlap inside it."""

import threading
import time

import pypdfium2
import pytest

from reports.graphic.files import pdf_bytes, png_from_pdf
from reports.importing.pdf import render_page

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="300"><text x="10" y="20">自然人</text></svg>'


@pytest.fixture
def overlaps(monkeypatch):
    """PDFium's documents as they are, counting how many are open at once (a short pause inside
    makes an overlap, where there can be one, certain)."""
    real = pypdfium2.PdfDocument
    state = {"open": 0, "most": 0}
    guard = threading.Lock()

    class Counted(real):
        def __init__(self, *args, **kwargs):
            with guard:
                state["open"] += 1
                state["most"] = max(state["most"], state["open"])
            time.sleep(0.05)
            super().__init__(*args, **kwargs)

        def close(self):
            super().close()
            with guard:
                state["open"] -= 1

    monkeypatch.setattr(pypdfium2, "PdfDocument", Counted)
    return state


def test_pages_are_rasterised_one_at_a_time_whatever_the_threads(overlaps):
    pdf = pdf_bytes(SVG, "图解")
    start = threading.Barrier(6)
    made, failed = [], []

    def rasterise(kind):
        start.wait()
        try:
            made.append(png_from_pdf(pdf) if kind == "png" else render_page(pdf, 1, [(10, 10, 50, 30)], width=300))
        except Exception as error:  # noqa: BLE001 - reported below
            failed.append(error)

    threads = [threading.Thread(target=rasterise, args=(kind,)) for kind in ("png", "preview") * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert len(made) == 6 and all(image.startswith(b"\x89PNG") for image in made)
    assert overlaps["open"] == 0  # every document was closed
    assert overlaps["most"] == 1
