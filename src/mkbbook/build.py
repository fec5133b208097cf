"""Build one edition of the book: validate, execute notebooks with papermill, run Jupyter Book.

An edition is the book for one region and year. It lives in
``_build/editions/<region>-<year>/``: ``src/`` is the Jupyter Book root (the
static pages, a per-edition ``_config.yml`` and the executed notebooks),
``_build/html`` its site. A notebook is re-executed only when its content
key changes (the notebook, its parameters, the package code, the curated
data or the mirror snapshot); Sphinx runs only when a file of ``src/``
changed. Work happens in temporary files that replace the old ones only
after they succeeded, so a failure never leaves a half-written edition.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

import yaml

from . import checks, mirror
from .errors import DataError
from .paths import DATA_DIR, REPO_ROOT
from .regions import resolve

BUILD_DIR = Path(os.environ.get("MKB_BUILD_DIR") or REPO_ROOT / "_build")  # benchmarks build elsewhere
EDITIONS_DIR = BUILD_DIR / "editions"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
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

    @property
    def root(self) -> Path:
        return EDITIONS_DIR / f"{self.region}-{self.year}"

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


def _edition_config(edition: Edition, region_name: str) -> bytes:
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    config["title"] = f"{config['title'].split(' in de regio')[0]} in {region_name}"
    config.setdefault("parse", {})["myst_substitutions"] = {"regio": region_name, "jaar": edition.year}
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False).encode()


def sync_sources(edition: Edition, region_name: str) -> None:
    """Copy the static book pages and the toc into the edition root; write its _config.yml."""
    src = edition.src
    wanted = set()
    for path in _files(REPO_ROOT / "book"):
        rel = path.relative_to(REPO_ROOT)
        if rel.parts[:2] == ("book", "chapters"):
            continue
        wanted.add(rel)
        _write_if_changed(src / rel, path.read_bytes())
    _write_if_changed(src / "_toc.yml", (REPO_ROOT / "_toc.yml").read_bytes())
    _write_if_changed(src / "_config.yml", _edition_config(edition, region_name))
    _write_if_changed(src / "book" / "_static" / "vendor" / "vega-bundle.js", _cached_vega_bundle())
    # remove pages that no longer exist in book/ (but keep generated ones)
    for path in _files(src / "book"):
        rel = path.relative_to(src)
        generated = rel.parts[:2] == ("book", "chapters") or "vendor" in rel.parts or rel.name == "colofon.md"
        if not generated and rel not in wanted:
            path.unlink()


def _cached_vega_bundle() -> bytes:
    """The chart scripts, made once per version of vl-convert and of our wrapper (takes seconds)."""
    from .vega import BUNDLE_REVISION, vega_bundle

    path = BUILD_DIR / "vendor" / f"vega-bundle-{metadata.version('vl-convert-python')}-r{BUNDLE_REVISION}.js"
    if not path.exists():
        _write_if_changed(path, vega_bundle().encode())
    return path.read_bytes()


def code_fingerprint(snapshot: mirror.Snapshot) -> str:
    """Changes when the package code, the curated data or the mirror snapshot changes."""
    package = _hash_files(_files(REPO_ROOT / "src" / "mkbbook", "**/*.py"), REPO_ROOT)
    curated = _hash_files(_files(DATA_DIR), REPO_ROOT)
    return hashlib.sha256(f"{package}{curated}{snapshot.fingerprint}".encode()).hexdigest()


def _mark_plumbing(nb_path: Path) -> None:
    """Hide papermill's parameter cells from readers (they stay in the notebook for nbval)."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            cell.metadata["tags"] = tags + ["remove-cell"]
    nbformat.write(nb, nb_path)


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


def execute_notebook(name: str, edition: Edition, key: str) -> str:
    """Run notebooks/<name>.ipynb with papermill in a scratch folder; move the results in on success."""
    import papermill

    scratch = edition.root / "tmp" / name
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    out = scratch / f"{name}.ipynb"
    try:
        for attempt in (1, 2):  # one retry: parallel kernels can race for a port (papermill#511)
            try:
                papermill.execute_notebook(str(NOTEBOOK_DIR / f"{name}.ipynb"), str(out), parameters=edition.params,
                                           cwd=str(scratch), kernel_name="python3", progress_bar=False,
                                           log_output=False, kernel_manager_class=_ipc_kernel_manager())
                break
            except papermill.PapermillExecutionError:
                raise
            except Exception:  # kernel start-up failures
                if attempt == 2:
                    raise
                time.sleep(1)
    except papermill.PapermillExecutionError as exc:
        failed = edition.root / "failed" / f"{name}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            shutil.copy(out, failed)
        last = (exc.evalue or "").strip().splitlines()[-1:] or [exc.ename]
        raise BuildError(f"notebook {name} failed in cell {exc.exec_count}: {exc.ename}: {last[0]}\n"
                         f"  The executed notebook with the full error is in {failed}") from None
    _mark_plumbing(out)
    chapter_dir = edition.src / CHAPTER_DIR
    for csv in _files(scratch / "data"):
        _write_if_changed(chapter_dir / "data" / csv.name, csv.read_bytes())
    _write_if_changed(chapter_dir / f"{name}.ipynb", out.read_bytes())
    (edition.root / "stamps").mkdir(exist_ok=True)
    (edition.root / "stamps" / f"{name}.key").write_text(key)
    shutil.rmtree(scratch, ignore_errors=True)
    return name


def execute_notebooks(edition: Edition, fingerprint: str, jobs: int) -> list[str]:
    """Execute the chapters whose key changed, in parallel up to `jobs`; return their names."""
    todo = []
    for name in chapters():
        source = NOTEBOOK_DIR / f"{name}.ipynb"
        if not source.exists():
            raise BuildError(f"_toc.yml names {CHAPTER_DIR}/{name}, but notebooks/{name}.ipynb does not exist")
        key = hashlib.sha256(source.read_bytes() + json.dumps(edition.params, sort_keys=True).encode()
                             + fingerprint.encode()).hexdigest()
        stamp = edition.root / "stamps" / f"{name}.key"
        executed = edition.src / CHAPTER_DIR / f"{name}.ipynb"
        if executed.exists() and stamp.exists() and stamp.read_text() == key:
            continue
        todo.append((name, key))
    if not todo:
        return []
    log(f"executing {len(todo)} notebook(s) with papermill: {', '.join(n for n, _ in todo)}")
    if jobs <= 1 or len(todo) == 1:
        return [execute_notebook(name, edition, key) for name, key in todo]
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        futures = []
        for name, key in todo:
            futures.append(pool.submit(execute_notebook, name, edition, key))
            time.sleep(0.5)  # stagger kernel start-ups
        return [f.result() for f in futures]


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or "onbekend"
    except (OSError, subprocess.SubprocessError):
        return "onbekend"


def notebook_archive(edition: Edition) -> Path:
    return edition.src / CHAPTER_DIR / f"notebooks-{edition.region}-{edition.year}.zip"


def write_notebook_archive(edition: Edition) -> Path:
    """A zip of the edition's executed notebooks and the CSV files of their figures, for researchers
    (linked from the colophon). Same content, same bytes: entries are sorted and dated 1980-01-01."""
    chapter_dir = edition.src / CHAPTER_DIR
    files = [chapter_dir / f"{name}.ipynb" for name in chapters()] + sorted(_files(chapter_dir / "data", "*.csv"))
    readme = (f"Uitgevoerde notebooks van de editie {edition.region} {edition.year}.\n"
              f"Opnieuw maken: make book REGION={edition.region} YEAR={edition.year}\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, data in [("LEESMIJ.txt", readme)] + [(f.relative_to(chapter_dir).as_posix(), f.read_bytes())
                                                         for f in files if f.exists()]:
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, data)
    _write_if_changed(notebook_archive(edition), buffer.getvalue())
    return notebook_archive(edition)


def write_colophon(edition: Edition, region_name: str, snapshot: mirror.Snapshot) -> None:
    """The colophon page: parameters, data snapshot, package versions, commit and build date."""
    rows = "\n".join(f"| `{name}` | `{digest[:16]}…` |" for name, digest in sorted(snapshot.checksums.items()))
    versions = "\n".join(f"| {p} | {metadata.version(p)} |" for p in PACKAGES)
    body = f"""# Colofon

Deze editie van het boek is gemaakt met de volgende instellingen en gegevens.

## Parameters

| Parameter | Waarde |
|---|---|
| Regio | {region_name} (`{edition.region}`) |
| Jaar | {edition.year} |
| Git-commit | `{_git_commit()}` |

Opnieuw maken: `make book REGION={edition.region} YEAR={edition.year}`.

## Downloads

- {{download}}`De uitgevoerde notebooks van deze editie (zip) <../chapters/{notebook_archive(edition).name}>`,
  met de CSV-bestanden achter de figuren: voor wie de berekeningen wil nalopen of hergebruiken.
- <span class="mkb-web-only"><a href="../../{PDF_NAME}">Het hele boek als pdf ({PDF_NAME})</a>, om te printen
  of offline te lezen.</span>

## Gegevens (datasnapshot)

Vingerafdruk van de snapshot: `{snapshot.fingerprint[:16]}`. De bestanden en hun SHA-256-controlegetal:

| Bestand | SHA-256 |
|---|---|
{rows}

Bronnen: CBS open data, Eurostat en PDOK/Kadaster, alle onder CC BY 4.0.

## Software

| Pakket | Versie |
|---|---|
{versions}
| Python | {sys.version.split()[0]} |
"""
    path = edition.src / "book" / "appendix" / "colofon.md"
    marker = "\nGebouwd op: "
    old = path.read_text() if path.exists() else ""
    if old.split(marker)[0] != body:
        _write_if_changed(path, (body + marker + date.today().isoformat() + ".\n").encode())


def run_sphinx(edition: Edition, strict: bool) -> bool:
    """Build the site when a source file changed; return whether Sphinx ran."""
    sources = [p for p in _files(edition.src) if "_build" not in p.relative_to(edition.src).parts]
    key = _hash_files(sources, edition.src) + str(strict)
    stamp = edition.root / "stamps" / "site.key"
    if (edition.html / "index.html").exists() and stamp.exists() and stamp.read_text() == key:
        return False
    names = "\n".join(sorted(str(p.relative_to(edition.src)) for p in sources))
    names_stamp = edition.root / "stamps" / "pages.key"
    if names_stamp.exists() and names_stamp.read_text() != names:
        shutil.rmtree(edition.root / "_build", ignore_errors=True)  # a page was removed: no stale pages
    log("building the book with Jupyter Book" + (" (warnings are errors)" if strict else ""))
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(edition.src),
           "--path-output", str(edition.root)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        (edition.root / "sphinx.log").write_text(result.stdout + result.stderr)
        stamp.unlink(missing_ok=True)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise BuildError(f"Jupyter Book failed (full log: {edition.root / 'sphinx.log'}):\n{tail}")
    stamp.write_text(key)
    names_stamp.write_text(names)
    return True


def publish(edition: Edition, out: Path) -> None:
    """Replace `out` by the edition's site in one step (a reader never sees half a site)."""
    tmp = out.with_name(out.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(edition.html, tmp)
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _locked(edition: Edition):
    """One build per edition at a time: a second `make book` for the same edition waits."""
    edition.root.mkdir(parents=True, exist_ok=True)
    with open(edition.root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(region: str, year: int, *, strict: bool = True, out: Path | None = BUILD_DIR / "html",
          jobs: int | None = None) -> Edition:
    """Validate the inputs, execute what changed and build the site of one edition."""
    started = time.monotonic()
    snapshot = mirror.validate()
    log(f"data mirror {snapshot.root} (snapshot {snapshot.fingerprint[:12]}) is valid")
    checks.check_curated()
    area = resolve(region)
    edition = Edition(region, int(year))
    checks.check_year(edition.year)
    with _locked(edition):
        sync_sources(edition, area.name)
        write_colophon(edition, area.name, snapshot)
        executed = execute_notebooks(edition, code_fingerprint(snapshot), jobs or os.cpu_count() or 1)
        write_notebook_archive(edition)
        ran = run_sphinx(edition, strict)
        if out is not None:
            publish(edition, Path(out))
    what = f"{len(executed)} notebook(s) executed" + (", site rebuilt" if ran else ", site unchanged")
    log(f"{area.name} {year}: {what} in {time.monotonic() - started:.1f} s -> {out or edition.html}")
    return edition


def check_inputs() -> None:
    """Validate the mirror and every curated register (make check-data)."""
    snapshot = mirror.validate()
    log(f"data mirror {snapshot.root}: {len(snapshot.checksums)} files valid (snapshot {snapshot.fingerprint[:12]})")
    for line in checks.check_curated():
        log(line)


__all__ = ["build", "check_inputs", "BuildError", "DataError", "Edition", "chapters"]
