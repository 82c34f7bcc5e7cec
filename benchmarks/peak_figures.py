"""The figures of benchmarks/peak.py (imported by it; the render queue's need Django set up): the requests'
per kind, the render queue's, and where the CPU went.

`renders_drained` is how fast the workers publish while there is something to publish (see peak.py's
docstring); `cpu_sample` / `cpu_used` say where the 2 shared cores went during the load.
"""

import os
import time
from collections import Counter, defaultdict
from pathlib import Path

KINDS = ("filler", "reviewer", "public", "admin")


def renders_drained(since, load_start, load_end, timeout, burst=()):
    """Waits for the renders enqueued since `since` to finish; their numbers ("rate" is the figure of
    peak.py's last line, see its docstring; "old_rate" is the figure printed before, kept beside it)."""
    from reports.models import AnnualReport, ReportEvent, ReportStatus
    from reports.publishing.models import ReportPdf

    S = ReportPdf.Status
    deadline = time.monotonic() + timeout
    runs = ReportPdf.objects.filter(created_at__gte=since)  # a version's row is made when a worker claims it
    approvals = ReportEvent.objects.filter(to_status=ReportStatus.APPROVED, created_at__gte=since)
    waiting = AnnualReport.objects.filter(status=ReportStatus.APPROVED)  # approved: its PDF is not out yet
    while ((waiting.exists() or runs.filter(status__in=[S.PENDING, S.RENDERING]).exists())
           and time.monotonic() < deadline):
        time.sleep(0.5)
    rows = list(runs.values("report_id", "status", "created_at", "started_at", "rendered_at", "published_at"))
    done = [r for r in rows if r["status"] == S.DONE and r["published_at"]]
    approved = {}  # when each render was queued: its report's approval, which sent report_approved
    for event in approvals.order_by("created_at"):
        approved.setdefault(event.report_id, event.created_at)
    out = {"enqueued": len(approved), "done": len(done), "failed": sum(1 for r in rows if r["status"] == S.FAILED),
           "left": waiting.count(), "rate": 0.0, "old_rate": 0.0, "in_load": 0, "busy": 0.0, "drain": None,
           "each": None, "wait": None,
           "copies": runs.filter(status=S.DONE).exclude(docx="").count()}  # Word copies come after the renders
    if not done:
        return out
    first = min(r["created_at"] for r in rows)
    last = max(r["published_at"] for r in done)
    out["old_rate"] = len(done) / max((last - first).total_seconds(), 1e-3)
    out["drain"] = max(0.0, (last - load_end).total_seconds())
    each = [(r["rendered_at"] - r["started_at"]).total_seconds() for r in done
            if r["rendered_at"] and r["started_at"]]
    out["each"] = sum(each) / len(each) if each else None
    # The queue is not empty from a report's approval to its publication; only what lies within the
    # load counts, and only the renders published within it (one still running at the end adds its
    # time, not itself: the figure errs low, never high).
    spans = {pk: [at, None] for pk, at in approved.items()}
    for r in done:
        spans.setdefault(r["report_id"], [r["created_at"], None])[1] = r["published_at"]
    intervals = sorted((max(begin, load_start), min(finish or load_end, load_end)) for begin, finish in spans.values()
                       if begin < load_end)
    intervals = [(begin, finish) for begin, finish in intervals if finish > begin]
    busy, current = 0.0, None
    for begin, finish in intervals:
        if current is None or begin > current[1]:
            if current is not None:
                busy += (current[1] - current[0]).total_seconds()
            current = [begin, finish]
        else:
            current[1] = max(current[1], finish)
    if current is not None:
        busy += (current[1] - current[0]).total_seconds()
    out["in_load"] = sum(1 for r in done if load_start <= r["published_at"] <= load_end)
    out["busy"] = busy
    out["rate"] = out["in_load"] / busy if busy > 0 else 0.0
    waits = [(r["started_at"] - approved[r["report_id"]]).total_seconds() for r in done
             if r["started_at"] and r["report_id"] in approved]
    out["wait"] = sum(waits) / len(waits) if waits else None
    # The backlog: from the burst's first approval to the publication of its last report, every render
    # published (the burst's and the reviewers' approved meanwhile): the workers with more to do than
    # they can do at once.
    burst_done = [r["published_at"] for r in done if r["report_id"] in set(burst)]
    burst_approved = [approved[pk] for pk in burst if pk in approved]
    out["backlog"] = None
    if burst and len(burst_done) == len(burst) and burst_approved:
        begin, finish = min(burst_approved), max(burst_done)
        published = sum(1 for r in done if begin <= r["published_at"] <= finish)
        out["backlog"] = (published, (finish - begin).total_seconds())
    return out


# Where the CPU went (the machine's 2 cores are shared by everything, other people's work included)


def tree_cpu(root_pids):
    """CPU seconds of the processes under these roots (their own, and their reaped children's)."""
    parents, times = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    wanted, total = set(root_pids), 0
    for pid in times:
        walk = pid
        while walk and walk not in wanted and walk in parents:
            walk = parents[walk] if parents[walk] != walk else 0
        if walk in wanted:
            total += times[pid]
    return total / os.sysconf("SC_CLK_TCK")


def _machine_cpu():
    """CPU seconds all cores spent busy since boot (/proc/stat), and the number of cores."""
    line = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    idle = int(line[3]) + int(line[4])
    return (sum(int(v) for v in line[:8]) - idle) / os.sysconf("SC_CLK_TCK"), os.cpu_count() or 1


def cpu_sample(groups):
    """{group: CPU seconds} for {group: [root pids]}, plus this process's own and the whole machine's."""
    own = os.times()
    sample = {name: tree_cpu(pids) for name, pids in groups.items()}
    sample["peak.py and Locust"] = own.user + own.system + own.children_user + own.children_system
    sample["machine"], sample["cores"] = _machine_cpu()
    return sample


def cpu_used(before, after):
    return {k: after[k] - before[k] for k in before if k != "cores"} | {"cores": after["cores"]}


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


def after_ramp_up(samples, ramp: float) -> str:
    """Each kind's p95 over the baseline's for the requests sent `ramp` seconds or more after the first:
    Locust starts the people over the first seconds and each sends a request at once, against web
    processes that have served nothing yet. A sample's time is when its answer came (ms after it was sent)."""
    if not samples:
        return "no requests"
    start = min(ts - ms / 1000 for _name, ts, ms, _f, _m in samples)
    fig = figures([s for s in samples if s[1] - s[2] / 1000 >= start + ramp])
    if "baseline" not in fig:
        return "no baseline requests"
    base = fig["baseline"][3] or 1e-3
    ratios = {kind: fig[kind][3] / base for kind in KINDS if kind in fig}
    return (f"baseline p95 {fig['baseline'][3]:.0f} ms; " + ", ".join(f"{k} {r:.2f}" for k, r in ratios.items())
                  + (f"; worst {max(ratios.values()):.2f}" if ratios else ""))


def print_report(args, samples, renders, duration, cpu=None):
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
    each = (f"{renders['each']:.1f} s each from claim to publication"
            if renders["each"] is not None else "—")
    wait = f"{renders['wait']:.1f} s" if renders["wait"] is not None else "—"
    print(f"renders: {renders['enqueued']} enqueued by approvals ({args.backlog} of them in one burst), "
          f"{renders['done']} published, {renders['failed']} failed, {renders['left']} left after "
          f"{args.drain_timeout} s; drained {drain}; {each}; waited {wait} in the queue on average; "
          f"Word copies made by then: {renders.get('copies', 0)} (they wait behind the renders)")
    print(f"renders during the load: {renders['in_load']} published in {renders['busy']:.1f} s with the queue "
          f"not empty: {renders['rate']:.2f}/s (the figure below); from the first claimed to the last published: "
          f"{renders['old_rate']:.2f}/s (the figure printed before, bounded by how often approvals arrive)")
    if renders.get("backlog"):
        published, seconds = renders["backlog"]
        print(f"the burst's backlog: {args.backlog} approved at once, the last of them published {seconds:.1f} s "
              f"after the first approval; {published} renders published meanwhile: {published / seconds:.2f}/s")
    if cpu:
        span, cores = cpu["span"], cpu["cores"]
        groups = {k: v for k, v in cpu.items() if k not in ("span", "cores", "machine", "per_render", "db_sessions")}
        ours = sum(groups.values())
        parts = "; ".join(f"{k} {v:.0f}" for k, v in groups.items())
        print(f"CPU during the load ({span:.0f} s × {cores} cores = {span * cores:.0f} core-seconds; "
              f"machine busy {cpu['machine']:.0f}): {parts}; everything else on the machine "
              f"{max(0.0, cpu['machine'] - ours):.0f}")
        if "db_sessions" in cpu:
            print(f"database sessions opened during the load: {cpu['db_sessions']} (every web and worker process "
                  "keeps its connection; hundreds would be one a request or a task, each a PostgreSQL backend forked)")
        if cpu.get("per_render"):
            web = sum(v for k, v in groups.items() if k != "render workers") / span
            print(f"render workers: {cpu['per_render']:.2f} CPU-seconds per published render, load and drain "
                  f"(Word copies made meanwhile included); at 2/s that is {2 * cpu['per_render']:.1f} of the "
                  f"{cores} cores, beside the {web:.2f} cores the web, the database and Locust took; on a machine "
                  f"running nothing else, at most {max(0.0, cores - web) / cpu['per_render']:.1f}/s "
                  f"(the cores left ÷ CPU-seconds per render: an upper bound, not a measurement)")
    errors = sum(f[1] for k, f in fig.items() if k in (*KINDS, "baseline")) + renders["failed"] + renders["left"]
    worst = max(ratios.values(), default=0.0)
    worst_kind = max(ratios, key=ratios.get) if ratios else "—"
    print(f"baseline p95 {base[3]:.0f} ms; worst p95 ratio: {worst_kind}")
    ramp = args.users / args.spawn_rate
    steady = after_ramp_up(samples, ramp)
    print(f"after the ramp-up (the requests sent once all {args.users} people had started, {ramp:.0f} s in; "
          f"informative, the last line counts every request): {steady}")
    print(f"peak: errors {errors}; worst p95 ratio {worst:.2f} (goal ≤ 3); renders {renders['rate']:.2f}/s (goal ≥ 2)")
