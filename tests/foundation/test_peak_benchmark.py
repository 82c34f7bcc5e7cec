"""benchmarks/peak.py is a benchmark, not a test: here only that it imports, reads its flags and
computes its figures (the load itself needs Locust, gunicorn and minutes: `make install-bench`)."""

import ast
from pathlib import Path

import pytest

from benchmarks import peak, peak_figures

ROOT = Path(__file__).resolve().parents[2]


def test_the_flags_and_their_defaults():
    args = peak.parse_args([])
    assert (args.duration, args.users, args.drain_timeout) == (60, 60, 300)
    args = peak.parse_args(["--duration", "20", "--users", "12", "--web-workers", "2"])
    assert (args.duration, args.users, args.web_workers) == (20, 12, 2)
    with pytest.raises(SystemExit):
        peak.parse_args(["--duration", "1"])


def test_the_figures_per_kind_and_per_request():
    samples = [["filler: autosave", 0, ms, ms == 100, ""] for ms in range(1, 101)]
    samples += [["public: search", 0, 10, False, ""], ["public: portal home", 0, 30, False, ""]]
    fig = peak_figures.figures(samples)
    count, errors, p50, p95, p99 = fig["filler"]
    assert (count, errors) == (100, 1)
    assert (p50, p95, p99) == (51, 95, 99)
    assert fig["filler: autosave"] == fig["filler"]
    assert fig["public"][:2] == (2, 0) and fig["public: search"][0] == 1


def test_the_locustfile_has_every_kind_of_person():
    tree = ast.parse((ROOT / "benchmarks" / "peak_load.py").read_text(encoding="utf-8"))
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert {"Filler", "Reviewer", "Public", "Administrator", "Baseline"} <= classes


def test_every_person_sends_the_first_request_at_a_moment_of_their_own():
    """Locust starts each second's people in one batch: every kind of person (its on_start, its own or
    inherited) waits a moment of its own first, or twenty first requests arrive in the same instant."""
    tree = ast.parse((ROOT / "benchmarks" / "peak_load.py").read_text(encoding="utf-8"))
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}

    def arrives(name):
        node = classes[name]
        bases = [base.id for base in node.bases if isinstance(base, ast.Name) and base.id in classes]
        own = next((item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "on_start"), None)
        if own is None:
            return any(arrives(base) for base in bases)
        calls = [call.func for call in ast.walk(own) if isinstance(call, ast.Call)]
        if any(isinstance(func, ast.Name) and func.id == "_arrive" for func in calls):
            return True
        calls_super = any(isinstance(func, ast.Attribute) and func.attr == "on_start" for func in calls)
        return calls_super and any(arrives(base) for base in bases)

    for name in ("Filler", "Reviewer", "Public", "Administrator", "Baseline"):
        assert arrives(name), name


def test_the_report_names_the_database_sessions_opened_and_keeps_them_out_of_the_cpu(capsys):
    args = peak.parse_args([])
    samples = [["baseline: 200-row page", 0, 20, False, ""], ["reviewer: review page", 0, 50, False, ""]]
    renders = {"enqueued": 3, "done": 3, "failed": 0, "left": 0, "drain": 0, "each": 0.7, "wait": 1.0,
               "in_load": 3, "busy": 1.5, "rate": 2.0, "old_rate": 1.0, "copies": 0}
    cpu = {"web (gunicorn)": 10.0, "render workers": 5.0, "span": 10.0, "cores": 2, "machine": 16.0,
           "per_render": 1.6, "db_sessions": 7}
    peak_figures.print_report(args, samples, renders, 10.0, cpu)
    out = capsys.readouterr().out
    assert "database sessions opened during the load: 7 " in out
    assert "web (gunicorn) 10; render workers 5; everything else on the machine 1" in out
    assert out.splitlines()[-1] == "peak: errors 0; worst p95 ratio 2.50 (goal ≤ 3); renders 2.00/s (goal ≥ 2)"


def test_the_ramp_up_line_leaves_out_the_requests_sent_before_everyone_had_started(capsys):
    """A sample is (name, when its answer came, ms, failed, message): sent at when − ms."""
    samples = [["baseline: 200-row page", 0.1, 20, False, ""], ["reviewer: inbox", 0.5, 500, False, ""]]
    samples += [["baseline: 200-row page", 10.0 + i, 20, False, ""] for i in range(10)]
    samples += [["reviewer: inbox", 10.0 + i, 40, False, ""] for i in range(10)]
    samples += [["reviewer: approve", 3.1, 200, False, ""]]  # sent at 2.9 s: still in the ramp-up
    assert peak_figures.after_ramp_up(samples, 3.0) == "baseline p95 20 ms; reviewer 2.00; worst 2.00"
    args = peak.parse_args(["--users", "60", "--spawn-rate", "20"])
    renders = {"enqueued": 0, "done": 0, "failed": 0, "left": 0, "drain": None, "each": None, "wait": None,
               "in_load": 0, "busy": 0.0, "rate": 0.0, "old_rate": 0.0, "copies": 0}
    peak_figures.print_report(args, samples, renders, 20.0)
    out = capsys.readouterr().out.splitlines()
    assert out[-2].startswith("after the ramp-up (the requests sent once all 60 people had started, 3 s in;")
    assert out[-2].endswith("reviewer 2.00; worst 2.00")
    assert out[-1].startswith("peak: errors 0; worst p95 ratio 10.00 ")  # every request: 200 / 20
