"""The gates of CI: a lockfile that pins every dependency, and the rules.js parity test that cannot be
silently skipped in CI."""

import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _lock(name: str) -> dict[str, str]:
    """{package: version} of a requirements/*.txt, each entry pinned with == and at least one hash."""
    text = (ROOT / "requirements" / name).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
    pins = {}
    for entry in entries:
        if entry.startswith("#"):
            continue
        match = re.match(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;\\]+)", entry)
        assert match, f"not pinned with ==: {entry.splitlines()[0]}"
        assert "--hash=sha256:" in entry, f"no hash: {entry.splitlines()[0]}"
        marker = re.match(r"[^;\\]*;([^\\]*)", entry.splitlines()[0])
        if marker and not Marker(marker.group(1).strip()).evaluate():
            continue  # a universal lock pins some packages per Python version: this one is not ours
        pins[canonicalize_name(match.group(1))] = match.group(3)
    return pins


def _closure(extras: set[str]) -> set[str]:
    """Every distribution the project needs here (with `extras`), followed through their requirements."""
    seen: set[str] = set()
    todo = [(r, extras) for r in metadata.requires("nianbao") or []]
    while todo:
        raw, wanted = todo.pop()
        requirement = Requirement(raw)
        env_extras = wanted or {""}
        if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in env_extras):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        for sub in metadata.requires(requirement.name) or []:
            todo.append((sub, set(requirement.extras)))
    return seen


def test_the_lockfiles_pin_every_dependency_of_the_image_and_of_ci():
    base, test = _lock("base.txt"), _lock("test.txt")
    assert not _closure(set()) - set(base), "run `make lock`: runtime dependencies missing from requirements/base.txt"
    assert not _closure({"test"}) - set(test), "run `make lock`: dependencies missing from requirements/test.txt"
    assert {name: test[name] for name in base} == base  # the image and CI run the same versions
    for name in _closure({"test"}):
        assert metadata.version(name) == test[name], f"{name}: installed {metadata.version(name)}, locked {test[name]}"


def test_the_benchmark_lock_is_the_test_lock_plus_locust():
    """requirements/bench.txt (benchmarks/peak.py): what CI runs, at the same versions, and Locust."""
    test, bench = _lock("test.txt"), _lock("bench.txt")
    assert {name: bench.get(name) for name in test} == test, "run `make lock`: bench.txt differs from test.txt"
    assert "locust" in bench
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(Requirement(r).name == "locust" for r in extras["bench"])


def test_the_rules_js_parity_test_fails_in_ci_when_node_is_missing():
    """Skipped on a developer's machine without Node, a failure under CI=true."""
    env = {"HOME": os.environ.get("HOME", "/root"), "PATH": str(Path(sys.executable).parent),
           "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    command = [sys.executable, "-m", "pytest", "tests/formats/test_formats_js.py", "-k", "rules_js",
               "-p", "no:tests.services", "-p", "no:cacheprovider", "-q"]
    in_ci = subprocess.run(command, cwd=ROOT, env={**env, "CI": "true"}, capture_output=True, text=True,
                           timeout=300)
    assert in_ci.returncode == 1 and "1 failed" in in_ci.stdout and "nodejs" in in_ci.stdout
    at_home = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert at_home.returncode == 0 and "1 skipped" in at_home.stdout


def test_ci_installs_nodejs_for_the_parity_test():
    script = (ROOT / "scripts" / "debian-packages.sh").read_text()
    test_packages = re.search(r'if \[ "\$purpose" = test \]; then(.*?)^fi$', script, re.S | re.M).group(1)
    assert "nodejs" in re.search(r"packages\+=\(([^)]*)\)", test_packages).group(1).split()
