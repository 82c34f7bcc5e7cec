"""A published report as a Word document (.docx) in the official layout. The only module of the
project that imports python-docx for writing (lazily, like pdf.py with WeasyPrint).

It draws the same view-model as the HTML page and the PDF (document.AnnualReportDocument, from the
version's snapshot), and lays every statistics table on the grid the format definition computes
(formats.layout.table_grid: the spreadsheet placer), so that each merged header and row-group label
is a real Word merge (gridSpan across, vMerge down) and no label is typed here.

The page follows GB/T 9704-2012 as static/pdf/report.css does: A4, margins 上 37 mm 下 35 mm 左 28 mm
右 26 mm, 3号 (16 pt) 仿宋 body on a fixed 29 pt line, 2号 小标宋 title, 黑体 section and 楷体 part
headings, page numbers "— 1 —" in 4号 宋体; the wide tables (sections 三 and 四) on landscape pages.

Fonts: a .docx cannot carry a fallback list per run the way CSS can. Every run names its East-Asian
font (w:eastAsia) with the official face (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体), and the
document's font table declares for each the face Windows and WPS install by default as its
alternative (w:altName: 仿宋, 楷体, 黑体 = SimHei, 宋体) with the GB2312 character set and family, so
that Word, WPS and LibreOffice fall back to an installed face of the same kind where the official
one is missing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from config.dates import cn_date

from ..formats.layout import table_grid
from .document import AnnualReportDocument, TableView


@dataclass(frozen=True)
class Face:
    name: str  # what runs name (w:eastAsia, w:ascii, w:hAnsi)
    alternative: str  # the font table's w:altName: installed where the official face is not
    family: str  # the font table's w:family, as Word records these faces


FANGSONG = Face("仿宋_GB2312", "仿宋", "modern")
KAITI = Face("楷体_GB2312", "楷体", "modern")
HEITI = Face("黑体", "SimHei", "modern")
XIAOBIAOSONG = Face("方正小标宋简体", "宋体", "script")
SONGTI = Face("宋体", "SimSun", "auto")
FACES = (FANGSONG, KAITI, HEITI, XIAOBIAOSONG, SONGTI)

# GB/T 9704: margins in millimetres (top, bottom, left, right), portrait; the landscape pages of the
# wide tables turn them with the paper, as the PDF's @page wide does.
PORTRAIT_MARGINS = (37, 35, 28, 26)
LANDSCAPE_MARGINS = (28, 26, 35, 37)
BODY_PT, LINE_PT, TITLE_PT, TABLE_PT, WIDE_TABLE_PT, FOOTER_PT = 16, 29, 22, 10.5, 9, 14

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _fonts(element, face: Face) -> None:
    """Name one face for every script of an rPr (and drop the template's theme fonts)."""
    from docx.oxml.ns import qn

    fonts = element.get_or_add_rPr().get_or_add_rFonts() if hasattr(element, "get_or_add_rPr") \
        else element.get_or_add_rFonts()
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), face.name)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(document, name: str, face: Face, size: float, *, indent: bool = True, center: bool = False,
           line: float | None = None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    style = document.styles[name]
    _fonts(style.element, face)
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    paragraph = style.paragraph_format
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.line_spacing = Pt(line or (LINE_PT if size <= BODY_PT else size * 1.45))
    _first_line(style.element, 2 if indent else 0, size)
    paragraph.widow_control = True
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.JUSTIFY
    return style


def _first_line(element, characters: int, size: float) -> None:
    """首行缩进 in characters (w:firstLineChars, which Word and WPS prefer and which follows the font
    size) and in points; 0 where a style based on Normal must not inherit Normal's two characters."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    indent = element.get_or_add_pPr().get_or_add_ind()
    indent.set(qn("w:firstLine"), str(int(Pt(characters * size).twips)))
    indent.set(qn("w:firstLineChars"), str(characters * 100))


def _font_table(document) -> None:
    """Declare each official face with its installed alternative, GB2312 character set and family."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = parse_xml(part.blob)
    for face in FACES:
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == face.name:
                root.remove(old)
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{face.name}"><w:altName w:val="{face.alternative}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{face.family}"/><w:pitch w:val="variable"/></w:font>'))
    from lxml import etree  # type: ignore[import-untyped]

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _clean_package(document) -> None:
    """Drop what python-docx's template carries that is not this document: its thumbnail (a picture
    of an empty page) and Word 2010's copy of the styles (stylesWithEffects), which Word 2010 would
    read instead of the styles set here."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    styles_with_effects = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
    for rels, reltype in ((document.part.package.rels, RT.THUMBNAIL), (document.part.rels, styles_with_effects)):
        for rId, relationship in list(rels.items()):
            if relationship.reltype == reltype:
                rels.pop(rId)


def _defaults(document) -> None:
    """Document defaults (what every run inherits): 仿宋, Simplified Chinese."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for child in list(rpr):
        if child.tag in (qn("w:rFonts"), qn("w:lang")):
            rpr.remove(child)
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FANGSONG.name}" w:hAnsi="{FANGSONG.name}" '
                            f'w:eastAsia="{FANGSONG.name}" w:cs="{FANGSONG.name}" w:hint="eastAsia"/>'))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))


def _text_area_mm(*, landscape: bool) -> float:
    """The 版心's width: 156 mm on a portrait page, 225 mm on a landscape one."""
    _, _, left, right = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    return (297 if landscape else 210) - left - right


def _page(section, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    top, bottom, left, right = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(max(bottom - 7 - 6, 10))  # the page number 7 mm under the 版心


def _page_number(section) -> None:
    """"— 1 —" centred in the footer: a PAGE field between two dashes."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _first_line(paragraph._p, 0, FOOTER_PT)
    paragraph.add_run("— ")
    for kind in ("begin", None, "separate", "end"):
        run = paragraph.add_run()
        if kind is None:
            run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>'))
        else:
            run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))
        if kind == "separate":
            paragraph.add_run("1")
    paragraph.add_run(" —")
    for run in paragraph.runs:
        _run_face(run, SONGTI, FOOTER_PT)


def _run_face(run, face: Face, size: float | None = None) -> None:
    from docx.shared import Pt

    _fonts(run._r, face)
    if size:
        run.font.size = Pt(size)


def _cell_text(cell, text: str, *, face: Face, size: float, align) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:  # a merge moves the other cells' (empty) paragraphs in
        extra._p.getparent().remove(extra._p)
    paragraph.clear()
    _first_line(paragraph._p, 0, size)
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(1)
    run = paragraph.add_run(text)
    _run_face(run, face, size)


def _row_flags(table, header_rows: int) -> None:
    """Header rows repeat on every page; no row splits across pages."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
        if index < header_rows:
            properties.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def _text_width(text: str) -> float:
    """Width in em: a CJK character is one, a Latin letter or digit about half."""
    return sum(1 if ord(character) > 0x2E7F else 0.55 for character in text)


def _column_widths(grid, columns: int, label_width: int, total_mm: float) -> list[float]:
    """Each column as wide as its longest unspanned text within bounds (labels 2–16 em, numbers 3–6
    em), scaled to the 版心: the official tables keep their labels readable and the numbers narrow."""
    weights = [3.0 if column >= label_width else 2.0 for column in range(columns)]
    for placed in grid:
        if placed.colspan == 1 and placed.kind != "data":
            column = placed.column - 1
            low, high = (2.0, 16.0) if column < label_width else (3.0, 6.0)
            weights[column] = max(weights[column], min(max(_text_width(placed.text) + 1, low), high))
    scale = total_mm / sum(weights)
    return [weight * scale for weight in weights]


def _describe(table, title: str, description: str | None) -> None:
    """The table's title and description for screen readers (w:tblCaption / w:tblDescription, after
    w:tblLook as the schema orders them)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    anchor = table._tbl.tblPr.find(qn("w:tblLook"))
    for tag, text in (("w:tblCaption", title), ("w:tblDescription", description)):
        if text:
            element = OxmlElement(tag, attrs={qn("w:val"): text})
            if anchor is not None:
                anchor.addnext(element)
            else:
                table._tbl.tblPr.append(element)
            anchor = element


def _table(document, fmt, view: TableView, *, section_title: str, wide: bool) -> None:
    """One statistics table on the format's own grid: header and label cells merged as laid out."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    size = WIDE_TABLE_PT if wide else TABLE_PT
    if view.caption:
        caption = document.add_paragraph(style="Caption")
        caption.add_run(view.caption)
        caption.paragraph_format.keep_with_next = True
    texts = {cell.id: cell.text for row in view.rows for cell in row.cells}
    grid, end = table_grid(fmt.table(view.key))
    header_rows = len(view.header_rows)
    rows, columns = end - 1, max(cell.column + cell.colspan - 1 for cell in grid)
    table = document.add_table(rows=rows, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _describe(table, view.caption or section_title, view.note)
    widths = _column_widths(grid, columns, view.label_width, _text_area_mm(landscape=wide))
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    cells = table._cells  # once: table.cell() walks the whole table at every call
    for placed in grid:
        first = cells[(placed.row - 1) * columns + placed.column - 1]
        if placed.rowspan > 1 or placed.colspan > 1:  # a real Word merge: gridSpan across, vMerge down
            last = cells[(placed.row + placed.rowspan - 2) * columns + placed.column + placed.colspan - 2]
            first = first.merge(last)
        first.width = Mm(sum(widths[placed.column - 1:placed.column - 1 + placed.colspan]))
        if placed.kind == "header":
            _cell_text(first, placed.text, face=HEITI, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
            first.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        elif placed.kind == "label":
            _cell_text(first, placed.text, face=FANGSONG, size=size, align=WD_ALIGN_PARAGRAPH.LEFT)
            first.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        else:
            assert placed.data is not None  # noqa: S101 (a data cell of the grid always carries it)
            _cell_text(first, texts.get(placed.data.id, ""), face=FANGSONG, size=size, align=WD_ALIGN_PARAGRAPH.RIGHT)
            first.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    _row_flags(table, header_rows)
    if view.note:
        document.add_paragraph(view.note, style="Table Note")


def _note_style(document) -> None:
    """A table's note (说明) under it: 5号 仿宋, as .stats-note in the PDF."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    note = document.styles.add_style("Table Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = document.styles["Normal"]
    _style(document, "Table Note", FANGSONG, TABLE_PT, indent=False, line=TABLE_PT * 1.4)
    note.paragraph_format.space_after = Pt(12)


def render(document: AnnualReportDocument, *, signed_on: date | None = None, created: datetime | None = None,
           modified: datetime | None = None, correction: dict | None = None) -> bytes:
    """The report as .docx bytes: title, preamble, six sections, signature, 更正说明."""
    import docx
    from docx.enum.section import WD_SECTION

    word = docx.Document()
    _clean_package(word)
    _defaults(word)
    _font_table(word)
    _style(word, "Normal", FANGSONG, BODY_PT)
    _style(word, "Heading 1", XIAOBIAOSONG, TITLE_PT, indent=False, center=True)
    _style(word, "Heading 2", HEITI, BODY_PT)
    _style(word, "Heading 3", KAITI, BODY_PT)
    _style(word, "Caption", HEITI, TABLE_PT, indent=False, center=True)
    _style(word, "Footer", SONGTI, FOOTER_PT, indent=False, center=True)
    _note_style(word)
    _page(word.sections[0], landscape=False)
    _page_number(word.sections[0])

    report = document.report
    properties = word.core_properties
    properties.title = document.title
    properties.author = properties.last_modified_by = report.body_name
    properties.subject = f"{report.year}年度政府信息公开工作年度报告"
    properties.keywords = f"政府信息公开, 年度报告, {report.year}, {report.body_name}"
    properties.comments = (f"{report.body_name}依据《中华人民共和国政府信息公开条例》第五十条编制的"
                           f"{report.year}年度政府信息公开工作年度报告")
    properties.language = "zh-CN"
    properties.revision = 1
    if created:
        properties.created = created
    if modified:
        properties.modified = modified

    title = word.add_paragraph(document.title, style="Heading 1")
    title.paragraph_format.space_after = word.styles["Normal"].paragraph_format.line_spacing
    word.add_paragraph(document.preamble)
    landscape = False
    for section in document.sections:
        if section.wide != landscape:
            landscape = section.wide
            _page(word.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)
        word.add_paragraph(section.title, style="Heading 2")
        for part in section.parts:
            if part.title:
                word.add_paragraph(part.title, style="Heading 3")
            for text in part.paragraphs:
                word.add_paragraph(text)
            if not part.paragraphs and part.required and not part.title:
                word.add_paragraph("无。")
        for table in section.tables:
            _table(word, document.format, table, section_title=section.title, wide=section.wide)
        for note in section.notes:
            for text in note.paragraphs:
                word.add_paragraph(text)
    if landscape:
        _page(word.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    _signature(word, report.body_name, signed_on)
    if correction:
        heading = word.add_paragraph("更正说明", style="Heading 2")
        heading.paragraph_format.space_before = word.styles["Normal"].paragraph_format.line_spacing
        word.add_paragraph(f"{cn_date(correction['date'])}更正：{correction['reason']}")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _signature(word, body_name: str, signed_on: date | None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    lines = [body_name] + ([cn_date(signed_on)] if signed_on else [])
    for index, text in enumerate(lines):
        paragraph = word.add_paragraph(text)
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _first_line(paragraph._p, 0, BODY_PT)
        fmt.right_indent = Pt(4 * BODY_PT)
        fmt.keep_with_next = index < len(lines) - 1
        if index == 0:
            fmt.space_before = Pt(LINE_PT)
