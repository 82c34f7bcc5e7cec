"""Benchmark: the peak — 60 people at once on gunicorn, PostgreSQL, Redis and two Celery workers.

Starts its own PostgreSQL and Redis (benchmarks/common.py), generates a district (bodies, two years
of reports, a filler per body, 部门负责人 and 主管主任 over groups of bodies, a 区管理员), writes a
placeholder PDF through the storage API for every published version, then starts gunicorn and two
Celery workers (the real publish task) and drives them with Locust, headless and bounded in time
(benchmarks/peak_load.py, in a subprocess):

- fillers open section 三, autosave every few seconds, paste a block (a save of every cell), submit;
- reviewers open their inbox and approve in bursts (保密审查 points and an opinion): each 主管主任
  approval enqueues a render;
- the public read the portal's home, a report page, its PDF and a search;
- the 区管理员 reads the board and the summary;
- and two users read the bare Django page (benchmarks/urls.py) at the same concurrency: the baseline.

Prints per kind the throughput, p50/p95/p99 and errors, each kind's p95 over the baseline's, and how
fast the render queue drained. Asserts nothing; the last line reads

    peak: errors N; worst p95 ratio X (goal ≤ 3); renders R/s (goal ≥ 2)

    .venv/bin/python benchmarks/peak.py [--duration 60] [--users 60] [--drain-timeout 300]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, generate_district, setup_django, start_services  # noqa: E402

CSRF = "peakcsrftokenpeakcsrftokenpeakcs"
YEAR = 2025
KINDS = ("filler", "reviewer", "public", "admin")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--users", type=int, default=60, help="simulated people at once (default 60)")
    parser.add_argument("--spawn-rate", type=float, default=20, help="people started per second")
    parser.add_argument("--drafts", type=int, default=50, help="draft reports handed to the fillers")
    parser.add_argument("--pending", type=int, default=40,
                        help="reports waiting for review at the start (half at each level)")
    parser.add_argument("--published", type=int, default=10, help="more bodies whose report is out")
    parser.add_argument("--groups", type=int, default=4, help="reviewer groups (a 部门负责人 and a 主管主任 each)")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--drain-timeout", type=int, default=300,
                        help="seconds to wait after the load for the render queue to drain")
    args = parser.parse_args(argv)
    if args.duration < 5 or args.users < 5:
        parser.error("--duration and --users must each be at least 5")
    return args


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port, proc, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port}")


# ---------------------------------------------------------------------------------------------
# The data


def _user(username, name, role, *, bodies=(), district=None):
    from agencies.models import Role, RoleAssignment, User

    user = User.objects.create_user(username, password="Peak-Passw0rd!", full_name=name)
    if role == Role.DISTRICT_ADMIN:
        RoleAssignment.objects.create(user=user, role=role, district=district)
    else:
        RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role, body=b) for b in bodies])
    return user


def _session(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _placeholder_pdfs():
    """One small real PDF (WeasyPrint), written through the storage API for every published version."""
    import hashlib

    import weasyprint
    from django.core.files.base import ContentFile

    from reports.publishing.models import ReportPdf

    data = weasyprint.HTML(string="<html lang='zh-Hans'><body><h1>政府信息公开工作年度报告</h1></body></html>").write_pdf()
    digest = hashlib.sha256(data).hexdigest()
    storage = ReportPdf._meta.get_field("file").storage
    versions = list(ReportPdf.objects.filter(status=ReportPdf.Status.DONE).select_related("report"))
    for pdf in versions:
        pdf.file.name = storage.save(f"bench/{pdf.report_id}-v{pdf.version}.pdf", ContentFile(data))
        pdf.sha256, pdf.size, pdf.page_count = digest, len(data), 1
        pdf.search_text = f"{pdf.report.body_name} " + " ".join(pdf.content.get("texts", {}).values())
    ReportPdf.objects.bulk_update(versions, ["file", "sha256", "size", "page_count", "search_text"], batch_size=500)
    return [(pdf.report_id, pdf.version) for pdf in versions]


def _section_cells(fmt, key, values):
    """The section's cells a person types (computed ones left out), as the page posts them."""
    section = next(s for s in fmt.sections if s.key == key)
    ids = [c.id for t in section.tables for c in t.cells() if not c.computed]
    return {cell_id: str(values[cell_id]) for cell_id in ids if values.get(cell_id) is not None}


def _explain_warnings(reports):
    """Each report's soft warnings explained (预警说明), as a filler does before submitting; anything
    else that would block the submission is a fault of the generated data."""
    from reports.review.selectors import submission_problems
    from reports.selectors import report_check

    for report in reports:
        report.explanations = {w.rule_id: "本年度情况特殊，已核实无误。" for w in report_check(report).soft_warnings}
        report.save(update_fields=["explanations"])
        problems = submission_problems(report)
        if problems:
            raise RuntimeError(f"generated report {report.pk} cannot be submitted: "
                               + "; ".join(f"{p.section_title}: {p.message}" for p in problems[:5]))


def generate(args):
    """The district and the plan handed to the Locust users (sessions, reports, URLs)."""
    import random

    from agencies.models import Role
    from reports.generate import as_json, plausible_values
    from reports.models import AnnualReport, ReportingYear, ReportSection
    from reports.publishing.models import ReportPdf
    from reports.review.secrecy import ALL_POINTS
    from reports.review.services import report_approve, report_submit

    n_bodies = args.drafts + args.pending + args.published
    district = generate_district(n_bodies, years=[YEAR - 1, YEAR])
    reports = list(AnnualReport.objects.filter(reporting_year__year=YEAR).select_related("body").order_by("body__code"))
    working = reports[:args.drafts + args.pending]
    ReportPdf.objects.filter(report__in=working).delete()
    AnnualReport.objects.filter(pk__in=[r.pk for r in working]).update(status="draft")
    published = _placeholder_pdfs()

    bodies = [r.body for r in reports]
    fillers = {b.pk: _user(f"peak.f{i:03d}", f"填报人{i}", Role.FILLER, bodies=[b]) for i, b in enumerate(bodies)}
    heads, directors = [], []
    for g in range(args.groups):
        group = bodies[g::args.groups]
        heads.append(_user(f"peak.head{g}", f"部门负责人{g}", Role.DEPT_HEAD, bodies=group))
        directors.append(_user(f"peak.director{g}", f"主管主任{g}", Role.DIRECTOR, bodies=group))
    admin = _user("peak.admin", "区管理员", Role.DISTRICT_ADMIN, district=district)

    _explain_warnings(working)
    # Waiting at the start: the real services, as the people would have done it.
    pending = working[args.drafts:]
    for i, report in enumerate(pending):
        report.refresh_from_db()
        report_submit(report=report, by=fillers[report.body_id])
        if i % 2:
            head = heads[bodies.index(report.body) % args.groups]
            report_approve(report=report, by=head, comment="同意。", confirmed=ALL_POINTS)

    year = ReportingYear.objects.get(district=district, year=YEAR)
    fmt = year.format
    rng = random.Random(7)
    drafts = []
    for report in working[:args.drafts]:
        own = ReportSection.objects.get(report=report, key="s3").values
        other = as_json(fmt, plausible_values(fmt, rng))
        drafts.append({
            "report": report.pk, "section": "s3", "note": "s3.note", "session": _session(fillers[report.body_id]),
            "cells": _section_cells(fmt, "s3", own), "paste": _section_cells(fmt, "s3", other),
            "submit_chance": 0.3,
        })
    last_year = ReportingYear.objects.get(district=district, year=YEAR - 1)
    return {
        "csrf": CSRF,
        "fillers": drafts,
        "reviewers": [_session(u) for pair in zip(heads, directors) for u in pair],
        "admin": _session(admin),
        "board": f"/district/years/{year.pk}/board/",
        "summary": f"/summary/years/{last_year.pk}/",
        "year": YEAR - 1,
        "published": published,
        "queries": ["街道", "第1", "申请", "公开", "第2街道办事处"],
    }


# ---------------------------------------------------------------------------------------------
# The processes


def _gunicorn(port, workers, log):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'benchmarks'}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "benchmarks.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    _wait_port(port, proc, "gunicorn")
    return proc


def _workers(log_dir):
    """Two Celery workers (one process each), as tests/conftest.py starts the real one."""
    from django.conf import settings

    from config.celery_app import app

    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'benchmarks'}",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    names = [f"peak{i}-{uuid.uuid4().hex[:6]}" for i in (1, 2)]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", f"--hostname={name}@%h"],
        cwd=ROOT, env=env, stdout=(log_dir / f"{name}.log").open("wb"), stderr=subprocess.STDOUT,
    ) for name in names]
    deadline = time.monotonic() + 90
    while True:
        answered = {host.split("@")[0] for reply in app.control.ping(timeout=0.5) for host in reply}
        if set(names) <= answered:
            return procs
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise RuntimeError(f"the Celery workers did not answer; see {log_dir}")


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def _locust(args, url, plan_path, samples_path, log):
    env = {**os.environ, "PEAK_PLAN": str(plan_path), "PEAK_SAMPLES": str(samples_path)}
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "peak_load.py"), "--headless",
         "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s",
         "--host", url, "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, check=False,
    )
    if not samples_path.exists():
        raise RuntimeError(f"Locust wrote no samples; see {log}")
    return json.loads(samples_path.read_text())


# ---------------------------------------------------------------------------------------------
# The figures


def percentile(ordered, q):
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def figures(samples):
    """{group: (count, errors, p50, p95, p99)} per kind and per request name; times in ms."""
    by = defaultdict(list)
    for name, _ts, ms, failed, _msg in samples:
        by[name.split(":")[0]].append((ms, failed))
        by[name].append((ms, failed))
    out = {}
    for key, rows in by.items():
        times = sorted(ms for ms, _ in rows)
        out[key] = (len(rows), sum(1 for _, f in rows if f), percentile(times, .5), percentile(times, .95),
                    percentile(times, .99))
    return out


def _renders(since, load_end, timeout):
    """Waits for the renders enqueued since `since` to finish; their numbers."""
    from reports.publishing.models import ReportPdf

    S = ReportPdf.Status
    deadline = time.monotonic() + timeout
    runs = ReportPdf.objects.filter(created_at__gte=since)
    while runs.filter(status__in=[S.PENDING, S.RENDERING]).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    rows = list(runs.values("status", "created_at", "started_at", "rendered_at", "published_at"))
    done = [r for r in rows if r["status"] == S.DONE and r["published_at"]]
    out = {"enqueued": len(rows), "done": len(done), "failed": sum(1 for r in rows if r["status"] == S.FAILED),
           "left": sum(1 for r in rows if r["status"] in (S.PENDING, S.RENDERING)), "rate": 0.0,
           "drain": None, "each": None}
    if done:
        first = min(r["created_at"] for r in rows)
        last = max(r["published_at"] for r in done)
        out["rate"] = len(done) / max((last - first).total_seconds(), 1e-3)
        out["drain"] = max(0.0, (last - load_end).total_seconds())
        spans = [(r["rendered_at"] - r["started_at"]).total_seconds() for r in done
                 if r["rendered_at"] and r["started_at"]]
        out["each"] = sum(spans) / len(spans) if spans else None
    return out


def report(args, samples, renders, duration):
    fig = figures(samples)
    base = fig.get("baseline", (0, 0, 0, 0, 0))
    base_p95 = base[3] or 1e-3
    print(f"Benchmark: the peak — {args.users} people at once for {args.duration} s; gunicorn "
          f"({args.web_workers} workers), PostgreSQL, Redis, 2 Celery workers; Locust on loopback")
    print(f"{'kind / request':<28} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6} {'p95/base':>8}")
    ratios = {}
    for kind in (*KINDS, "baseline"):
        if kind not in fig:
            print(f"{kind:<28} {'(no requests)':>8}")
            continue
        names = sorted(k for k in fig if k.startswith(kind + ":"))
        for key in [kind, *names]:
            count, errors, p50, p95, p99 = fig[key]
            ratio = p95 / base_p95
            if key in KINDS:
                ratios[key] = ratio
            label = key if key == kind else "  " + key.split(": ", 1)[1]
            print(f"{label:<28} {count:>8} {count / duration:>7.1f} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f} "
                  f"{errors:>6} {ratio:>8.2f}")
    failures = Counter(f"{name}: {msg}" for name, _ts, _ms, failed, msg in samples if failed)
    for text, n in failures.most_common(8):
        print(f"  error ×{n}: {text}")
    drain = f"{renders['drain']:.0f} s after the load" if renders["drain"] is not None else "—"
    each = (f"{renders['each']:.1f} s each (2 workers: at most {2 / renders['each']:.2f}/s)"
            if renders["each"] else "—")
    print(f"renders: {renders['enqueued']} enqueued by approvals, {renders['done']} published, "
          f"{renders['failed']} failed, {renders['left']} left after {args.drain_timeout} s; "
          f"{renders['rate']:.2f}/s from first enqueued to last published; drained {drain}; {each}")
    errors = sum(f[1] for k, f in fig.items() if k in (*KINDS, "baseline")) + renders["failed"] + renders["left"]
    worst = max(ratios.values(), default=0.0)
    worst_kind = max(ratios, key=ratios.get) if ratios else "—"
    print(f"baseline p95 {base[3]:.0f} ms; worst p95 ratio: {worst_kind}")
    print(f"peak: errors {errors}; worst p95 ratio {worst:.2f} (goal ≤ 3); renders {renders['rate']:.2f}/s (goal ≥ 2)")


def main(argv=None):
    args = parse_args(argv)
    stop = start_services()
    work = Path(tempfile.mkdtemp(prefix="nianbao-peak-"))
    procs = []
    try:
        from tests.services import make_signing_cert

        make_signing_cert(work / "signing")  # the publish task signs every PDF (as in the tests)
        setup_django()
        from django.utils import timezone

        print(f"generating the district ({args.drafts + args.pending + args.published} bodies × 2 years) …",
              flush=True)
        plan = generate(args)
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))
        port = _free_port()
        procs.append(_gunicorn(port, args.web_workers, work / "gunicorn.log"))
        procs.extend(_workers(work))
        since = timezone.now()
        print(f"load: {args.users} people for {args.duration} s (logs in {work}) …", flush=True)
        started = time.monotonic()
        samples = _locust(args, f"http://127.0.0.1:{port}", plan_path, work / "samples.json", work / "locust.log")
        duration = time.monotonic() - started
        load_end = timezone.now()
        renders = _renders(since, load_end, args.drain_timeout)
    finally:
        for proc in reversed(procs):
            _stop(proc)
        stop()
    report(args, samples, renders, min(duration, args.duration) or 1)


if __name__ == "__main__":
    main()
