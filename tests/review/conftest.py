import pytest

from reports.models import ReportSection
from reports.services import report_section_save, section_text
from tests.report_factories import AnnualReportFactory

CELL = "s2.t5.r1.c1"  # 行政许可·本年处理决定数量: no rule depends on it


@pytest.fixture
def report(people):
    """A filled-in 2025 report of people.body that passes every hard rule, in 草稿."""
    return AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                               reporting_year__year=2025, filled=True)


def save_cell(report, user, cell_id, typed, request=None):
    """Save one cell the way the section form does: every input of the section is posted."""
    fmt = report.format
    key = cell_id.split(".", 1)[0]
    section = ReportSection.objects.get(report=report, key=key)
    shown = section_text(fmt, section)
    definition = fmt.section(key)
    cells = {c.id: shown.get(c.id, "") for t in definition.tables for c in t.cells() if not c.computed}
    cells[cell_id] = typed
    texts = {p.key: section.texts.get(p.key, "") for p in definition.parts}
    return report_section_save(report=report, key=key, cells=cells, texts=texts, base_version=section.version,
                               by=user, request=request)


def save_text(report, user, part_key, text):
    fmt = report.format
    key = part_key.split(".", 1)[0]
    section = ReportSection.objects.get(report=report, key=key)
    shown = section_text(fmt, section)
    definition = fmt.section(key)
    cells = {c.id: shown.get(c.id, "") for t in definition.tables for c in t.cells() if not c.computed}
    texts = {p.key: section.texts.get(p.key, "") for p in definition.parts}
    texts[part_key] = text
    return report_section_save(report=report, key=key, cells=cells, texts=texts, base_version=section.version,
                               by=user)


def approve_on_page(page, opinion: str):
    """审核通过 through the review page's own form: tick every 保密审查 point, write the opinion."""
    from reports.review.secrecy import POINTS

    form = page.get_by_role("form", name="审核通过")
    for point in POINTS:
        form.get_by_label(point.label).check()
    form.get_by_label("审核意见").fill(opinion)
    form.get_by_role("button", name="审核通过").click()
