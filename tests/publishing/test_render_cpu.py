"""A render's CPU: a font subset HarfBuzz already made in the process is reused only for the same face and
glyphs (the same bytes as a new subset), pydyf compresses at level 6, and the collector is back on after
a render."""

import gc
import io

from pypdf import PdfReader

from reports.publishing import pdf as pdf_engine
from reports.publishing import render_cpu

PAGE = """<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>年度报告</title>
<link rel="stylesheet" href="/static/pdf/report.css"></head><body><article class="report-document">
<h1 class="report-title">{title}</h1><section class="report-section"><h2>一、总体情况</h2>
<p class="report-text">{text}</p></section></article></body></html>"""


def _fonts(data: bytes) -> dict[str, bytes]:
    """Each embedded font's name (without its subset tag) and its font file."""
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            name = str(descendant["/BaseFont"]).split("+", 1)[1]
            font_file = descriptor.get("/FontFile3") or descriptor["/FontFile2"]  # CFF, TrueType (花园明朝)
            fonts[name] = font_file.get_object().get_data()
    return fonts


def test_a_subset_is_reused_only_for_the_same_face_and_glyphs():
    first = PAGE.format(title="东城区民政局2025年政府信息公开工作年度报告", text="本年度主动公开政府信息。")
    other = PAGE.format(title="东城区民政局2025年政府信息公开工作年度报告", text="本年度依申请公开政府信息。")

    pdf_engine._SUBSETS.clear()
    made = _fonts(pdf_engine.render_html_to_pdf(first).pdf)
    kept = len(pdf_engine._SUBSETS)
    assert kept == len(made) >= 2  # 小标宋 title, 黑体 heading, 仿宋 text (faces that exist here)

    again = _fonts(pdf_engine.render_html_to_pdf(first).pdf)
    assert len(pdf_engine._SUBSETS) == kept  # every subset reused
    assert again == made

    changed = _fonts(pdf_engine.render_html_to_pdf(other).pdf)
    assert len(pdf_engine._SUBSETS) == kept + 1  # only the body text's face has new glyphs
    assert sum(changed[name] != made[name] for name in made) == 1

    pdf_engine._SUBSETS.clear()  # a new subset of the same glyphs is the same font as the reused one
    assert _fonts(pdf_engine.render_html_to_pdf(first).pdf) == made
    assert gc.isenabled()


def test_a_subset_has_the_bytes_weasyprint_itself_makes(monkeypatch):
    """subset.py makes in one pass what WeasyPrint makes in two whenever the second changes nothing."""
    import weasyprint
    from weasyprint.pdf import fonts

    page = PAGE.format(title="东城区朝阳门街道办事处2025年政府信息公开工作年度报告",
                       text="本年度主动公开政府信息１２３件，「」（）〔〕《》——…… 𠀀。")
    pdf_engine._SUBSETS.clear()
    ours = _fonts(pdf_engine.render_html_to_pdf(page).pdf)
    monkeypatch.setattr(fonts.Font, "_harfbuzz_subset", fonts.Font._nianbao_weasyprint_subset)
    document = weasyprint.HTML(string=page, base_url=pdf_engine.BASE_URL, url_fetcher=pdf_engine.url_fetcher())
    theirs = _fonts(document.render(font_config=pdf_engine.font_config(), **pdf_engine.PDF_OPTIONS).write_pdf(
        **pdf_engine.PDF_OPTIONS))
    assert len(ours) >= 3 and ours == theirs


def test_subsets_kept_are_bounded():
    pdf_engine._SUBSETS.clear()
    render_cpu._KEPT_STREAMS.clear()
    for n in range(pdf_engine.SUBSETS_KEPT + 3):
        pdf_engine.render_html_to_pdf(PAGE.format(title="年度报告", text="第" + "一二三四五六七八九十"[: n % 10 + 1] + str(n)))
    assert len(pdf_engine._SUBSETS) == pdf_engine.SUBSETS_KEPT
    # and so are their compressed streams: a subset let go is forgotten
    assert set(render_cpu._KEPT_STREAMS) == {id(data) for _face, data in pdf_engine._SUBSETS.values()}


def test_streams_compressed_at_level_6():
    import zlib

    import pydyf

    pdf_engine.render_html_to_pdf(PAGE.format(title="年度报告", text="正文。"))
    assert pydyf.zlib is render_cpu._Level6
    payload = bytes(range(256)) * 64
    obj = pydyf.zlib.compressobj(level=9)
    assert obj.compress(payload) + obj.flush() == zlib.compress(payload, 6)


def test_a_reused_subset_is_compressed_once_and_the_pdf_is_the_same_bytes(monkeypatch):
    """The second render of a page reuses its subsets and their compressed streams: zlib compresses none of
    them again, and the file is the one a render compressing them afresh writes."""
    import zlib

    page = PAGE.format(title="年度报告", text="本年度主动公开政府信息１２３件。")
    pdf_engine._SUBSETS.clear()
    first = pdf_engine.render_html_to_pdf(page).pdf
    kept = {id(data) for _face, data in pdf_engine._SUBSETS.values()}
    assert kept and kept <= set(render_cpu._KEPT_STREAMS)
    fed = []
    real = zlib.compressobj

    class Counting:
        def __init__(self, *args, **kwargs):
            self.inner = real(*args, **kwargs)

        def compress(self, data):
            fed.append(id(data))
            return self.inner.compress(data)

        def flush(self, *args):
            return self.inner.flush(*args)

    monkeypatch.setattr(render_cpu.zlib, "compressobj", Counting)
    again = pdf_engine.render_html_to_pdf(page).pdf
    assert fed and not kept & set(fed)  # the content streams were compressed, no subset was
    for entry in render_cpu._KEPT_STREAMS.values():
        entry[1] = None  # forget the compressed subsets: compressed afresh
    afresh = pdf_engine.render_html_to_pdf(page).pdf
    assert kept <= set(fed) and again == afresh
    assert _fonts(again) == _fonts(first)


def test_the_compressor_writes_what_zlib_writes_whatever_it_is_given():
    import zlib

    subset, other = bytes(range(256)) * 300, b"BT /F1 12 Tf (x) Tj ET" * 50
    render_cpu.keep_stream(subset)
    try:
        def ours(*pieces, level=6, partial=False, **kwargs):
            obj = render_cpu._Level6.compressobj(level, **kwargs)
            out = b"".join(obj.compress(piece) for piece in pieces)
            if partial:
                out += obj.flush(zlib.Z_SYNC_FLUSH)
            return out + obj.flush()

        def theirs(*pieces, level=6, partial=False, **kwargs):
            obj = zlib.compressobj(min(level, 6), **kwargs)
            out = b"".join(obj.compress(piece) for piece in pieces)
            if partial:
                out += obj.flush(zlib.Z_SYNC_FLUSH)
            return out + obj.flush()

        for _ in range(2):  # compressed, then kept
            assert ours(subset, level=9) == theirs(subset)
            assert ours(subset, other) == theirs(subset, other)
            assert ours(other, subset) == theirs(other, subset)
            assert ours(subset, partial=True) == theirs(subset, partial=True)
            assert ours(subset, level=1) == theirs(subset, level=1)
            assert ours(subset, wbits=-15) == theirs(subset, wbits=-15)
        assert render_cpu._KEPT_STREAMS[id(subset)][1] is not None
    finally:
        render_cpu.forget_stream(subset)
    assert id(subset) not in render_cpu._KEPT_STREAMS


def test_the_html_parser_makes_each_scanning_pattern_once_and_parses_as_before(monkeypatch):
    """tinyhtml5 built a regular expression for every scan of the text (its cache stored each under the
    wrong key); the kept patterns give the same tree."""
    import re
    import xml.etree.ElementTree as ET

    import tinyhtml5
    from tinyhtml5 import inputstream

    page = PAGE.format(title="年度报告 &amp; “附表”", text="本年度主动公开政府信息１２３件，<b>依申请</b>公开 5 件。\x00") * 3
    monkeypatch.setattr(inputstream, "characters_until_regex", {})  # tinyhtml5's own cache
    before = ET.tostring(tinyhtml5.parse(page, namespace_html_elements=False))

    built = []
    compile_pattern = re.compile
    monkeypatch.setattr(re, "compile", lambda *args, **kwargs: built.append(args[0]) or compile_pattern(*args, **kwargs))
    tinyhtml5.parse(page, namespace_html_elements=False)
    assert len(built) > len(set(built))  # without the fix: the same pattern again and again

    pdf_engine.render_html_to_pdf(PAGE.format(title="年度报告", text="正文。"))
    built.clear()
    after = ET.tostring(tinyhtml5.parse(page, namespace_html_elements=False))
    assert after == before
    assert len(built) == len(set(built))  # each pattern made once…
    built.clear()
    tinyhtml5.parse(page, namespace_html_elements=False)
    assert built == []  # …and kept


TABLES = """<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>年度报告</title>
<link rel="stylesheet" href="/static/pdf/report.css"></head><body><article class="report-document">
<section class="report-section"><h2>二、主动公开政府信息情况</h2>{table}</section>
<section class="report-section report-section-wide"><h2>三、收到和处理政府信息公开申请情况</h2>{table}</section>
</article></body></html>"""
TABLE = """<div class="stats-wrap"><table class="stats-table"><caption class="stats-caption">第二十条第（一）项</caption>
<thead><tr><th scope="col">信息内容</th><th scope="col">本年新制作数量</th><th scope="col">对外公开总数量</th></tr></thead>
<tbody><tr><th scope="row" class="row-label">规章</th><td class="num">0</td><td class="num">{figure}</td></tr>
<tr><th scope="row" class="row-label">其他对外管理服务事项中的行政检查、行政确认</th><td class="num">12</td><td class="num">0</td></tr>
<tr><th scope="row" class="row-label">规范性<b>文件</b></th><td class="num">+3</td><td class="num">1,275</td></tr></tbody></table></div>"""


def _pages(data: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_table_cell_s_widths_are_kept_and_the_tables_are_laid_out_as_before(monkeypatch):
    """The widths WeasyPrint measures for a cell made of its own text are kept by that text and its
    computed values: the same pages as when every cell is measured, and a cell measured once."""
    from weasyprint.layout import preferred

    html = TABLES.format(table=TABLE.format(figure="98,765"))
    pdf_engine.render_html_to_pdf(html)  # installs it
    measure = preferred._nianbao_measure_cell
    with monkeypatch.context() as every_cell:  # as WeasyPrint does
        every_cell.setattr(preferred, "table_cell_min_max_content_width", measure)
        measured = _pages(pdf_engine.render_html_to_pdf(html).pdf)

    measured_now = []
    monkeypatch.setattr(preferred, "_nianbao_measure_cell",
                        lambda context, box, outer=True: measured_now.append(box.element_tag) or measure(context, box, outer))
    monkeypatch.setattr(render_cpu, "_CELLS", render_cpu.OrderedDict())
    assert _pages(pdf_engine.render_html_to_pdf(html).pdf) == measured
    # Per table: 3 headers, 2 labels, 5 figures ("0" twice): the same texts at 10.5 and at 9 points
    # apart, and the label with an element inside never kept.
    assert len(render_cpu._CELLS) == 2 * 10
    assert len(measured_now) == 2 * 11

    measured_now.clear()
    assert _pages(pdf_engine.render_html_to_pdf(html).pdf) == measured
    assert measured_now == ["th", "th"]  # 规范性<b>文件</b>, in each table

    other = _pages(pdf_engine.render_html_to_pdf(TABLES.format(table=TABLE.format(figure="1"))).pdf)
    assert other != measured  # a narrower figure: another cell, other widths
    with monkeypatch.context() as every_cell:
        every_cell.setattr(preferred, "table_cell_min_max_content_width", measure)
        assert _pages(pdf_engine.render_html_to_pdf(TABLES.format(table=TABLE.format(figure="1"))).pdf) == other


def test_a_style_number_is_never_given_twice_even_after_the_kept_widths_start_again(monkeypatch):
    """Past STYLES_KEPT distinct computed values everything kept is dropped; a key a thread made just
    before cannot then name another style's widths."""
    monkeypatch.setattr(render_cpu, "STYLES_KEPT", 1)
    monkeypatch.setattr(render_cpu, "_STYLES", {})
    monkeypatch.setattr(render_cpu, "_CELLS", render_cpu.OrderedDict({"kept": (1.0, 2.0)}))
    small = {name: "10.5pt" for name in render_cpu.WIDTH_PROPERTIES}
    large = {**small, "font_size": "16pt"}
    first = render_cpu._style_number(small)
    assert render_cpu._style_number(small) == first
    second = render_cpu._style_number(large)  # the second distinct style: everything starts again
    assert not render_cpu._CELLS and second != first
    assert render_cpu._style_number(small) not in (first, second)
