"""What the publishing tests share: reports in the state the review leaves them, PDF text."""

import logging
import re
import subprocess
from pathlib import Path

from reports.publishing.document import AnnualReportDocument
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def beijing_2020_report(**kwargs):
    """A filled 2020 report in the 2019 format with Beijing's rows, approved and waiting for its PDF."""
    year = ReportingYearFactory(year=2020, format_version="2019", format_variant="beijing")
    kwargs.setdefault("approved", True)
    return AnnualReportFactory(reporting_year=year, **kwargs)


def publish_with_word_copy(report_id: int) -> str:
    """What the worker does for an approved report, in this process: the render task, then the Word
    copy its publication queues (on commit, which a test's transaction never reaches), as the copy's
    task makes it once no render waits (tests/publishing/test_word_queue.py)."""
    from reports.publishing.tasks import publish, word_copies

    outcome = publish(report_id)
    word_copies(report_id)
    return outcome


def pdftotext(path, *mode: str) -> str:
    return subprocess.run(["pdftotext", *mode, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def document_sequence(document: AnnualReportDocument) -> list[str]:
    """Every label of the report's format in reading order, each data row followed by its numbers."""
    items = [document.title]
    for section in document.sections:
        items.append(section.title)
        for table in section.tables:
            if table.caption:
                items.append(table.caption)
            for header_row in table.header_rows:
                items.extend(h.label for h in header_row if h.label)
            for row in table.rows:
                labels = [label.label for label in row.labels]
                items.extend(labels[:-1])
                items.append((labels[-1] if labels else "") + "".join(c.text for c in row.cells))
            if table.note:
                items.append(table.note)
    return items


def table_labels(document: AnnualReportDocument) -> list[str]:
    labels = []
    for section in document.sections:
        for table in section.tables:
            labels += [table.caption] if table.caption else []
            labels += [h.label for row in table.header_rows for h in row if h.label]
            labels += [label.label for row in table.rows for label in row.labels if label.label]
    return labels


def assert_in_order(text: str, items: list[str]) -> None:
    haystack, position = squeeze(text), 0
    for item in items:
        found = haystack.find(squeeze(item), position)
        assert found >= 0, f"not found in order after position {position}: {item!r}\n…{haystack[position:position + 300]}"
        position = found + len(squeeze(item))


def weasyprint_complaints(caplog) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records
            if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]
