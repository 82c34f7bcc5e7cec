"""What the city summary's downloads must hold, computed from each district's own summary."""

from decimal import Decimal
from types import SimpleNamespace

from reports.publishing.document import SectionView, table_view
from reports.summary.summary import district_summary

TITLE = "北京市2025年度政府信息公开工作年度报告市级汇总"


def districts_sums(city, basis) -> tuple[dict, list]:
    """The city's figures: 东城's and 西城's own summaries, added up here."""
    parts = [district_summary(city["dong_year"], basis=basis), district_summary(city["xi_year"], basis=basis)]
    sums: dict = {}
    for part in parts:
        for cell_id, value in part.sums.items():
            sums[cell_id] = sums.get(cell_id, Decimal(0) if isinstance(value, Decimal) else 0) + value
    assert any(sums.values())
    return sums, parts


def excel(value):
    """A figure as the workbook stores it (money as a float)."""
    return float(value) if isinstance(value, Decimal) else value


def expected_document(fmt, sums):
    """The format's tables filled with `sums`, for tests.publishing.helpers.document_sequence."""
    return SimpleNamespace(title=TITLE, sections=[
        SectionView(s.key, s.number, s.title, [table_view(fmt, t, sums) for t in s.tables])
        for s in fmt.sections if s.tables])
