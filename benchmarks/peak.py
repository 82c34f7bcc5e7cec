"""Benchmark: the peak — 60 people at once on gunicorn, PostgreSQL, Redis and two Celery workers.

Starts its own PostgreSQL and Redis (benchmarks/common.py), generates a district (benchmarks/peak_plan.py:
bodies, two years of reports, a filler per body, 部门负责人 and 主管主任 over groups of bodies, a 区管理员),
checks each report's content for the board as the fillers' saves would have, loads the board and the
summary once as the 区管理员 did earlier that day, writes a placeholder PDF through the storage API
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

from common import ROOT, analyze, setup_django, start_services  # noqa: E402
from peak_figures import cpu_sample, cpu_used, print_report, renders_drained, tree_cpu  # noqa: E402
from peak_plan import approve_burst, generate  # noqa: E402


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
        approve_burst(plan)
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
