"""The plain text a published version is found by on the portal: what a reader sees, nothing else.

The snapshot is JSON keyed by cell ids ("values", "s3.R1.G"); searching it matched every report
for those keys and, on SQLite (which stores JSON with \\u escapes), nothing in Chinese. So each
published version stores its search text, one phrase a line, taken from the same view-model as
the page and the PDF: the body and the title (always the first two lines), the section and part
headings, every paragraph, and the tables' captions, headings and row labels (from the format
definition). Not the numbers.

The headings, captions and labels are the same in every report of a format: `format_text` is
them alone (the search text of an empty report of the format), which every published version of
that format holds. The portal answers a word found there without reading thousands of texts.
"""

from functools import cache

from .document import AnnualReportDocument, SectionView, section_views


def _lines(sections: list[SectionView]):
    for section in sections:
        yield section.title
        for part in (*section.parts, *section.notes):
            if part.title:
                yield part.title
            yield from part.paragraphs
        for table in section.tables:
            yield table.caption or ""
            yield from (header.label or "" for row in table.header_rows for header in row)
            yield from (label.label for row in table.rows for label in row.labels)
            yield table.note or ""


def _joined(lines) -> str:
    return "\n".join(dict.fromkeys(line.strip() for line in lines if line and line.strip()))


def search_text(document: AnnualReportDocument) -> str:
    return _joined([document.report.body_name, document.title, *_lines(document.sections)])


@cache
def format_text(fmt) -> str:
    """The lines of a format's search text that every report of it holds, whatever it says: its
    headings, captions and labels (the search text of an empty report, without body and title)."""
    return _joined(_lines(section_views(fmt, {}, {})))
