"""HarfBuzz subsets of the PDF's fonts, as WeasyPrint 70 makes them (pdf/fonts.py, Font._harfbuzz_subset),
in one pass when one is enough.

WeasyPrint subsets a face twice: first the glyphs used, keeping their ids (the PDF's text refers to glyphs by
their id in the whole face), then the glyphs 0 … highest id used, to drop the glyphs that the first pass
added after the highest one (glyphs its layout closure reaches, such as vertical forms). Each pass costs
~10–20 ms a CJK face whatever the number of glyphs used. When the first pass added nothing after the
highest glyph used (its face has exactly highest + 1 glyphs), the second pass would give the same font:
it is skipped. Hinting is dropped in the first pass already (WeasyPrint drops it in the second), so the
one-pass font has the same bytes as the two-pass one.
"""

from __future__ import annotations

DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def _input(glyphs, flags, drop=()):
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    subset_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    harfbuzz.hb_set_add_sorted_array(glyph_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs))
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    if drop:
        tags = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in drop)
        drop_set = harfbuzz_subset.hb_subset_input_set(subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
        harfbuzz.hb_set_add_sorted_array(drop_set, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    return subset_input


def harfbuzz_subset(font, to_unicode, hinting) -> None:
    """Font._harfbuzz_subset: sets font.file_content to the subset (or logs, as WeasyPrint does)."""
    from weasyprint.logger import LOGGER
    from weasyprint.pdf.fonts import get_hb_object_data
    from weasyprint.text.ffi import harfbuzz
    from weasyprint.text.ffi import harfbuzz_subset as hbs

    common = hbs.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | hbs.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if font.missing:
        common |= hbs.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    no_hinting = 0 if hinting else hbs.HB_SUBSET_FLAGS_NO_HINTING

    used = sorted(to_unicode)
    face = harfbuzz_subset_or_none(font.hb_face, _input(used, hbs.HB_SUBSET_FLAGS_RETAIN_GIDS | common | no_hinting,
                                                        DROPPED_TABLES))
    last = max(to_unicode)
    if face is not None and harfbuzz.hb_face_get_glyph_count(face) != last + 1:
        face = harfbuzz_subset_or_none(face, _input(tuple(range(last + 1)), common | no_hinting))
    if face is not None:
        file_content = get_hb_object_data(face)
        if file_content:
            font.file_content = file_content
            return
    LOGGER.warning('Unable to subset "%s" with HarfBuzz', font.family)


def harfbuzz_subset_or_none(face, subset_input):
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    made = harfbuzz_subset.hb_subset_or_fail(face, subset_input)
    return None if made == ffi.NULL else ffi.gc(made, harfbuzz.hb_face_destroy)
