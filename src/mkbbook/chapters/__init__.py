"""One module per chapter: ``compute(region, year, settings=None) -> Chapter`` (see mkbbook.result).

Chapter functions are wrapped by :func:`chapter`: the region may be given by its key, settings
default to data/settings.yml, and results are cached, in the process and, during a build, on disk
by content key, so the summary and the recommendations compose the chapters' results without
computing them again. Chapters never read files themselves; the domain modules do.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import pickle
from pathlib import Path

from .. import settings as settings_module
from ..regions import Region, resolve
from ..result import Chapter

CONTENT_KEY_ENV = "MKB_CONTENT_KEY"  # set by the build: package code + curated data + data snapshot
CACHE_DIR_ENV = "MKB_CHAPTER_CACHE"  # set by the build: where chapter results are kept between kernels


def chapter(fn):
    """Decorate a chapter function ``fn(area: Region, year: int, settings: Settings) -> Chapter``."""
    memory: dict = {}

    @functools.wraps(fn)
    def compute(region: Region | str, year: int, settings: settings_module.Settings | None = None) -> Chapter:
        area = resolve(region) if isinstance(region, str) else region
        settings = settings or settings_module.load()
        key = (area.key, int(year), settings.digest)
        if key not in memory:
            memory[key] = _from_disk(fn, area, int(year), settings)
        return memory[key]

    compute.uncached = fn
    return compute


def cache_folder(root: Path, content_key: str) -> Path:
    """The folder of one content key inside the cache (the build removes those of other keys)."""
    return Path(root) / content_key[:24]


def _from_disk(fn, area: Region, year: int, settings) -> Chapter:
    content, folder = os.environ.get(CONTENT_KEY_ENV), os.environ.get(CACHE_DIR_ENV)
    if not content or not folder:
        return fn(area, year, settings)
    name = hashlib.sha256(f"{fn.__module__}|{area.key}|{year}|{settings.digest}|{content}".encode()).hexdigest()
    path = cache_folder(Path(folder), content) / f"{fn.__module__.rsplit('.', 1)[-1]}-{name[:20]}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    # One kernel computes an entry, others wait and read it (a lock per entry; chapters only lock the
    # chapters they depend on while holding their own, so the locks follow the chapters' order).
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            try:
                return pickle.loads(path.read_bytes())
            except Exception:  # an unreadable cache entry is recomputed
                pass
        result = fn(area, year, settings)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(result))
        os.replace(tmp, path)
        return result
