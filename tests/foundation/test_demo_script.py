"""scripts/demo.sh (`make demo PORT=…`): the port it is given, a clear refusal of a bad or busy port, the
worker *and* celery beat started on the filesystem broker, the logins printed as one table once the
server answers, and Ctrl-C stopping everything."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "demo.sh"


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "PORT"))}
    env.update(DJANGO_SETTINGS_MODULE="tests.demo_fast_settings", DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
               CELERY_BROKER_DIR=str(tmp_path / "broker"), DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
               NIANBAO_DEMO_VAR=str(tmp_path / "var"), **extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("port", ["abc", "0", "70000", "80 80"])
def test_a_bad_port_is_refused_with_a_clear_message(tmp_path, port):
    result = subprocess.run(["bash", str(SCRIPT), port], cwd=ROOT, env=_env(tmp_path), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "端口无效" in result.stderr and "make demo PORT=8001" in result.stderr
    assert not (tmp_path / "demo.sqlite3").exists()  # refused before anything was done


def test_a_port_in_use_is_refused_before_anything_starts(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, env=_env(tmp_path, PORT=str(port)),
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and f"端口 {port} 已被占用" in result.stderr
    assert not (tmp_path / "demo.sqlite3").exists()


def _wait_for(path: Path, text: str, proc, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text(errors="replace") if path.exists() else ""
        if text in content:
            return content
        assert proc.poll() is None, content
        time.sleep(0.5)
    raise AssertionError(f"{text!r} not in {path} after {timeout}s:\n{content[-3000:]}")


def _as_from_a_terminal():
    """Ctrl-C reaches `make demo` from a terminal with SIGINT at its default. A test run started in the
    background (`.ci/run &`, nohup) has SIGINT ignored, which the child inherits, and bash cannot trap
    a signal ignored on entry: the demo's cleanup would never run."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.worker
def test_the_demo_runs_on_the_given_port_with_worker_and_beat_and_prints_the_logins_once_up(tmp_path):
    port = _free_port()
    out = tmp_path / "terminal.txt"
    proc = subprocess.Popen(["bash", str(SCRIPT)], cwd=ROOT, env=_env(tmp_path, PORT=str(port)),
                            stdout=out.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=_as_from_a_terminal)
    try:
        terminal = _wait_for(out, "按 Ctrl-C 停止。", proc, 240)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10) as response:
            assert response.status == 200
        block = terminal[terminal.index("年报系统演示已启动"):]
        assert f"http://127.0.0.1:{port}/" in block.splitlines()[0]
        # The table is one block: the header, a rule, the logins, and no log line among them.
        lines = block.splitlines()
        header = next(i for i, line in enumerate(lines) if line.split()[:4] == ["账号", "角色", "单位", "说明"])
        assert set(lines[header + 1].replace(" ", "")) == {"-"}
        rows = lines[header + 2:lines.index("", header)]
        assert any(r.split()[0] == "district.admin" for r in rows)
        assert not [r for r in rows if "[info" in r or "[warning" in r or "INFO" in r]
        # The processes log to files; the terminal has nothing but the preparation line and the block.
        assert not [line for line in terminal.splitlines() if "[info" in line or "[warning" in line]
        var = tmp_path / "var"
        assert f"Starting development server at http://127.0.0.1:{port}/" in (var / "log" / "web.log").read_text()
        # The worker and celery beat run on the filesystem broker.
        _wait_for(var / "log" / "worker.log", "ready.", proc, 60)
        beat = _wait_for(var / "log" / "beat.log", "beat: Starting", proc, 60)
        assert "filesystem://" in beat or "Configuration" in beat
        assert "filesystem" in (var / "log" / "worker.log").read_text()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                raise
    assert proc.returncode == 0
    assert out.read_text(errors="replace").rstrip().endswith("已停止。")
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # the server is gone with the script
