"""Benchmark: rendering and publishing PDFs.

Prints, in one run (goals in brackets; nothing is asserted):
- the median render time of the seed report (东花市街道 2020, imported from ../shared/seeds) through
  the project's render code, against WeasyPrint alone on the same HTML [ratio ≤ 1.0];
- the seed PDF's size [≤ 600 KB] and whether every font is embedded as a subset;
- the peak memory (VmHWM: the peak resident set) of a Celery worker process over 20 renders
  [≤ 250 MB], with the render ratio beside it;
- the wall time to publish N reports (default 100) with a worker of 2 processes, against a worker of
  one process rendering them one after another [ratio ≤ 0.6].

    .venv/bin/python benchmarks/pdf.py [--renders 7] [--reports 100] [--memory-only]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, generate_district, setup_django, start_services


def _seed_report():
    from agencies.models import Body, BodyKind, District
    from reports.importing.demo import BODY_CODE, VARIANT, YEAR, seed_path
    from reports.importing.services import report_import

    district, _ = District.objects.get_or_create(code="110101", defaults={"name": "北京市东城区"})
    body, _ = Body.objects.get_or_create(code=BODY_CODE, defaults={
        "district": district, "name": "东花市街道办事处", "kind": BodyKind.STREET_OFFICE})
    return report_import(body=body, year=YEAR, text=seed_path().read_text(encoding="utf-8"), variant=VARIANT).report


def _timed_pair(a, b, n):
    """Medians of a and b, run alternately so that load from elsewhere hits both alike."""
    samples_a, samples_b = [], []
    for _ in range(n):
        for fn, samples in ((a, samples_a), (b, samples_b)):
            started = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - started)
    return statistics.median(samples_a), statistics.median(samples_b)


def render_ratio(report, n):
    import weasyprint
    from django.utils import timezone

    from reports.publishing.document import AnnualReportDocument
    from reports.publishing.pdf import render

    context = {"signed_on": timezone.localdate(), "created": timezone.now(), "modified": timezone.now()}

    def ours():
        return render("reports/pdf/report.html", {"document": AnnualReportDocument(report), **context})

    first = ours()
    html = first.html.replace('href="/static/', f'href="file://{ROOT}/static/')

    def alone():
        return weasyprint.HTML(string=html, base_url=str(ROOT)).write_pdf()

    alone()  # warm fonts for both
    return (*_timed_pair(ours, alone, n), first)


def fonts_subset(pdf_bytes):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf_bytes)
        f.flush()
        lines = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return len(lines), all(line.split()[-5:-3] == ["yes", "yes"] for line in lines)


def _worker(concurrency, log):
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "DJANGO_LOG_LEVEL": "WARNING",
           "NIANBAO_WORD_DEFER_SECONDS": "10"}  # production's pause (benchmarks/settings.py), not the tests' 1 s
    pool = "solo" if concurrency == 1 else "prefork"
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", f"--pool={pool}",
                             f"--concurrency={concurrency}", "--loglevel=WARNING", "--without-gossip",
                             "--without-mingle"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    from config.celery_app import app

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
    return proc


def _approved(ids):
    from reports.models import AnnualReport
    from reports.publishing.models import ReportPdf

    ReportPdf.objects.filter(report_id__in=ids).delete()
    AnnualReport.objects.filter(pk__in=ids).update(status="approved")


def _wait_published(ids, timeout=1800):
    from reports.models import AnnualReport

    deadline = time.monotonic() + timeout
    while AnnualReport.objects.filter(pk__in=ids, status="published").count() < len(ids):
        if time.monotonic() > deadline:
            raise RuntimeError("reports not published in time")
        time.sleep(0.2)


WARMUP = 4  # reports a worker publishes before it is timed (two for each process of the pair)


def _publish_all(ids, warmup_ids, concurrency, log) -> float:
    """Seconds for a worker of `concurrency` processes to publish the reports, approved again, once
    each of its processes has rendered (`warmup_ids` first, not timed): a solo worker loads the fonts
    before its first task, a prefork child on its first render (warmup.py), once in its life either way.
    The one-process figure is a worker too (the task as it runs), not this process calling its body.
    Each starts from an empty queue."""
    from config.celery_app import app
    from reports.publishing.enqueue import enqueue_render

    _approved(ids + warmup_ids)
    app.control.purge()  # the Word copies an earlier worker left queued: each run has its own only
    worker = _worker(concurrency, log)
    for pk in warmup_ids:
        enqueue_render(pk)
    _wait_published(warmup_ids)
    started = time.perf_counter()
    for pk in ids:
        enqueue_render(pk)
    _wait_published(ids)
    elapsed = time.perf_counter() - started
    worker.terminate()
    worker.wait(timeout=30)
    return elapsed


def _vm_hwm(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=7)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--memory-only", action="store_true",
                        help="the render ratio and the worker's peak memory, without the 100-report publish")
    args = parser.parse_args()
    stop = start_services()
    workdir = Path(tempfile.mkdtemp(prefix="nianbao-bench-pdf-"))
    try:
        from tests.services import make_signing_cert

        make_signing_cert(workdir / "signing")  # the publish task signs every PDF (as in the tests)
        setup_django()
        from reports.models import AnnualReport
        from reports.publishing.enqueue import enqueue_render

        seed = _seed_report()
        ours, alone, first = render_ratio(seed, args.renders)
        count, subset = fonts_subset(first.pdf)
        print(f"seed render: project {ours * 1000:.0f} ms, WeasyPrint alone {alone * 1000:.0f} ms, "
              f"ratio {ours / alone:.2f} (goal ≤ 1.0)")
        print(f"seed PDF: {len(first.pdf) / 1024:.0f} KB, {first.page_count} pages (goal ≤ 600 KB); "
              f"{count} fonts, all embedded as subsets: {subset}")

        generate_district(max(args.reports, 20) + WARMUP, years=[2025])
        ids = list(AnnualReport.objects.filter(reporting_year__year=2025).values_list("pk", flat=True))

        memory_ids = ids[:20]
        _approved(memory_ids)
        worker = _worker(1, workdir / "memory-worker.log")
        for pk in memory_ids:
            enqueue_render(pk)
        _wait_published(memory_ids)
        peak = _vm_hwm(worker.pid)
        print(f"worker peak RSS over {len(memory_ids)} renders: {peak} MB (VmHWM, solo pool; goal ≤ 250 MB), "
              f"{peak / 250:.2f} of the goal; render ratio to WeasyPrint alone {ours / alone:.2f} (goal ≤ 1.0)")
        worker.terminate()
        worker.wait(timeout=30)
        if args.memory_only:
            return

        ids, warmup_ids = ids[:args.reports], ids[args.reports:]
        sequential = _publish_all(ids, warmup_ids, 1, workdir / "one.log")
        parallel = _publish_all(ids, warmup_ids, 2, workdir / "pair.log")
        print(f"publish {len(ids)} reports: one worker process {sequential:.1f} s, 2 worker processes {parallel:.1f} s, "
              f"ratio {parallel / sequential:.2f} (goal ≤ 0.6; {os.cpu_count()} CPUs)")
    finally:
        stop()


if __name__ == "__main__":
    main()
