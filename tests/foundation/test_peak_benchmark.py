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
