"""Rare characters: 𠀀 (CJK Extension B, in names and places) is printed in the PDF; a character
that no installed font has stops the publication (发布失败), naming the character and where it is."""

import logging
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.models import ReportEvent, ReportStatus
from reports.publishing.models import ReportPdf
from reports.publishing.tasks import publish
from tests.publishing.helpers import weasyprint_complaints
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

RARE = "\U00020000"  # 𠀀, CJK Unified Ideographs Extension B
CSS = Path(__file__).resolve().parents[2] / "static" / "pdf" / "report.css"


def _without_font() -> str:
    """A character no installed font covers (Extension G, or else private use), per fontconfig."""
    for character in ("\U00030000", "\U0003134a", "\uf8ff", "\U000f0000"):
        listed = subprocess.run(["fc-list", f":charset={ord(character):x}", "family"], capture_output=True,
                                text=True, check=True).stdout
        if not listed.strip():
            return character
    raise AssertionError("every candidate character has a font on this machine")


def _report_with(people, character: str, *, in_name: bool = False):
    year = ReportingYearFactory(district=people.district, year=2025)
    if in_name:
        people.body.name = f"{character}家庄街道办事处"
        people.body.save()
    report = AnnualReportFactory(reporting_year=year, body=people.body, approved=True)
    section = report.sections.get(key="s1")
    section.texts = {**section.texts, "s1.p1": f"本年度走访{character}家庄村，主动公开政府信息。"}
    section.save()
    return report


def test_every_font_stack_of_the_pdf_ends_with_a_font_for_extension_b():
    css = CSS.read_text(encoding="utf-8")
    stacks = re.findall(r"(?:font-family|--\w+)\s*:\s*([^;]+);", css)
    stacks = [s for s in stacks if "var(" not in s and ('"' in s)]
    assert len(stacks) >= 7
    for stack in stacks:
        assert '"HanaMinA", "HanaMinB"' in stack, stack


@pytest.mark.django_db
def test_a_character_of_extension_b_is_printed_in_the_pdf(people, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    report = _report_with(people, RARE, in_name=True)
    assert publish(report.pk) == "published"
    pdf = report.pdf_versions.get()
    assert not weasyprint_complaints(caplog), weasyprint_complaints(caplog)
    text = "".join(page.extract_text() for page in PdfReader(pdf.file.path).pages)
    assert f"{RARE}家庄街道办事处2025年政府信息公开工作年度报告" in "".join(text.split())
    assert f"走访{RARE}家庄村" in "".join(text.split())
    fonts = subprocess.run(["pdffonts", pdf.file.path], capture_output=True, text=True, check=True).stdout
    assert "HanaMin" in fonts


@pytest.mark.django_db
def test_a_character_no_font_has_stops_the_publication_and_is_named(people):
    missing = _without_font()
    report = _report_with(people, missing)
    assert publish(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISH_FAILED
    pdf = report.pdf_versions.get()
    assert pdf.status == ReportPdf.Status.FAILED and not pdf.file and not pdf.sha256
    assert f"“{missing}”（U+{ord(missing):04X}，见一、总体情况（一）主动公开）" in pdf.error
    assert report.events.get(kind=ReportEvent.Kind.PUBLISH_FAILED).comment == pdf.error


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_administrator_sees_which_character_stopped_the_publication(page, live_server, login, people):
    missing = _without_font()
    report = _report_with(people, missing)
    assert publish(report.pk) == "failed"
    login(page, people.admin)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    message = page.locator("#publication-status-message")
    expect(message).to_contain_text("发布失败")
    expect(message).to_contain_text(f"“{missing}”（U+{ord(missing):04X}")
    expect(message).to_contain_text("一、总体情况")


@pytest.mark.django_db
def test_the_render_command_names_a_character_no_font_has(people, tmp_path):
    from django.core.management import CommandError, call_command

    missing = _without_font()
    _report_with(people, missing)
    with pytest.raises(CommandError, match=f"“{missing}”（U\\+{ord(missing):04X}，见一、总体情况"):
        call_command("render_report", "--body", people.body.code, "--year", "2025", "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
