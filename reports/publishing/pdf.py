"""HTML → PDF. The only module of the project that imports WeasyPrint (lazily: web processes that
never render do not pay for it).

`render_to_pdf(template_name, context)` renders a Django template and returns the HTML and the PDF.
WeasyPrint resolves every URL against an explicit `base_url` and fetches it through
`StaticOnlyFetcher`: the project's own static files are served from the staticfiles finders or
STATIC_ROOT, and everything else (http, https to other hosts, file, data, ftp…) is refused, so
that report text — user input, escaped by the templates anyway — can never make a worker fetch
a URL (SSRF) or read a local file.

Memory (a worker renders report after report): WeasyPrint copies the whole font file of every face it
draws with (a CJK collection is 20–27 MB) and keeps every copy until the PDF's fonts are subset — the
peak of a render (the copies, and the whole mapped files paged in to make them). `_lean_font_data`
skips that copy: HarfBuzz subsets the face itself, and the whole file is read only where WeasyPrint
really needs it (no subsetter, a font it cannot subset). `release_memory` gives the freed heap back to the system after a
task (glibc keeps it otherwise, and the next render's peak lands on top of it).

A character that no installed font has would print as an empty box (.notdef) and the PDF would
still look finished; WeasyPrint only logs it. `render_html_to_pdf` listens to that log while it
draws and refuses the PDF (MissingGlyphs, naming the characters), so that such a report is not
published.

CPU (a render is ~0.4 CPU-s; renders/s during the peak is bounded by it): HarfBuzz subsets each face
in two passes whose cost grows with the face's glyph count, not with the glyphs used (~25 ms a CJK
face). The 黑体 face prints the same headings, captions and table headers in every report of a format,
so `_reuse_subsets` keeps the last few subsets per process and reuses one when the same face is
subset with the same glyphs and flags (the same bytes, by construction), compressed once
(render_cpu.keep_stream); a subset is made in one pass when the second would change nothing
(subset.py). What WeasyPrint computes again for every report
(the streams' compression, the HTML parser's patterns, the statistics tables' cell widths) is made
cheaper in render_cpu.py. The cyclic garbage collector is paused while WeasyPrint builds its boxes
(it would walk the growing tree ~90 times a render) and the collection after the render
(release_memory) frees the cycles at once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import mimetypes
import posixpath
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import structlog
from django.conf import settings
from django.template.loader import render_to_string

from . import render_cpu

log = structlog.get_logger(__name__)

# An origin that cannot exist (RFC 2606 .invalid): the only one the fetcher serves.
BASE_URL = "https://nianbao.invalid/"

PDF_OPTIONS = {
    # Tagged PDF (PDF/UA-1) so that screen readers get headings, tables and reading order.
    "pdf_variant": "pdf/ua-1",
    "pdf_tags": True,
    # Fonts are subset with HarfBuzz (libharfbuzz-subset0); never embed whole CJK fonts.
    "full_fonts": False,
    "optimize_images": True,
}


class RefusedURL(ValueError):
    """A URL the renderer will not fetch."""


class MissingGlyphs(ValueError):
    """Characters of the document that no installed font can print."""

    def __init__(self, characters: list[str]):
        self.characters = characters
        super().__init__("no font has " + ", ".join(f"{c} (U+{ord(c):04X})" for c in characters))


@contextmanager
def _missing_glyphs():
    """Collects the characters WeasyPrint draws as .notdef in this thread (it logs each one)."""
    found: list[str] = []
    thread = threading.get_ident()

    class Collect(logging.Handler):
        def emit(self, record):
            if record.thread == thread and str(record.msg).startswith(".notdef glyph") and record.args:
                character = str(record.args[0])
                if character not in found:
                    found.append(character)

    logger = logging.getLogger("weasyprint")
    if not logger.isEnabledFor(logging.WARNING):  # the warning is how WeasyPrint tells
        logger.setLevel(logging.WARNING)
    handler = Collect(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


def static_path(name: str) -> Path | None:
    """The file behind a static name, from STATIC_ROOT (collected, maybe hashed) or the finders."""
    name = posixpath.normpath(unquote(name)).lstrip("/")
    if name.startswith("..") or "\x00" in name:
        return None
    root = Path(settings.STATIC_ROOT) if settings.STATIC_ROOT else None
    if root is not None:
        candidate = (root / name).resolve()
        if candidate.is_file() and candidate.is_relative_to(root.resolve()):
            return candidate
    from django.contrib.staticfiles import finders

    found = finders.find(name)
    return Path(found) if found else None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves /static/… under BASE_URL from disk; refuses every other URL."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            origin = urlsplit(BASE_URL)
            static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or not parts.path.startswith(
                static_prefix
            ):
                log.warning("pdf_url_refused", url=url[:200])
                raise RefusedURL(f"refused to fetch {url[:200]!r}: only the project's static files")
            path = static_path(parts.path[len(static_prefix):])
            if path is None:
                raise RefusedURL(f"no such static file: {parts.path[:200]!r}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher


def url_fetcher():
    return _fetcher_class()(timeout=1, allowed_protocols=("https",), allow_redirects=False)


@dataclass(frozen=True)
class RenderedPdf:
    html: str
    pdf: bytes
    page_count: int


_FONT_BEING_MADE = threading.local()


def _lean_font_data() -> None:
    """WeasyPrint's Font copies the whole font file (`file_content`) in its constructor, which also
    pages the whole mapped file in: skip that read and make `file_content` read the face's data on
    demand; what is stored later (the subset) is kept as before."""
    from weasyprint.pdf import fonts

    if getattr(fonts.Font, "_nianbao_lean", False):
        return
    whole_face = fonts.get_hb_object_data
    construct = fonts.Font.__init__

    def object_data(hb_object, *args, **kwargs):
        if getattr(_FONT_BEING_MADE, "now", False) and not args and not kwargs:
            return None  # the constructor's copy of the whole file: read later, if ever needed
        return whole_face(hb_object, *args, **kwargs)

    def init(font, *args, **kwargs):
        _FONT_BEING_MADE.now = True
        try:
            construct(font, *args, **kwargs)
        finally:
            _FONT_BEING_MADE.now = False

    def read(font):
        data = font.__dict__.get("_nianbao_data")
        return whole_face(font.hb_face) if data is None else data

    def write(font, value):
        font.__dict__["_nianbao_data"] = value

    fonts.get_hb_object_data = object_data
    fonts.Font.__init__ = init
    fonts.Font.file_content = property(read, write)
    fonts.Font._nianbao_lean = True


SUBSETS_KEPT = 8  # ~100–400 KB each
_SUBSETS: OrderedDict = OrderedDict()
_SUBSETS_LOCK = threading.Lock()


def _reuse_subsets() -> None:
    """Reuse a subset HarfBuzz already made in this process for the same face, glyphs and flags.
    The face is keyed by its address and referenced while its subset is kept, so that the address
    cannot be given to another face meanwhile."""
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import ffi, harfbuzz

    if getattr(fonts.Font, "_nianbao_reuse", False):
        return
    from reports.publishing.subset import harfbuzz_subset

    _lean_font_data()  # which keeps the subset in font.__dict__["_nianbao_data"]
    import weasyprint

    # WeasyPrint's two passes, the second one only when it changes the font (as WeasyPrint 70 makes them)
    subset = harfbuzz_subset if weasyprint.__version__.split(".")[0] == "70" else fonts.Font._harfbuzz_subset

    def reusing(font, to_unicode, hinting):
        glyphs = tuple(sorted(to_unicode))
        key = (int(ffi.cast("uintptr_t", font.hb_face)), font.index, glyphs, bool(hinting), bool(font.missing))
        with _SUBSETS_LOCK:
            kept = _SUBSETS.get(key)
            if kept is not None:
                _SUBSETS.move_to_end(key)
        if kept is not None:
            font.file_content = kept[1]
            return
        subset(font, to_unicode, hinting)
        data = font.__dict__.get("_nianbao_data")  # set only when HarfBuzz made the subset
        if data is None:
            return
        face = ffi.gc(harfbuzz.hb_face_reference(font.hb_face), harfbuzz.hb_face_destroy)
        with _SUBSETS_LOCK:
            _SUBSETS[key] = (face, data)
            render_cpu.keep_stream(data)  # compressed once, for every render that reuses it
            while len(_SUBSETS) > SUBSETS_KEPT:
                render_cpu.forget_stream(_SUBSETS.popitem(last=False)[1][1])

    fonts.Font._nianbao_weasyprint_subset = fonts.Font._harfbuzz_subset  # compared with in the tests
    fonts.Font._harfbuzz_subset = reusing
    fonts.Font._nianbao_reuse = True


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_LIBC = _libc()


def release_memory() -> None:
    """After a render: collect the cycles WeasyPrint's boxes leave and return the freed heap to the
    system (glibc's malloc_trim; a no-op elsewhere), so that the next render starts low."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


@contextmanager
def _collector_paused():
    """No automatic cyclic collection while WeasyPrint draws (release_memory collects after the render).
    Left as it was when another thread already paused it, or when it was off."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


_FONTS = threading.local()


def font_config():
    """This thread's WeasyPrint FontConfiguration, made once and kept: without it every render loads
    Fontconfig's configuration and a new Pango font map, and opens and measures its faces again."""
    config = getattr(_FONTS, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _FONTS.config = FontConfiguration()
    return config


def render_html_to_pdf(html: str) -> RenderedPdf:
    """WeasyPrint alone on ready HTML (also what the benchmark compares against). Raises
    MissingGlyphs when a character could not be printed with any installed font."""
    import weasyprint

    _lean_font_data()
    _reuse_subsets()
    render_cpu.apply()

    with _missing_glyphs() as missing, _collector_paused():
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).render(
            font_config=font_config(), **PDF_OPTIONS)
        pdf = document.write_pdf(**PDF_OPTIONS)
    if missing:
        log.warning("pdf_missing_glyphs", characters=[f"U+{ord(c):04X}" for c in missing])
        raise MissingGlyphs(missing)
    return RenderedPdf(html=html, pdf=pdf, page_count=len(document.pages))


def render_to_pdf(template_name: str, context: dict) -> tuple[str, bytes]:
    """Render a Django template to (html, pdf_bytes). Autoescaping stays on: never `|safe` text."""
    rendered = render(template_name, context)
    return rendered.html, rendered.pdf


def render(template_name: str, context: dict) -> RenderedPdf:
    html = render_to_string(template_name, context)
    rendered = render_html_to_pdf(html)
    log.info("pdf_rendered", template=template_name, pages=rendered.page_count, size=len(rendered.pdf))
    return rendered
