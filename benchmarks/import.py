"""Benchmark: reading published PDFs by their geometry (the importer).

Prints, in one run (goals in brackets; nothing is asserted):
- the median seconds per PDF and per page of the importer (read + check) on the real WPS PDF in
  ../shared/samples and on generated reports (the project's own PDFs), against `pdftotext -layout`
  on the same files in the same run [ratio ≤ 50×];
- the peak memory (VmHWM) of one process reading every PDF [≤ 300 MB];
- the wall time to read a ZIP of N reports (default 100) uploaded as on the 导入历史报告 page (one
  Celery task per file, on Redis) by a worker of 2 processes against a worker of one [≤ 0.6×].

    .venv/bin/python benchmarks/import.py [--repeats 3] [--reports 100]

It starts its own PostgreSQL and Redis (benchmarks/common.py) and the Celery workers.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
import zipfile

from common import ROOT, setup_django, start_services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
SAMPLE = ROOT.parent / "shared" / "samples" / "2024_淮安市人民政府.pdf"


def _through_workers(archive: bytes, processes: int) -> float:
    """Seconds from the upload's parse_batch to the last file read, by a Celery worker of `processes`
    processes (prefork), as the page's upload does it."""
    from reports.importing import batch
    from reports.importing.tasks import parse_batch

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool=prefork",
         f"--concurrency={processes}", "--prefetch-multiplier=1", "--loglevel=WARNING", "--without-gossip",
         "--without-mingle", f"--hostname=bench-{processes}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from config.celery_app import app

        while not app.control.ping(timeout=0.5):
            time.sleep(0.2)
        batch_id = batch.batch_create(name="column.zip", data=archive, user_id=1, district_id=1)
        started = time.perf_counter()
        parse_batch.delay(batch_id)
        while batch.batch_state(batch_id)["status"] != "done":
            time.sleep(0.05)
        return time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def _pdfs(n: int) -> list[tuple[str, bytes]]:
    from tests.importing import material

    pdfs = [(SAMPLE.name, SAMPLE.read_bytes())] if SAMPLE.is_file() else []
    pdfs += [(f"generated-{seed}.pdf", material.project_pdf(material.make_report(seed))) for seed in range(n)]
    return pdfs


def _read(item):
    from reports.importing.batch import entry_parse

    name, data = item
    return entry_parse(data, name)["status"]


def _median(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _pages(data: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def _peak_memory(pdfs) -> int:
    """VmHWM (kB) of a fresh process that reads every PDF once."""
    script = (
        "import os, sys, pickle; sys.path.insert(0, ROOT); os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'config.settings.local'); import django; django.setup()\n"
        "from reports.importing.batch import entry_parse\n"
        "for name, data in pickle.load(sys.stdin.buffer): entry_parse(data, name)\n"
        "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    ).replace("ROOT", repr(str(ROOT)), 1)
    import pickle

    out = subprocess.run([sys.executable, "-c", script], input=pickle.dumps(pdfs), capture_output=True, check=True)
    return int(out.stdout.decode().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--generated", type=int, default=4)
    args = parser.parse_args()
    stop = start_services()
    try:
        setup_django()
        _run(args)
    finally:
        stop()


def _run(args) -> None:
    pdfs = _pdfs(args.generated)
    print(f"PDFs: {len(pdfs)}（{SAMPLE.name if SAMPLE.is_file() else '无真实样本'} 及生成的报告）")
    ratios, per_page = [], []
    for name, data in pdfs:
        pages = _pages(data)
        ours = _median(lambda name=name, data=data: _read((name, data)), args.repeats)
        theirs = _median(lambda data=data: subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                                                check=True), args.repeats)
        ratios.append(ours / theirs)
        per_page.append(ours / pages)
        print(f"  {name:36} {pages} 页  导入 {ours:.3f} s  pdftotext -layout {theirs:.3f} s  比值 {ours / theirs:.1f}×")
    print(f"每份 PDF 中位数比值：{statistics.median(ratios):.1f}×（目标 ≤ 50×）；"
          f"每页 {statistics.median(per_page):.3f} s")
    peak = _peak_memory(pdfs)
    print(f"峰值内存（读取全部 PDF 的进程 VmHWM）：{peak / 1024:.0f} MB（目标 ≤ 300 MB）")

    archive = io.BytesIO()
    entries = [pdfs[i % len(pdfs)] for i in range(args.reports)]
    with zipfile.ZipFile(archive, "w") as zf:
        for n, (name, data) in enumerate(entries):
            zf.writestr(f"{n:03d}-{name}", data)
    one = _through_workers(archive.getvalue(), 1)
    two = _through_workers(archive.getvalue(), 2)
    print(f"ZIP（{args.reports} 份，每个文件一个任务）：1 个工作进程 {one:.1f} s，2 个 {two:.1f} s，"
          f"比值 {two / one:.2f}（目标 ≤ 0.6）")


if __name__ == "__main__":
    main()
