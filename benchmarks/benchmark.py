"""Build-speed benchmark (on demand, not in CI): `make benchmark` or `.venv/bin/python benchmarks/benchmark.py`.

Reports, on this machine: a clean build of one region, a no-op rebuild, a
rebuild after one notebook changed, and the 12-province batch sequential vs
parallel, as times and ratios, with the peak memory of the whole process tree.
Everything is built in a temporary MKB_BUILD_DIR, so the user's _build/ is
untouched (the "one notebook changed" case forgets that notebook's content key).

    benchmarks/benchmark.py            # everything (about half an hour)
    benchmarks/benchmark.py --quick    # one edition: clean, no-op, one notebook changed (about a minute)
    benchmarks/benchmark.py --batch provincies coropgebieden   # issue 10's batch of 52 editions

Run it on a quiet machine: the figures are wall-clock times. Targets (issue 10): clean build at most
15 s and no-op rebuild at most 1 s on 2 cores; at most 11.5 s per edition in a batch of the 12 provinces
and 40 COROP regions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable


def run(args, build_dir: Path) -> tuple[float, float]:
    """Run `python -m mkbbook ARGS`; return (seconds, peak RSS of the whole process tree in GiB)."""
    env = dict(os.environ, MKB_BUILD_DIR=str(build_dir))
    started = time.monotonic()
    proc = psutil.Popen([PY, "-m", "mkbbook", *args], cwd=REPO, env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            try:
                procs = [proc] + proc.children(recursive=True)
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    done.set()
    thread.join()
    if proc.returncode:
        raise SystemExit(f"mkbbook {' '.join(args)} failed:\n{err[-3000:]}")
    return time.monotonic() - started, peak / 2**30


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one edition only, no batch of provinces")
    parser.add_argument("--region", default="provincie-utrecht")
    parser.add_argument("--lenient", action="store_true", help="let Sphinx warnings pass (work in progress)")
    parser.add_argument("--batch", nargs="+", default=["provincies"],
                        help="regions of the batch (default: the 12 provinces; issue 10's target uses "
                             "'provincies coropgebieden', 52 editions)")
    args = parser.parse_args(argv)
    edition = ["build", "--region", args.region, "--out", ""] + (["--lenient"] if args.lenient else [])
    results = {"machine": f"{platform.node()}: {os.cpu_count()} cores, "
                          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"}
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one"
        results["clean_s"], results["clean_peak_gib"] = run(edition, one)
        results["noop_s"], _ = run(edition, one)
        # one chapter to execute again (its content key forgotten; the repository stays untouched)
        stamp = one / "editions" / f"{args.region}-2025" / "stamps" / "01_bedrijvigheid.key"
        stamp.write_text("changed")
        results["one_notebook_s"], _ = run(edition, one)
        if args.quick:
            return _report(results)
        # The baseline does the same work as the batch: every edition, one after another, each built the
        # way `make book` builds one (notebooks in parallel on all cores).
        from mkbbook.batch import expand

        regions = expand(args.batch)
        results["batch_editions"] = len(regions)
        started, peak = time.monotonic(), 0.0
        for region in regions:
            _, p = run(["build", "--region", region, "--out", ""], Path(tmp) / "seq")
            peak = max(peak, p)
        results["batch_sequential_s"], results["batch_sequential_peak_gib"] = time.monotonic() - started, peak
        results["batch_parallel_s"], results["batch_parallel_peak_gib"] = run(["books", *args.batch], Path(tmp) / "par")
    _report(results)


def _report(results: dict) -> None:
    results["noop_ratio"] = results["noop_s"] / results["clean_s"]
    results["one_notebook_ratio"] = results["one_notebook_s"] / results["clean_s"]
    if "batch_parallel_s" in results:
        results["parallel_speedup"] = results["batch_sequential_s"] / results["batch_parallel_s"]
        results["batch_s_per_edition"] = results["batch_parallel_s"] / results["batch_editions"]
        results["sequential_s_per_edition"] = results["batch_sequential_s"] / results["batch_editions"]
    for key, value in results.items():
        print(f"{key:28s} {value:.3f}" if isinstance(value, float) else f"{key:28s} {value}")
    out = REPO / "_build" / "benchmark.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
