"""Many editions at once (make books): one edition per region, in parallel, plus an index page.

Each edition keeps its own cache (_build/editions/<region>-<year>), so a rerun
redoes only what changed for that region. Editions run in separate processes,
at most one per core; inside an edition the notebooks run one after another so
that the number of kernels never exceeds the number of cores.
"""

from __future__ import annotations

import html
import os
import shutil
import time
from pathlib import Path

from . import build as b
from .regions import all_regions, resolve

SHORTCUTS = {"provincies": "provincie", "coropgebieden": "corop"}  # all 12 provinces, all 40 COROP regions


def expand(names: list[str]) -> list[str]:
    """Region keys, with the shortcuts 'provincies' and 'coropgebieden'; unknown names fail early."""
    out = []
    for name in names:
        if name in SHORTCUTS:
            out += sorted(k for k, r in all_regions().items() if r.kind == SHORTCUTS[name])
        else:
            out.append(resolve(name).key)  # raises DataError listing the valid names; gm0344 -> GM0344
    return list(dict.fromkeys(out))


def _one(region: str, year: int, strict: bool) -> tuple[str, float]:
    started = time.monotonic()
    b.build(region, year, strict=strict, out=None, jobs=1)
    return region, time.monotonic() - started


def write_index(out: Path, year: int, keys: list[str]) -> None:
    items = "\n".join(
        f'    <li><a href="{html.escape(k)}/index.html">{html.escape(resolve(k).name)}</a></li>' for k in keys)
    page = f"""<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Digitale transitie van het mkb: edities per regio ({year})</title>
<style>body{{font-family:Helvetica,Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}</style>
</head>
<body>
<h1>Digitale transitie van het mkb: edities per regio</h1>
<p>Elke editie is hetzelfde boek, berekend voor één regio met de gegevens van {year}.</p>
<ul>
{items}
</ul>
</body>
</html>
"""
    (out / "index.html").write_text(page, encoding="utf-8")


def build_books(names: list[str], year: int, *, strict: bool = True, jobs: int | None = None,
                out: Path | None = None) -> dict[str, float]:
    """Build every edition (in parallel up to `jobs` processes), copy them under `out` with an index page."""
    keys = expand(names)
    out = Path(out or b.BUILD_DIR / "books")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(keys)))
    from . import checks, mirror

    mirror.validate()  # once, before any process starts
    checks.check_curated()
    checks.check_year(year)
    times: dict[str, float] = {}
    if jobs == 1:
        for key in keys:
            times.update([_one(key, year, strict)])
    else:
        pool = b.worker_pool(jobs)  # spawned workers that die with this process (see build.worker_pool)
        try:
            futures = [pool.submit(_one, key, year, strict) for key in keys]
            for future in futures:
                times.update([future.result()])
        except BaseException:
            b.stop_pool(pool)
            raise
        pool.shutdown(wait=True)
    out.mkdir(parents=True, exist_ok=True)
    for key in keys:
        b.publish(b.Edition(key, year), out / key)
    write_index(out, year, keys)
    stale = [p for p in out.iterdir() if p.is_dir() and p.name not in keys]
    for path in stale:
        shutil.rmtree(path)
    b.log(f"{len(keys)} edition(s) in {out} (index: {out / 'index.html'})")
    return times
