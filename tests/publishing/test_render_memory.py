"""A render worker's memory: WeasyPrint's copies of whole CJK font files are skipped (pdf._lean_font_data)
and the heap is given back after each render (pdf.release_memory), so that a process rendering report
after report peaks well under 250 MB and does not grow; Celery replaces a child that grew anyway."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from reports.publishing.document import AnnualReportDocument
from tests.publishing.helpers import beijing_2020_report, pdftotext, squeeze

ROOT = Path(__file__).resolve().parents[2]
RENDERS = 4
SCRIPT = """
import sys, django
django.setup()
from reports.publishing.pdf import release_memory, render_html_to_pdf

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024

html = open(sys.argv[1], encoding="utf-8").read()
peaks = []
for n in range(int(sys.argv[2])):
    rendered = render_html_to_pdf(html)
    release_memory()
    peaks.append(peak())
open(sys.argv[3], "wb").write(rendered.pdf)
print(*peaks)
"""


@pytest.mark.django_db
def test_a_process_rendering_report_after_report_stays_under_250_mb(tmp_path):
    report = beijing_2020_report()
    now = timezone.now()
    html = render_to_string("reports/pdf/report.html", {"document": AnnualReportDocument(report),
                                                         "signed_on": timezone.localdate(now), "created": now,
                                                         "modified": now})
    (tmp_path / "report.html").write_text(html, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "report.html"), str(RENDERS),
                             str(tmp_path / "report.pdf")], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    assert result.returncode == 0, result.stderr[-3000:]
    peaks = [int(p) for p in result.stdout.split()]
    assert len(peaks) == RENDERS
    assert peaks[-1] <= 250, peaks  # was ~415 MB over 20 renders before
    assert peaks[-1] - peaks[0] <= 20, peaks  # the later renders land on a trimmed heap
    # The fonts are still embedded as subsets and the text is whole.
    fonts = subprocess.run(["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5:-3] == ["yes", "yes"] for line in fonts), fonts
    assert squeeze(report.title) in squeeze(pdftotext(tmp_path / "report.pdf"))


def test_workers_are_recycled_by_memory():
    from config.celery_app import app

    assert 250_000 < app.conf.worker_max_memory_per_child <= 400_000  # KiB, checked after each task
    assert app.conf.worker_max_tasks_per_child == 50


@pytest.mark.django_db
def test_the_render_task_gives_the_memory_back_after_its_render(monkeypatch):
    from reports.publishing import pdf as pdf_engine
    from reports.publishing.tasks import render_report_pdf

    calls = []
    monkeypatch.setattr(pdf_engine, "release_memory", lambda: calls.append("released"))
    report = beijing_2020_report()
    assert render_report_pdf.apply(args=(report.pk,)).result == "published"
    assert calls == ["released"]
