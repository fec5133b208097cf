"""The PDF edition: the whole book as one A4 PDF (`make pdf`).

Sphinx builds the edition's sources once more as one HTML page (the singlehtml
builder) and headless Chromium prints it (tools/print-pdf.js): every chart as a
static image, a title page, a table of contents with page numbers, captions and
source lines, page numbers in the footer. The PDF goes to
_build/pdf/mkb-digitalisering.pdf (with a manifest beside it for the tests) and
into the edition's sources with the key of the sources it was made from; the
edition is then rebuilt, so its site holds the PDF and the download menu and the
colophon link to it, and published (--copy-to). A later build whose sources
differ drops the PDF and every link to it (build.current_pdf): a site never
links a PDF that is missing or of other content.

    python -m mkbbook.pdf --region provincie-utrecht --year 2025 [--copy-to _build/html]

The edition must have been built first (`make book` or `python -m mkbbook build`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import yaml

from . import mirror
from .build import BUILD_DIR, PDF_NAME, BuildError, Edition, _locked, build, log, pdf_key
from .paths import REPO_ROOT
from .regions import resolve

PDF_PATH = BUILD_DIR / "pdf" / PDF_NAME
PRINTER = REPO_ROOT / "tools" / "print-pdf.js"


def singlehtml(edition: Edition, strict: bool = True) -> Path:
    """Build the edition as one HTML page; return its folder."""
    out = edition.root / "pdf"
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(edition.src), "--builder", "singlehtml",
           "--path-output", str(out)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        (out / "sphinx.log").parent.mkdir(parents=True, exist_ok=True)
        (out / "sphinx.log").write_text(result.stdout + result.stderr)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise BuildError(f"the single-page build for the PDF failed (log: {out / 'sphinx.log'}):\n{tail}")
    return out / "_build" / "singlehtml"


def print_pdf(html_dir: Path, pdf: Path, *, title: str, edition_line: str) -> dict:
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is not installed; the PDF is printed by headless Chromium through playwright-core")
    manifest = pdf.with_suffix(".json")
    tmp = pdf.with_name(pdf.name + ".tmp")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    cmd = [node, str(PRINTER), "--html", str(html_dir), "--out", str(tmp), "--manifest", str(manifest),
           "--title", title, "--edition", edition_line, "--date", date.today().isoformat()]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
    if result.returncode != 0:
        raise BuildError(f"printing the PDF failed:\n{(result.stdout + result.stderr).strip()[-3000:]}")
    os.replace(tmp, pdf)
    return yaml.safe_load(manifest.read_text())  # JSON is YAML


def build_pdf(region: str, year: int, *, strict: bool = True, out: Path = PDF_PATH,
              copy_to: tuple[Path, ...] = ()) -> Path:
    """Make the PDF of a built edition, put it into the edition's site and publish that site
    to each of `copy_to` (the site is rebuilt, so its pages link the PDF)."""
    started = time.monotonic()
    area = resolve(region)
    edition = Edition(area.key, int(year))
    config = edition.src / "_config.yml"
    if not config.exists() or not (edition.html / "index.html").exists():
        raise BuildError(f"edition {region} {year} is not built: run `make book REGION={region} YEAR={year}` first")
    title = yaml.safe_load(config.read_text())["title"]
    snapshot = mirror.validate()
    with _locked(edition):
        key = pdf_key(edition, area.name, snapshot)
        log("building the book as one page for the PDF")
        html_dir = singlehtml(edition, strict)
        log("printing the PDF with headless Chromium")
        manifest = print_pdf(html_dir, Path(out), title=title, edition_line=f"Editie {area.name}, {year}")
        shutil.copyfile(out, edition.src / PDF_NAME)
        (edition.root / "stamps").mkdir(exist_ok=True)
        (edition.root / "stamps" / "pdf.key").write_text(key)
    sites = [Path(site) for site in copy_to] or [None]
    for site in sites:  # the site with the PDF and the links to it
        build(area.key, int(year), strict=strict, out=site)
    log(f"{out}: {manifest['pages']} pages, {len(manifest['charts'])} charts as images, "
        f"in {time.monotonic() - started:.1f} s")
    return Path(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mkbbook.pdf", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", default="provincie-utrecht")
    parser.add_argument("--year", type=int, default=None, help="default: the newest year in the data")
    parser.add_argument("--out", default=str(PDF_PATH))
    parser.add_argument("--copy-to", action="append", default=[], help="a published site to put the PDF in")
    parser.add_argument("--lenient", dest="strict", action="store_false", help="let Sphinx warnings pass")
    args = parser.parse_args(argv)
    if args.year is None:
        from .paths import latest_year

        args.year = latest_year()
    try:
        build_pdf(args.region, args.year, strict=args.strict, out=Path(args.out), copy_to=tuple(args.copy_to))
    except BuildError as exc:
        print(f"\nERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
