import pytest
from django.core.management import CommandError, call_command

from reports.models import ReportStatus
from tests.publishing.helpers import assert_in_order, document_sequence, pdftotext

pytestmark = pytest.mark.django_db


def test_render_report_renders_imported_history_without_publishing(people, tmp_path, capsys):
    from reports.importing.demo import seed_path
    from reports.importing.services import report_import
    from reports.publishing.document import AnnualReportDocument

    report = report_import(body=people.body, year=2020, text=seed_path().read_text(encoding="utf-8"),
                           variant="beijing").report
    out, html = tmp_path / "seed.pdf", tmp_path / "seed.html"
    call_command("render_report", "--body", "donghuashi", "--year", "2020", "--out", str(out), "--html", str(html))
    assert "页" in capsys.readouterr().out
    text = pdftotext(out, "-raw")
    # The seed's PDF: every label of its format, in order, and every number.
    assert_in_order(text, document_sequence(AnnualReportDocument(report)))
    assert "132.6444" in text and "+337" in text
    assert "东花市街道" in html.read_text(encoding="utf-8")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and not report.pdf_versions.exists()
    call_command("render_report", "--body", "东花市", "--year", "2020", "--out", str(out))
    with pytest.raises(CommandError, match="没有找到"):
        call_command("render_report", "--body", "nowhere", "--year", "2020", "--out", str(out))
