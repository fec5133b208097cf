"""Interrupted builds (issue 13): a killed build leaves no lock and no workers; Ctrl-C stops with one
line; a build that waits for a lock says for whom; two builds publish to one place in turns.

The builds here run one small notebook that sleeps (MKB_NOTEBOOK_DIR), in a temporary MKB_BUILD_DIR.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from mkbbook import build as b

SCRIPT = """
import sys
from mkbbook import build as b, cli
b.chapters = lambda: ["sleepy"]
b.run_sphinx = lambda edition, strict: False
sys.exit(cli.main(["build", "--region", "GM0344", "--year", "2025", "--out", ""]))
"""


def _sleepy_notebook(folder: Path) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('region = "provincie-utrecht"\nyear = 2025', id="params")
    params.metadata["tags"] = ["parameters"]
    body = ("import json, os, time\n"
            "json.dump({'kernel': os.getpid(), 'worker': os.getppid()}, open(os.environ['MKB_TEST_MARKER'], 'w'))\n"
            "time.sleep(60)")
    nb.cells = [params, nbformat.v4.new_code_cell(body, id="sleep")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "sleepy.ipynb")


def _start(tmp_path: Path):
    _sleepy_notebook(tmp_path / "notebooks")
    marker = tmp_path / "marker.json"
    env = dict(os.environ, MKB_BUILD_DIR=str(tmp_path / "build"), MKB_NOTEBOOK_DIR=str(tmp_path / "notebooks"),
               MKB_TEST_MARKER=str(marker))
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 40
    while not marker.exists() or not marker.read_text().strip():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"the sleepy notebook did not start:\n{out}\n{err}")
        time.sleep(0.2)
    time.sleep(0.3)
    return proc, json.loads(marker.read_text())


def _gone(pids, seconds=10.0) -> list[int]:
    """The pids still alive (not zombies) after waiting up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        alive = []
        for pid in pids:
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def test_sigkill_leaves_no_lock_and_no_workers(tmp_path):
    proc, pids = _start(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _gone([pids["worker"], pids["kernel"]]) == [], "worker or kernel outlived the killed build"
    lock = tmp_path / "build" / "editions" / "GM0344-2025" / ".lock"
    assert lock.exists()
    edition = b.Edition("GM0344", 2025, tmp_path / "build" / "editions")
    took = threading.Event()

    def take():
        with b._locked(edition):
            took.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    assert took.wait(5), "the lock of the killed build is still held"


def test_ctrl_c_stops_with_one_line(tmp_path):
    proc, pids = _start(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole foreground group
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("Ctrl-C did not stop the build")
    assert proc.returncode == 130
    assert "Traceback" not in err and "Task exception" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Stopped"), err
    assert _gone([pids["worker"], pids["kernel"]]) == []


def test_a_waiting_build_says_for_whom(tmp_path, capsys):
    edition = b.Edition("u16", 2025, tmp_path)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with b._locked(edition):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert holding.wait(5)
    threading.Timer(1.0, release.set).start()
    with b._locked(edition):
        pass
    out = capsys.readouterr().out
    assert "waiting" in out and f"pid {os.getpid()}" in out and "started" in out and "u16 2025" in out


def test_publishing_uses_unique_temporary_folders(tmp_path, monkeypatch):
    """Two builds of different regions publish to the same folder: each through its own temporary
    folder, in turns; the result is one whole site and no temporary folder is left."""
    sites = []
    for name in ("a", "b"):
        edition = b.Edition(name, 2025, tmp_path / "editions")
        edition.html.mkdir(parents=True)
        (edition.html / "index.html").write_text(name)
        for i in range(200):
            (edition.html / f"page{i}.html").write_text(name * 1000)
        sites.append(edition)
    made = []
    real = b.tempfile.mkdtemp
    monkeypatch.setattr(b.tempfile, "mkdtemp", lambda **kw: made.append(real(**kw)) or made[-1])
    out = tmp_path / "html"
    errors = []

    def publish(edition):
        try:
            for _ in range(3):
                b.publish(edition, out)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(e,)) for e in sites]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(made)) == len(made)
    content = {p.read_text()[:1] for p in out.glob("*.html")}
    assert len(content) == 1  # one whole site, not a mix
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["editions", "html", ".html.publish.lock"])
