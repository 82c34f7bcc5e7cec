"""A render's CPU: WeasyPrint's own work made cheaper, the PDF unchanged (pdf.py applies these before
each render; each is installed once per process).

A publish is ~0.4 CPU-seconds (0.475 before the parser's patterns and the cells' widths), and at the
January peak the renders per second that two workers publish beside the web are bounded by it. What is done here, each measured on the benchmark's reports:

- `compress_level_6`: pydyf compresses every stream at zlib level 9, several times the CPU of level 6
  for ~0.3 % smaller fonts. A font subset pdf.py keeps for reuse (`keep_stream`) is compressed once:
  a render that reuses it gets the same compressed bytes again (an 830 KB face took 8 ms).
- `keep_tokenizer_patterns`: WeasyPrint's HTML parser (tinyhtml5) built a regular expression for every
  scan of the text, its cache being broken (parsing a report: 28 → 10 ms).
- `keep_cell_widths`: a statistics table's columns are as wide as their cells' min- and max-content
  widths, which WeasyPrint measures by laying out each cell's text with Pango: ~80 ms a report for
  ~280 cells whose texts are the format's labels and a few hundred distinct figures. A cell made of its
  own text only has widths that depend on nothing but that text and the computed values it is laid out
  with, so each process keeps them (layout of a report ~250 → ~170 ms; the same bytes).
"""

from __future__ import annotations

import itertools
import re
import threading
import zlib
from collections import OrderedDict

# Font subsets pdf.py keeps for reuse: id -> [the subset, (its compressor's parameters, its stream
# compressed) once made]. A subset is found by identity (WeasyPrint's font stream is that very object).
_KEPT_STREAMS: dict[int, list] = {}


def keep_stream(data: bytes) -> None:
    _KEPT_STREAMS[id(data)] = [data, None]


def forget_stream(data: bytes) -> None:
    entry = _KEPT_STREAMS.get(id(data))
    if entry is not None and entry[0] is data:
        del _KEPT_STREAMS[id(data)]


class _Compressor:
    """zlib's compressor for one stream. A stream made of one kept subset gets its compressed bytes
    from the first render that compressed it; the output is what compressing it again would give."""

    def __init__(self, level, *args, **kwargs):
        self._params = (level, args, tuple(sorted(kwargs.items())))
        self._zlib = zlib.compressobj(level, *args, **kwargs)
        self._pieces = 0
        self._entry: list | None = None  # the kept subset, while it is the only piece given
        self._head = b""

    def _deferred(self) -> bool:
        return self._entry is not None and self._entry[1] is not None and self._entry[1][0] == self._params

    def compress(self, data):
        self._pieces += 1
        entry = _KEPT_STREAMS.get(id(data)) if self._pieces == 1 else None
        if entry is not None and entry[0] is data:
            self._entry = entry
            if self._deferred():
                return b""  # flush gives the kept bytes
            self._head = self._zlib.compress(data)
            return self._head
        deferred, self._entry = (self._entry if self._deferred() else None), None
        head = self._zlib.compress(deferred[0]) if deferred is not None else b""  # more after all
        return head + self._zlib.compress(data)

    def flush(self, mode=zlib.Z_FINISH):
        deferred = self._deferred()
        entry, self._entry = self._entry, None
        if entry is None:
            return self._zlib.flush(mode)
        if mode != zlib.Z_FINISH:  # a partial flush (never from pydyf): the stream is not kept
            return (self._zlib.compress(entry[0]) if deferred else b"") + self._zlib.flush(mode)
        if deferred:
            return entry[1][1]
        tail = self._zlib.flush(mode)
        entry[1] = (self._params, self._head + tail)
        return tail


class _Level6:
    """pydyf's view of zlib: its streams compressed at level 6 instead of 9."""

    @staticmethod
    def compressobj(level=6, *args, **kwargs):
        return _Compressor(min(level, 6), *args, **kwargs)

    @staticmethod
    def compress(data, level=6):
        return zlib.compress(data, min(level, 6))


def compress_level_6() -> None:
    import pydyf

    pydyf.zlib = _Level6


class _TokenizerPatterns(dict):
    """tinyhtml5's cache of the patterns its tokenizer scans text with (inputstream.chars_until):
    its own stores each pattern under the pattern itself (`characters = cache[key] = regex` binds
    `characters` first), so that every scan of the HTML built its pattern again, ~2,000 a report.
    This one makes a pattern on the first lookup of its (characters, opposite) key, as chars_until
    would, and keeps it."""

    def __missing__(self, key):
        characters, opposite = key
        body = "".join(f"\\x{ord(character):02x}" for character in characters)
        pattern = self[key] = re.compile(f"[{'' if opposite else '^'}{body}]+")
        return pattern


def keep_tokenizer_patterns() -> None:
    from tinyhtml5 import inputstream

    if not isinstance(inputstream.characters_until_regex, _TokenizerPatterns):
        inputstream.characters_until_regex = _TokenizerPatterns()


# The computed values a table cell's min- and max-content widths depend on: what WeasyPrint's
# layout/preferred.py, layout/inline.py and text/ read of a box, and the box's horizontal sides.
WIDTH_PROPERTIES = (
    "border_collapse", "border_left_width", "border_right_width", "border_left_style", "border_right_style",
    "box_sizing", "direction", "display", "float", "position", "width", "min_width", "max_width",
    "margin_left", "margin_right", "padding_left", "padding_right", "text_indent", "white_space",
    "font_family", "font_size", "font_style", "font_weight", "font_stretch", "font_kerning",
    "font_feature_settings", "font_variation_settings", "font_language_override", "font_variant_alternates",
    "font_variant_caps", "font_variant_east_asian", "font_variant_ligatures", "font_variant_numeric",
    "font_variant_position", "letter_spacing", "word_spacing", "lang", "hyphens", "hyphenate_character",
    "hyphenate_limit_chars", "hyphenate_limit_zone", "overflow_wrap", "word_break", "tab_size",
    "text_align_all", "text_align_last", "vertical_align", "line_height",
)
CELLS_KEPT = 4096  # a format's labels and the figures of many reports; ~200 bytes each
STYLES_KEPT = 256  # the cells' distinct computed values (a handful per format)
_CELLS: OrderedDict = OrderedDict()
_STYLES: dict[tuple, int] = {}
_STYLE_NUMBERS = itertools.count()  # never given twice: a key made before a reset cannot mean another style
_CELLS_LOCK = threading.Lock()


def _style_number(style) -> int:
    """A small number for the cell's computed values (the cells' keys share it instead of ~50 values)."""
    values = tuple(style[name] for name in WIDTH_PROPERTIES)
    try:
        hash(values)
    except TypeError:
        values = tuple(map(repr, values))
    with _CELLS_LOCK:
        number = _STYLES.get(values)
        if number is None:
            if len(_STYLES) >= STYLES_KEPT:  # never here with the report's stylesheet: start again
                _STYLES.clear()
                _CELLS.clear()
            number = _STYLES[values] = next(_STYLE_NUMBERS)
    return number


def _cell_key(box, outer: bool):
    """What the cell's widths are computed from, or None for a cell with anything but its own text
    (an element inside it, generated content, an image): those are measured every time."""
    from weasyprint.formatting_structure import boxes

    shape = []
    waiting = list(box.children)
    while waiting:
        child = waiting.pop(0)
        if child.element is not box.element or child.element_tag != box.element_tag:
            return None
        if type(child) is boxes.TextBox:
            shape.append(child.text)
        elif type(child) in (boxes.LineBox, boxes.BlockBox):
            shape.append(len(child.children))
            waiting[:0] = child.children
        else:
            return None
    return (outer, type(box), getattr(box, "border_left_width", None), getattr(box, "border_right_width", None),
            _style_number(box.style), tuple(shape))


def keep_cell_widths() -> None:
    from weasyprint.layout import preferred

    if getattr(preferred, "_nianbao_cells", False):
        return

    def kept(context, box, outer=True):
        measure = preferred._nianbao_measure_cell
        key = _cell_key(box, outer)
        if key is None:
            return measure(context, box, outer)
        with _CELLS_LOCK:
            widths = _CELLS.get(key)
            if widths is not None:
                _CELLS.move_to_end(key)
                return widths
        widths = measure(context, box, outer)
        with _CELLS_LOCK:
            _CELLS[key] = widths
            while len(_CELLS) > CELLS_KEPT:
                _CELLS.popitem(last=False)
        return widths

    preferred._nianbao_measure_cell = preferred.table_cell_min_max_content_width  # WeasyPrint's own
    preferred.table_cell_min_max_content_width = kept
    preferred._nianbao_cells = True


def apply() -> None:
    compress_level_6()
    keep_tokenizer_patterns()
    keep_cell_widths()
