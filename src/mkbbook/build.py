"""Build one edition of the book: validate, execute notebooks with papermill, run Jupyter Book.

An edition is the book for one region and year. It lives in
``_build/editions/<region>-<year>/``: ``src/`` is the Jupyter Book root (the
static pages, a per-edition ``_config.yml`` and the executed notebooks),
``_build/html`` its site. A notebook is re-executed only when its content
key changes (the notebook, its parameters, the package code, the curated
data or the mirror snapshot); Sphinx runs only when a file of ``src/``
changed. Work happens in temporary files that replace the old ones only
after they succeeded, so a failure never leaves a half-written edition.

Guarantees (tests/test_build.py): every build publishes exactly what the current
inputs produce (no file of an earlier build survives in the site, the CSV
downloads or the notebooks zip); an incremental rebuild gives the same bytes as
a clean one (the published notebooks carry no times, durations, random ids or
build paths); a build killed with SIGKILL leaves no lock and no workers behind
(the lock dies with its owner, workers and kernels die with their parent); a
build that waits for a lock says for whom.

Notebooks run in worker processes that each keep one kernel for all the
notebooks they execute (the stack is imported once per worker, not once per
notebook); each notebook starts from an empty namespace in its own folder. The
kernels get the chapter cache (MKB_CONTENT_KEY, MKB_CHAPTER_CACHE), so chapter
results computed by one notebook are read, not recomputed, by the others.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

import yaml

from .errors import DataError
from .paths import DATA_DIR, REPO_ROOT

# mirror, checks and regions import pandas: loaded when needed, so a build with nothing to do stays fast

BUILD_DIR = Path(os.environ.get("MKB_BUILD_DIR") or REPO_ROOT / "_build")  # benchmarks build elsewhere
EDITIONS_DIR = BUILD_DIR / "editions"
NOTEBOOK_DIR = Path(os.environ.get("MKB_NOTEBOOK_DIR") or REPO_ROOT / "notebooks")  # tests use their own
CHAPTER_DIR = "book/chapters"  # inside an edition's src/
PDF_NAME = "mkb-digitalisering.pdf"  # the whole book (make pdf), at the root of the site
PACKAGES = ["jupyter-book", "sphinx", "myst-nb", "pandas", "geopandas", "altair", "vl-convert-python",
            "papermill", "nbval"]


class BuildError(Exception):
    """A step of the build failed; the message says which and where to look."""


def log(message: str) -> None:
    print(f"[mkbbook] {message}", flush=True)


def _hash_files(paths, base: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _files(root: Path, pattern: str = "**/*") -> list[Path]:
    return [p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts]


def chapters() -> list[str]:
    """Notebook names in the order of _toc.yml (entries under book/chapters/)."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [f.split("/")[-1] for f in files if f.startswith(CHAPTER_DIR + "/")]


@dataclass
class Edition:
    region: str
    year: int
    base: Path | None = None  # the editions folder (default EDITIONS_DIR); travels with the edition to workers

    @property
    def root(self) -> Path:
        return (self.base or EDITIONS_DIR) / f"{self.region}-{self.year}"

    @property
    def src(self) -> Path:
        return self.root / "src"

    @property
    def html(self) -> Path:
        return self.root / "_build" / "html"

    @property
    def params(self) -> dict:
        return {"region": self.region, "year": self.year}


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the content differs, so unchanged files keep their time stamp (Sphinx rebuilds less)."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def _edition_config(edition: Edition, region_name: str, pdf: bool = False) -> bytes:
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    config["title"] = f"{config['title'].split(' in de regio')[0]} in {region_name}"
    config.setdefault("parse", {})["myst_substitutions"] = {"regio": region_name, "jaar": edition.year}
    if pdf:  # the PDF of exactly these sources is in src/: Sphinx copies it to the site root
        config.setdefault("sphinx", {}).setdefault("config", {})["html_extra_path"] = [PDF_NAME]
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False).encode()


def sync_sources(edition: Edition, region_name: str) -> None:
    """Copy the static book pages and the toc into the edition root (the build writes _config.yml)."""
    src = edition.src
    wanted = set()
    for path in _files(REPO_ROOT / "book"):
        rel = path.relative_to(REPO_ROOT)
        if rel.parts[:2] == ("book", "chapters"):
            continue
        wanted.add(rel)
        _write_if_changed(src / rel, path.read_bytes())
    _write_if_changed(src / "_toc.yml", (REPO_ROOT / "_toc.yml").read_bytes())
    _write_if_changed(src / "book" / "_static" / "vendor" / "vega-bundle.js", _cached_vega_bundle())
    # remove pages that no longer exist in book/ (but keep generated ones)
    for path in _files(src / "book"):
        rel = path.relative_to(src)
        generated = rel.parts[:2] == ("book", "chapters") or "vendor" in rel.parts or rel.name == "colofon.md"
        if not generated and rel not in wanted:
            path.unlink()


def _cached_vega_bundle() -> bytes:
    """The chart scripts, made once per version of vl-convert and of our wrapper (takes seconds). Kept
    in the user's cache folder, so `make clean` does not make the next build wait for them again."""
    from .vega import BUNDLE_REVISION, vega_bundle

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mkbbook"
    name = f"vega-bundle-{metadata.version('vl-convert-python')}-r{BUNDLE_REVISION}.js"
    path = cache / name
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:  # no writable home: keep it with the build
        path = BUILD_DIR / "vendor" / name
    if not path.exists():
        _write_if_changed(path, vega_bundle().encode())
    return path.read_bytes()


def code_fingerprint(snapshot) -> str:
    """Changes when the package code, the curated data or the mirror snapshot changes."""
    package = _hash_files(_files(REPO_ROOT / "src" / "mkbbook", "**/*.py"), REPO_ROOT)
    curated = _hash_files(_files(DATA_DIR), REPO_ROOT)
    return hashlib.sha256(f"{package}{curated}{snapshot.fingerprint}".encode()).hexdigest()


# ---------------------------------------------------------------- published notebooks: content only

VOLATILE_NB_METADATA = ("papermill", "widgets")  # run times, durations, absolute paths, parameters again
VOLATILE_CELL_METADATA = ("execution", "papermill", "scrolled", "collapsed")


def normalise_notebook(nb, scratch: Path | None = None):
    """Keep what is content: hide the parameter cells from readers (they stay for nbval), drop run
    times, durations and papermill's bookkeeping, give every cell a stable id and strip the
    absolute build folder from outputs, so the same inputs give the same bytes."""
    from nbformat import NotebookNode

    nb.metadata = NotebookNode({k: v for k, v in nb.metadata.items() if k not in VOLATILE_NB_METADATA})
    roots = [str(p) for p in (scratch, REPO_ROOT, BUILD_DIR) if p is not None]
    seen: set = set()
    for index, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            cell.metadata["tags"] = tags = tags + ["remove-cell"]
        cell.metadata = NotebookNode({k: v for k, v in cell.metadata.items() if k not in VOLATILE_CELL_METADATA})
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif not cell.get("id") or cell["id"] in seen:
            cell["id"] = f"cell-{index}"
        seen.add(cell["id"])
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and isinstance(output.get("text"), str):
                for root in roots:
                    output["text"] = output["text"].replace(root, ".")
    return nb


def _mark_plumbing(nb_path: Path, scratch: Path | None = None) -> None:
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    nbformat.write(normalise_notebook(nb, scratch), nb_path)


# ---------------------------------------------------------------- notebook execution

def _ipc_kernel_manager():
    """A kernel manager that talks to its kernel over local sockets in the scratch folder, not TCP
    ports: parallel kernels cannot race for a port (papermill#511) and nothing listens on the network."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(transport="ipc", **kwargs)

        async def start_kernel(self, **kwargs):
            # The kernel's own start-up and shutdown chatter is noise here; cell errors reach the notebook.
            kwargs.setdefault("stderr", subprocess.DEVNULL)
            return await super().start_kernel(**kwargs)

    return IPCKernelManager


_KERNEL: dict = {}  # per worker process: one kernel (manager and client) for every notebook it runs


def _prelude(cwd: Path) -> str:
    """Run before each notebook in the shared kernel: an empty namespace, its own folder, warnings anew."""
    return ("%reset -f\nimport os as _os, warnings as _warnings\n"
            f"_os.chdir({str(cwd)!r})\n_warnings.resetwarnings()\n_warnings.simplefilter('default')\n"
            "_warnings.filterwarnings('ignore', category=DeprecationWarning)\n"
            "_warnings.filterwarnings('ignore', category=PendingDeprecationWarning)\n"
            "_warnings.filterwarnings('ignore', category=ImportWarning)\n"
            "_warnings.filterwarnings('ignore', category=ResourceWarning)\n"
            "del _os, _warnings")


def _shutdown_kernel() -> None:
    km, sockets = _KERNEL.pop("km", None), _KERNEL.pop("sockets", None)
    _KERNEL.clear()
    if km is not None:
        try:
            from jupyter_core.utils import run_sync

            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # the kernel is gone already; its parent poller ends it anyway
            pass
    if sockets is not None:
        shutil.rmtree(sockets, ignore_errors=True)


def run_notebook(source: Path, out: Path, params: dict, cwd: Path, start_dir: Path) -> None:
    """Execute `source` with `params` injected (as papermill does) in this process's shared kernel;
    write the result to `out` (also when a cell fails: NotebookError says which)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(source)), params, kernel_name="python3", language="python")
    nb.cells.insert(0, nbformat.v4.new_code_cell(_prelude(cwd), id="mkb-prelude"))
    # back to a folder that stays (the scratch folder is removed after the notebook)
    nb.cells.append(nbformat.v4.new_code_cell(f"import os as _os\n_os.chdir({str(start_dir)!r})\ndel _os",
                                              id="mkb-postlude"))
    if "km" not in _KERNEL:
        import atexit

        sockets = Path(tempfile.mkdtemp(prefix="mkb-kernel-"))  # short absolute path: a socket name has ~100 bytes
        _KERNEL["km"] = _ipc_kernel_manager()(kernel_name="python3", ip=str(sockets / "k"))
        _KERNEL["sockets"] = sockets
        atexit.register(_shutdown_kernel)
    client = NotebookClient(nb, km=_KERNEL["km"], kernel_name="python3", timeout=1800, allow_errors=False,
                            resources={"metadata": {"path": str(start_dir)}})
    client.kc = _KERNEL.get("kc")
    error = None
    try:
        client.execute()
    except (CellExecutionError, DeadKernelError, RuntimeError, TimeoutError) as exc:
        error = exc
    finally:
        if "km" in _KERNEL:
            _KERNEL["kc"] = client.kc
    if error is not None:
        _shutdown_kernel()  # the next notebook gets a fresh kernel, whatever state this one left
    nb.cells.pop(0)
    nb.cells.pop()
    for cell in nb.cells:  # counts as if the notebook ran alone
        if cell.cell_type == "code" and cell.get("execution_count"):
            cell.execution_count -= 1
            for output in cell.outputs:
                if output.get("execution_count"):
                    output["execution_count"] -= 1
    nbformat.write(nb, out)
    if error is not None:
        raise NotebookError(error, nb)


class NotebookError(Exception):
    """A cell failed; `cell` is its number (as the notebook shows it), `ename`/`evalue` the error."""

    def __init__(self, error, nb):
        self.ename = getattr(error, "ename", type(error).__name__)
        self.evalue = getattr(error, "evalue", str(error))
        self.cell = None
        for cell in nb.cells:
            if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                self.cell = cell.get("execution_count")
        super().__init__(f"{self.ename}: {self.evalue}")


def _chapter_files(edition: Edition, name: str) -> Path:
    return edition.root / "stamps" / f"{name}.files"


def execute_notebook(name: str, edition: Edition, key: str) -> str:
    """Run notebooks/<name>.ipynb in a scratch folder; move the results in on success, with the list of
    the chapter's CSV files (see prune_generated)."""
    scratch = edition.root / "tmp" / name
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    out = scratch / f"{name}.ipynb"
    try:
        run_notebook(NOTEBOOK_DIR / f"{name}.ipynb", out, edition.params, scratch, edition.root / "tmp")
    except NotebookError as exc:
        failed = edition.root / "failed" / f"{name}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            shutil.copy(out, failed)
        last = (exc.evalue or "").strip().splitlines()[-1:] or [exc.ename]
        raise BuildError(f"notebook {name} failed in cell {exc.cell}: {exc.ename}: {last[0]}\n"
                         f"  The executed notebook with the full error is in {failed}") from None
    _mark_plumbing(out, scratch)
    chapter_dir = edition.src / CHAPTER_DIR
    written = sorted(csv.name for csv in _files(scratch / "data", "*.csv"))
    manifest = _chapter_files(edition, name)
    # Files this chapter no longer writes are removed by prune_generated once every chapter has run:
    # another chapter may write that name now.
    for csv in written:
        _write_if_changed(chapter_dir / "data" / csv, (scratch / "data" / csv).read_bytes())
    _write_if_changed(chapter_dir / f"{name}.ipynb", out.read_bytes())
    manifest.parent.mkdir(exist_ok=True)
    manifest.write_text("\n".join(written) + "\n")
    (edition.root / "stamps" / f"{name}.key").write_text(key)
    shutil.rmtree(scratch, ignore_errors=True)
    return name


def prune_generated(edition: Edition) -> list[Path]:
    """Remove generated files no current chapter owns: CSVs of earlier runs, notebooks of chapters
    that left the toc. Returns what was removed."""
    names = chapters()
    chapter_dir = edition.src / CHAPTER_DIR
    owned: dict[str, str] = {}
    for name in names:
        manifest = _chapter_files(edition, name)
        for csv in manifest.read_text().split() if manifest.exists() else []:
            if csv in owned:  # one download would silently hold another page's data
                raise BuildError(f"notebooks {owned[csv]} and {name} both write data/{csv}: give one of the "
                                 "exhibits another key")
            owned[csv] = name
    removed = [p for p in _files(chapter_dir / "data") if p.name not in owned]
    removed += [p for p in _files(chapter_dir, "*.ipynb") if p.stem not in names]
    removed += [p for p in _files(edition.root / "stamps", "*.files") + _files(edition.root / "stamps", "*.key")
                if p.suffix in (".files", ".key") and p.stem not in names + ["site", "pages", "pdf", "zip"]]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _worker_init(parent: int) -> None:
    """In each notebook worker: die with the build (SIGKILL included), ignore the terminal's Ctrl-C
    (the build stops the workers itself), run in an own process group with its kernel."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.setpgrp()
    except OSError:
        pass


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes that hold no lock of the build (spawned, not forked) and die with it."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(os.getpid(),))


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop at once: cancel what waits, kill the workers and their kernels (their process groups)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        for kill in (lambda: os.killpg(process.pid, signal.SIGKILL), lambda: os.kill(process.pid, signal.SIGKILL)):
            try:
                kill()
            except (ProcessLookupError, PermissionError, OSError):
                pass


@contextmanager
def chapter_cache(edition: Edition, fingerprint: str):
    """Let kernels share chapter results: MKB_CONTENT_KEY and MKB_CHAPTER_CACHE for the workers; the
    cache keeps only entries of the current content key."""
    from .chapters import CACHE_DIR_ENV, CONTENT_KEY_ENV, cache_folder

    root = edition.root / "cache"
    keep = cache_folder(root, fingerprint)
    if root.exists():
        for entry in root.iterdir():
            if entry != keep:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    old = {k: os.environ.get(k) for k in (CONTENT_KEY_ENV, CACHE_DIR_ENV)}
    os.environ[CONTENT_KEY_ENV], os.environ[CACHE_DIR_ENV] = fingerprint, str(root)
    try:
        yield keep
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _composition_depth(name: str) -> int:
    """How deep the chapter modules a notebook uses build on other chapters (0: on none). Notebooks
    run shallowest first, so the summary finds the chapters it composes already computed."""
    import re

    folder = Path(__file__).with_name("chapters")

    def uses(module: str) -> set:
        path = folder / f"{module}.py"
        if not path.exists():
            return set()
        found = set()
        for line in re.findall(r"^from \. import (.+)$", path.read_text(), re.M):
            found.update(m.strip() for m in line.split(","))
        return {m for m in found if (folder / f"{m}.py").exists() and m != module}

    def depth(module: str, seen=frozenset()) -> int:
        deps = uses(module) - seen
        return 1 + max((depth(m, seen | {module}) for m in deps), default=-1)

    source = (NOTEBOOK_DIR / f"{name}.ipynb").read_text(encoding="utf-8")
    modules = re.findall(r"from mkbbook\.chapters import ([a-z_]+)", source)
    return max((depth(m) for m in modules), default=0)


def execute_notebooks(edition: Edition, fingerprint: str, jobs: int) -> list[str]:
    """Execute the chapters whose key changed, in parallel up to `jobs` workers; return their names."""
    todo = []
    for name in chapters():
        source = NOTEBOOK_DIR / f"{name}.ipynb"
        if not source.exists():
            raise BuildError(f"_toc.yml names {CHAPTER_DIR}/{name}, but notebooks/{name}.ipynb does not exist")
        key = hashlib.sha256(source.read_bytes() + json.dumps(edition.params, sort_keys=True).encode()
                             + fingerprint.encode()).hexdigest()
        stamp = edition.root / "stamps" / f"{name}.key"
        executed = edition.src / CHAPTER_DIR / f"{name}.ipynb"
        if executed.exists() and stamp.exists() and stamp.read_text() == key and _chapter_files(edition, name).exists():
            continue
        todo.append((name, key))
    if not todo:
        prune_generated(edition)
        return []
    todo.sort(key=lambda item: _composition_depth(item[0]))  # stable: toc order within a depth
    log(f"executing {len(todo)} notebook(s): {', '.join(n for n, _ in todo)}")
    (edition.root / "tmp").mkdir(parents=True, exist_ok=True)
    with chapter_cache(edition, fingerprint):
        pool = worker_pool(max(1, min(jobs, len(todo))))
        try:
            futures = [pool.submit(execute_notebook, name, edition, key) for name, key in todo]
            done = [f.result() for f in futures]
        except BaseException:
            stop_pool(pool)
            raise
        pool.shutdown(wait=True)
    prune_generated(edition)
    return done


def _git_state() -> tuple[str, bool]:
    """The short commit and whether the working tree had changes (tracked or new files)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--", ".", ":!_build", ":!.venv"], cwd=REPO_ROOT,
                                capture_output=True, text=True, timeout=20).stdout.strip()
        return head or "onbekend", bool(status)
    except (OSError, subprocess.SubprocessError):
        return "onbekend", False


def _git_commit() -> str:
    head, dirty = _git_state()
    return head


def notebook_archive(edition: Edition) -> Path:
    return edition.src / CHAPTER_DIR / f"notebooks-{edition.region}-{edition.year}.zip"


def write_notebook_archive(edition: Edition) -> Path:
    """A zip of the edition's executed notebooks and the CSV files of their figures, for researchers
    (linked from the colophon). Same content, same bytes: entries are sorted and dated 1980-01-01."""
    chapter_dir = edition.src / CHAPTER_DIR
    files = [chapter_dir / f"{name}.ipynb" for name in chapters()] + sorted(_files(chapter_dir / "data", "*.csv"))
    readme = (f"Uitgevoerde notebooks van de editie {edition.region} {edition.year}.\n"
              f"Opnieuw maken: make book REGION={edition.region} YEAR={edition.year}\n").encode()
    files = [f for f in files if f.exists()]
    key = hashlib.sha256(readme + _hash_files(files, chapter_dir).encode()).hexdigest()
    stamp = edition.root / "stamps" / "zip.key"
    others = [old for old in _files(chapter_dir, "notebooks-*.zip") if old != notebook_archive(edition)]
    if notebook_archive(edition).exists() and stamp.exists() and stamp.read_text() == key and not others:
        return notebook_archive(edition)  # same content: compressing again would give the same bytes
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, data in [("LEESMIJ.txt", readme)] + [(f.relative_to(chapter_dir).as_posix(), f.read_bytes())
                                                         for f in files]:
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, data)
    for old in _files(chapter_dir, "notebooks-*.zip"):  # an archive of another name is not this edition's
        if old != notebook_archive(edition):
            old.unlink()
    _write_if_changed(notebook_archive(edition), buffer.getvalue())
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(key)
    return notebook_archive(edition)


# ---------------------------------------------------------------- the PDF belongs to exactly one set of sources

def pdf_key(edition: Edition, region_name: str, snapshot) -> str:
    """What the PDF was made from: the edition's sources as they are without the PDF (the config
    and colophon in their no-PDF form)."""
    skip = {Path(PDF_NAME), Path("_config.yml"), Path("book/appendix/colofon.md")}
    sources = [p for p in _files(edition.src) if p.relative_to(edition.src) not in skip
               and "_build" not in p.relative_to(edition.src).parts]
    digest = hashlib.sha256(_hash_files(sources, edition.src).encode())
    digest.update(_edition_config(edition, region_name, pdf=False))
    digest.update(colophon_text(edition, region_name, snapshot, pdf=False).encode())
    return digest.hexdigest()


def current_pdf(edition: Edition, region_name: str, snapshot) -> bool:
    """Whether the edition holds a PDF of exactly its current sources; a stale PDF is removed."""
    pdf, stamp = edition.src / PDF_NAME, edition.root / "stamps" / "pdf.key"
    if pdf.exists() and stamp.exists() and stamp.read_text() == pdf_key(edition, region_name, snapshot):
        return True
    pdf.unlink(missing_ok=True)
    stamp.unlink(missing_ok=True)
    return False


# ---------------------------------------------------------------- colophon

def _settings_rows() -> tuple[str, str]:
    from .settings import SETTINGS_FILE

    if not SETTINGS_FILE.exists():
        return "", ""
    data = SETTINGS_FILE.read_bytes()
    return hashlib.sha256(data).hexdigest(), data.decode("utf-8")


def colophon_text(edition: Edition, region_name: str, snapshot, *, pdf: bool) -> str:
    rows = "\n".join(f"| `{name}` | `{digest[:16]}…` |" for name, digest in sorted(snapshot.checksums.items()))
    versions = "\n".join(f"| {p} | {metadata.version(p)} |" for p in PACKAGES)
    head, dirty = _git_state()
    commit = f"`{head}`" + (" (met lokale wijzigingen: niet vastgelegde bestanden)" if dirty else "")
    pdf_line = (f"\n- <span class=\"mkb-web-only\"><a href=\"../../{PDF_NAME}\">Het hele boek als pdf ({PDF_NAME})</a>, "
                "om te printen of offline te lezen.</span>") if pdf else ""
    settings_digest, settings_text = _settings_rows()
    settings = ""
    if settings_digest:
        fence = "`" * max(3, max((len(r) for r in settings_text.split("\n") if set(r) == {"`"}), default=0) + 1)
        settings = f"""
## Analysekeuzes (data/settings.yml)

De keuzes van de analyse (zoals de ambitie per jaar en de gewichten van de sectorscore) staan in één
bestand. SHA-256-controlegetal: `{settings_digest[:16]}…`. De inhoud:

{fence}yaml
{settings_text.rstrip()}
{fence}
"""
    return f"""# Colofon

Deze editie van het boek is gemaakt met de volgende instellingen en gegevens.

## Parameters

| Parameter | Waarde |
|---|---|
| Regio | {region_name} (`{edition.region}`) |
| Jaar | {edition.year} |
| Git-commit | {commit} |

Opnieuw maken: `make book REGION={edition.region} YEAR={edition.year}`.

## Downloads

- {{download}}`De uitgevoerde notebooks van deze editie (zip) <../chapters/{notebook_archive(edition).name}>`,
  met de CSV-bestanden achter de figuren: voor wie de berekeningen wil nalopen of hergebruiken.{pdf_line}
{settings}
## Gegevens (datasnapshot)

Vingerafdruk van de snapshot: `{snapshot.fingerprint[:16]}`. De bestanden en hun SHA-256-controlegetal:

| Bestand | SHA-256 |
|---|---|
{rows}

Bronnen: openbare gegevens van het CBS, Eurostat en PDOK/Kadaster, alle onder CC BY 4.0.

## Software

| Pakket | Versie |
|---|---|
{versions}
| Python | {sys.version.split()[0]} |
"""


def write_colophon(edition: Edition, region_name: str, snapshot, pdf: bool = False) -> None:
    """The colophon page: parameters, settings, data snapshot, package versions, commit and build date.
    The date changes only with the content (a rebuild of the same inputs keeps the same bytes)."""
    body = colophon_text(edition, region_name, snapshot, pdf=pdf)
    path = edition.src / "book" / "appendix" / "colofon.md"
    marker = "\nGebouwd op: "
    old = path.read_text() if path.exists() else ""
    if old.split(marker)[0] != body:
        _write_if_changed(path, (body + marker + _build_date() + ".\n").encode())


def _build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible-builds convention
    if epoch and epoch.isdigit():
        return datetime.utcfromtimestamp(int(epoch)).date().isoformat()
    return date.today().isoformat()


# ---------------------------------------------------------------- Sphinx and publishing

def _site_code_key() -> str:
    """The package parts that shape the HTML itself (not the notebooks): extension and templates."""
    here = Path(__file__).parent
    return _hash_files([here / "sphinx_ext.py"] + _files(here / "templates"), here)


def run_sphinx(edition: Edition, strict: bool) -> bool:
    """Build the site when a source file changed; return whether Sphinx ran. When a source file
    disappeared the site is built from scratch, so no page or download of it survives."""
    sources = [p for p in _files(edition.src) if "_build" not in p.relative_to(edition.src).parts]
    key = _hash_files(sources, edition.src) + str(strict) + _site_code_key()
    stamp = edition.root / "stamps" / "site.key"
    if (edition.html / "index.html").exists() and stamp.exists() and stamp.read_text() == key:
        return False
    names = "\n".join(sorted(str(p.relative_to(edition.src)) for p in sources))
    names_stamp = edition.root / "stamps" / "pages.key"
    if not names_stamp.exists() or names_stamp.read_text() != names:
        shutil.rmtree(edition.root / "_build", ignore_errors=True)  # a file was removed or added: no stale output
    log("building the book with Jupyter Book" + (" (warnings are errors)" if strict else ""))
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(edition.src),
           "--path-output", str(edition.root)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    stamp.unlink(missing_ok=True)
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        (edition.root / "sphinx.log").write_text(result.stdout + result.stderr)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise BuildError(f"Jupyter Book failed (full log: {edition.root / 'sphinx.log'}):\n{tail}")
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(key)
    names_stamp.write_text(names)
    return True


def publish(edition: Edition, out: Path) -> None:
    """Replace `out` by the edition's site in one step (a reader never sees half a site). Builds that
    publish to the same place take turns (a lock next to it); temporary folders have unique names."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(out.parent / f".{out.name}.publish.lock", f"publishing {out}"):
        tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.new-"))
        old = None
        try:
            shutil.copytree(edition.html, tmp, dirs_exist_ok=True)
            tmp.chmod(0o755)
            if out.exists():
                old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
                os.replace(out, old / out.name)
            os.replace(tmp, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        for leftover in out.parent.glob(f".{out.name}.*-*"):  # of a publisher that was killed halfway
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def _file_lock(path: Path, purpose: str):
    """An exclusive lock that dies with its owner (flock on a descriptor no child process inherits).
    A process that has to wait says so, and for whom (pid and start time written by the holder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 500, 0).decode("utf-8", "replace").strip() or "another process"
            log(f"waiting: {holder} is {purpose} (lock {path}); this build continues when it ends")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} (started {datetime.now().isoformat(timespec='seconds')})\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock; so does the death of this process


@contextmanager
def _locked(edition: Edition):
    """One build per edition at a time: a second `make book` for the same edition waits."""
    with _file_lock(edition.root / ".lock", f"building {edition.region} {edition.year}"):
        yield


def _inputs_key(region: str, year: int, strict: bool) -> str | None:
    """Everything a build reads, cheaply: the bytes of the code, notebooks, pages and curated data, the
    size and time of each mirror file (validated when they last changed), packages, git state."""
    from .paths import mirror_dir

    try:
        mirror_root = mirror_dir()
    except DataError:
        return None
    here = Path(__file__).parent
    digest = hashlib.sha256(f"{region}|{year}|{strict}|{EDITIONS_DIR}|{NOTEBOOK_DIR}|{_git_state()}".encode())
    for root in (here, DATA_DIR, NOTEBOOK_DIR, REPO_ROOT / "book"):
        digest.update(_hash_files(_files(root), root).encode())
    for name in ("_toc.yml", "_config.yml"):
        digest.update(hashlib.sha256((REPO_ROOT / name).read_bytes()).digest())
    for path in sorted(_files(mirror_root)):
        st = path.stat()
        digest.update(f"{path.relative_to(mirror_root)}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}".encode())
    digest.update(repr([(p, metadata.version(p)) for p in PACKAGES + ["vl-convert-python"]]).encode())
    return digest.hexdigest()


def _edition_state(edition: Edition) -> str:
    """The size and time of every file of the edition's sources, stamps and site index: anything that
    touched the edition since (make pdf, a test, a hand edit) makes the next build look at it again."""
    digest = hashlib.sha256()
    for root in (edition.src, edition.root / "stamps"):
        for path in sorted(_files(root)):
            st = path.stat()
            digest.update(f"{path.relative_to(edition.root)}:{st.st_size}:{st.st_mtime_ns}".encode())
    index = edition.html / "index.html"
    digest.update(str(index.stat().st_mtime_ns if index.exists() else 0).encode())
    return digest.hexdigest()


def _unchanged(region: str, year: int, strict: bool, out: Path | None) -> Edition | None:
    """The edition when nothing it is made from changed since its last successful build (then only
    publish it again); None otherwise."""
    key = _inputs_key(region, year, strict)
    stamp = BUILD_DIR / "inputs" / f"{region}-{year}.key"
    if key is None or not stamp.exists():
        return None
    lines = stamp.read_text().splitlines()
    if len(lines) != 4 or lines[0] != key:
        return None
    edition = Edition(lines[1], int(year), EDITIONS_DIR)
    with _locked(edition):
        if not (edition.root / "stamps" / "site.key").exists() or _edition_state(edition) != lines[3]:
            return None
        if out is not None:
            publish(edition, Path(out))
    log(f"{lines[2]} {year}: nothing changed -> {out or edition.html}")
    return edition


def build(region: str, year: int, *, strict: bool = True, out: Path | None = BUILD_DIR / "html",
          jobs: int | None = None) -> Edition:
    """Validate the inputs, execute what changed and build the site of one edition."""
    started = time.monotonic()
    inputs = _inputs_key(region, year, strict)
    done = _unchanged(region, year, strict, out)
    if done is not None:
        return done
    from . import checks, mirror
    from .regions import resolve

    snapshot = mirror.validate()
    log(f"data mirror {snapshot.root} (snapshot {snapshot.fingerprint[:12]}) is valid")
    checks.check_curated()
    area = resolve(region)
    edition = Edition(area.key, int(year), EDITIONS_DIR)
    checks.check_year(edition.year)
    with _locked(edition):
        sync_sources(edition, area.name)
        phase = time.monotonic()
        executed = execute_notebooks(edition, code_fingerprint(snapshot), jobs or os.cpu_count() or 1)
        times = f"notebooks {time.monotonic() - phase:.1f} s" if executed else ""
        write_notebook_archive(edition)
        pdf = current_pdf(edition, area.name, snapshot)
        _write_if_changed(edition.src / "_config.yml", _edition_config(edition, area.name, pdf))
        write_colophon(edition, area.name, snapshot, pdf)
        phase = time.monotonic()
        ran = run_sphinx(edition, strict)
        times += (", " if times else "") + f"Sphinx {time.monotonic() - phase:.1f} s" if ran else ""
        if out is not None:
            publish(edition, Path(out))
    what = f"{len(executed)} notebook(s) executed" + (", site rebuilt" if ran else ", site unchanged")
    if inputs is not None:
        stamp = BUILD_DIR / "inputs" / f"{region}-{year}.key"
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(f"{inputs}\n{edition.region}\n{area.name}\n{_edition_state(edition)}\n")
    times = f" ({times})" if times else ""
    log(f"{area.name} {year}: {what} in {time.monotonic() - started:.1f} s{times} -> {out or edition.html}")
    return edition


def check_inputs() -> None:
    """Validate the mirror and every curated register (make check-data)."""
    from . import checks, mirror

    snapshot = mirror.validate()
    log(f"data mirror {snapshot.root}: {len(snapshot.checksums)} files valid (snapshot {snapshot.fingerprint[:12]})")
    for line in checks.check_curated():
        log(line)


__all__ = ["build", "check_inputs", "BuildError", "DataError", "Edition", "chapters"]
