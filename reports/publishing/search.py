"""The plain text a published version is found by on the portal: what a reader sees, nothing else.

The snapshot is JSON keyed by cell ids ("values", "s3.R1.G"); searching it matched every report
for those keys and, on SQLite (which stores JSON with \\u escapes), nothing in Chinese. So each
published version stores its search text, one phrase a line, taken from the same view-model as
the page and the PDF: the body and the title (always the first two lines), the section and part
headings, every paragraph, and the tables' captions, headings and row labels (from the format
definition). Not the numbers.
"""

from .document import AnnualReportDocument


def search_text(document: AnnualReportDocument) -> str:
    lines = [document.report.body_name, document.title]
    for section in document.sections:
        lines.append(section.title)
        for part in (*section.parts, *section.notes):
            if part.title:
                lines.append(part.title)
            lines.extend(part.paragraphs)
        for table in section.tables:
            lines.append(table.caption or "")
            lines.extend(header.label or "" for row in table.header_rows for header in row)
            lines.extend(label.label for row in table.rows for label in row.labels)
            lines.append(table.note or "")
    return "\n".join(dict.fromkeys(line.strip() for line in lines if line and line.strip()))
