"""Benchmark: the peak — 60 people at once on gunicorn, PostgreSQL, Redis and two Celery workers.

Starts its own PostgreSQL and Redis (benchmarks/common.py), generates a district (bodies, two years
of reports, a filler per body, 部门负责人 and 主管主任 over groups of bodies, a 区管理员), checks each
report's content for the board as the fillers' saves would have, loads the board and the summary once
as the 区管理员 did earlier that day (_seen_earlier), writes a placeholder PDF through the storage API
for every published version, then starts gunicorn and two
Celery workers (the real publish task) and drives them with Locust, headless and bounded in time
(benchmarks/peak_load.py, in a subprocess):

- fillers open section 三, autosave every few seconds, paste a block (a save of every cell), submit;
- reviewers open their inbox and approve in bursts (保密审查 points and an opinion): each 主管主任
  approval enqueues a render;
- the public read the portal's home, a report page, its PDF and a search;
- the 区管理员 reads the board and the summary;
- and two users read the bare Django page (benchmarks/urls.py) at the same concurrency: the baseline;
- a few seconds into the load, the 主管主任 of one more group of bodies approves their reports in one
  burst (--backlog, through the same service as the approve page): the render queue at the January
  peak, more approvals at once than the workers publish at once.

Prints per kind the throughput, p50/p95/p99 and errors, each kind's p95 over the baseline's, how fast
the render queue drained, and where the CPU went during the load (web, workers, database, Locust, the
rest of the machine: the 2 cores are shared). Asserts nothing; the last line reads

    peak: errors N; worst p95 ratio X (goal ≤ 3); renders R/s (goal ≥ 2)

where R is how fast the workers publish while there is something to publish: the renders published
during the load, divided by the time during the load in which at least one approved report was waiting
for or in its render (the union of every render's span from its approval to its publication). The
earlier figure, renders from the first claimed to the last published, is printed beside it: where the
approvals are spread over the load it measures how often reviewers approve, not how fast the queue
drains (60 people approved 7 reports a minute, so it could never pass 0.12/s).

    .venv/bin/python benchmarks/peak.py [--duration 60] [--users 60] [--backlog 40] [--drain-timeout 300]
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, analyze, generate_district, setup_django, start_services  # noqa: E402
from peak_figures import cpu_sample, cpu_used, print_report, renders_drained, tree_cpu  # noqa: E402

CSRF = "peakcsrftokenpeakcsrftokenpeakcs"
YEAR = 2025


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
    parser.add_argument("--backlog", type=int, default=40,
                        help="reports a 主管主任 approves in one burst a few seconds into the load")
    parser.add_argument("--burst-after", type=float, default=5, help="seconds into the load of that burst")
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
    from reports.review.notifications import mail_muted
    from reports.review.secrecy import ALL_POINTS
    from reports.review.services import report_approve, report_submit

    n_bodies = args.drafts + args.pending + args.published + args.backlog
    district = generate_district(n_bodies, years=[YEAR - 1, YEAR])
    everyone = list(AnnualReport.objects.filter(reporting_year__year=YEAR).select_related("body").order_by("body__code"))
    reports, burst = everyone[:n_bodies - args.backlog], everyone[n_bodies - args.backlog:]
    working = reports[:args.drafts + args.pending]
    ReportPdf.objects.filter(report__in=working + burst).delete()
    AnnualReport.objects.filter(pk__in=[r.pk for r in working + burst]).update(status="draft")
    published = _placeholder_pdfs()

    bodies = [r.body for r in reports]
    fillers = {b.pk: _user(f"peak.f{i:03d}", f"填报人{i}", Role.FILLER, bodies=[b]) for i, b in enumerate(bodies)}
    heads, directors = [], []
    for g in range(args.groups):
        group = bodies[g::args.groups]
        heads.append(_user(f"peak.head{g}", f"部门负责人{g}", Role.DEPT_HEAD, bodies=group))
        directors.append(_user(f"peak.director{g}", f"主管主任{g}", Role.DIRECTOR, bodies=group))
    admin = _user("peak.admin", "区管理员", Role.DISTRICT_ADMIN, district=district)

    _explain_warnings(working + burst)
    # The burst's reports wait for their 主管主任, who is none of the Locust reviewers (whose inbox and
    # approvals stay as they were); peak.py approves them during the load (_approve_burst).
    burst_bodies = [r.body for r in burst]
    burst_filler = _user("peak.burst.filler", "填报人（集中审批）", Role.FILLER, bodies=burst_bodies)
    burst_head = _user("peak.burst.head", "部门负责人（集中审批）", Role.DEPT_HEAD, bodies=burst_bodies)
    burst_director = _user("peak.burst.director", "主管主任（集中审批）", Role.DIRECTOR, bodies=burst_bodies)
    # The e-mails of what was done before the load went out then: none waits for the workers.
    with mail_muted():
        for report in burst:
            report.refresh_from_db()
            report_submit(report=report, by=burst_filler)
            report_approve(report=report, by=burst_head, comment="同意。", confirmed=ALL_POINTS)
        # Waiting at the start: the real services, as the people would have done it.
        pending = working[args.drafts:]
        for i, report in enumerate(pending):
            report.refresh_from_db()
            report_submit(report=report, by=fillers[report.body_id])
            if i % 2:
                head = heads[bodies.index(report.body) % args.groups]
                report_approve(report=report, by=head, comment="同意。", confirmed=ALL_POINTS)

    # Each report's content was saved through the save service, which checks it for the board on
    # commit (reports.health.selectors.report_content_checked); the generator writes the sections
    # directly, so it checks them as those saves would have.
    from reports.health.selectors import report_content_checked

    for report in everyone:
        report_content_checked(report.pk)

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
    board, summary = f"/district/years/{year.pk}/board/", f"/summary/years/{last_year.pk}/"
    _seen_earlier(admin, board, summary)
    return {
        "csrf": CSRF,
        "fillers": drafts,
        "reviewers": [_session(u) for pair in zip(heads, directors) for u in pair],
        "admin": _session(admin),
        "board": board,
        "summary": summary,
        "year": YEAR - 1,
        "published": published,
        "queries": ["街道", "第1", "申请", "公开", "第2街道办事处"],
        "burst": {"director": burst_director.pk, "reports": [r.pk for r in burst]},
    }


def _seen_earlier(admin, *urls):
    """The 区管理员's board and summary, loaded once before the load, as on any day of the reporting
    season: what they keep in the shared cache (each part's 内容雷同, the summary's figures) is there
    at the peak, as it is in production, where the cache outlives the web processes. The web
    processes of the load start cold all the same, and everything saved during the load is
    compared and checked again."""
    from django.test import Client

    client = Client()
    client.force_login(admin)
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} before the load")


def _approve_burst(plan):
    """The 主管主任's burst: every report of the backlog approved, one after another (each approval
    commits and queues its render, as the approve page does)."""
    from agencies.models import User
    from reports.models import AnnualReport
    from reports.review.secrecy import ALL_POINTS
    from reports.review.services import report_approve

    director = User.objects.get(pk=plan["burst"]["director"])
    for report in AnnualReport.objects.filter(pk__in=plan["burst"]["reports"]).order_by("pk"):
        report_approve(report=report, by=director, comment="经保密审查，同意公开。", confirmed=ALL_POINTS)


def _database_sessions() -> int:
    """Sessions PostgreSQL has opened on the database so far (a backend forked for each)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


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


def _locust(args, url, plan, plan_path, samples_path, log):
    """Locust, headless for --duration; the 主管主任's burst of approvals --burst-after seconds in."""
    env = {**os.environ, "PEAK_PLAN": str(plan_path), "PEAK_SAMPLES": str(samples_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "peak_load.py"), "--headless",
         "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s",
         "--host", url, "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(min(args.burst_after, args.duration))
        _approve_burst(plan)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if not samples_path.exists():
        raise RuntimeError(f"Locust wrote no samples; see {log}")
    return json.loads(samples_path.read_text())


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

        print(f"generating the district ({args.drafts + args.pending + args.published + args.backlog} bodies × "
              "2 years) …",
              flush=True)
        plan = generate(args)
        analyze()
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))
        port = _free_port()
        procs.append(_gunicorn(port, args.web_workers, work / "gunicorn.log"))
        workers = _workers(work)
        procs.extend(workers)
        from tests.services import _started

        groups = {"web (gunicorn)": [procs[0].pid], "render workers": [w.pid for w in workers],
                  "PostgreSQL and Redis": [p.pid for p in _started]}
        since = timezone.now()
        print(f"load: {args.users} people for {args.duration} s, {args.backlog} approvals in a burst "
              f"(logs in {work}) …", flush=True)
        before = cpu_sample(groups)
        sessions_before = _database_sessions()
        started = time.monotonic()
        load_start = timezone.now()
        samples = _locust(args, f"http://127.0.0.1:{port}", plan, plan_path, work / "samples.json",
                          work / "locust.log")
        duration = time.monotonic() - started
        load_end = timezone.now()
        during = cpu_used(before, cpu_sample(groups))
        opened = _database_sessions() - sessions_before
        workers_before = before["render workers"]
        renders = renders_drained(since, load_start, load_end, args.drain_timeout, plan["burst"]["reports"])
        workers_cpu = tree_cpu([w.pid for w in workers]) - workers_before
        cpu = {**during, "span": duration, "db_sessions": opened,
               "per_render": workers_cpu / renders["done"] if renders["done"] else None}
    finally:
        for proc in reversed(procs):
            _stop(proc)
        stop()
    print_report(args, samples, renders, min(duration, args.duration) or 1, cpu)


if __name__ == "__main__":
    main()
