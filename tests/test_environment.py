"""The environment is pinned and locked: requirements.txt (direct pins), requirements.lock (the whole
environment with hashes, installed by `make env` and CI) and environment.yml (conda) agree."""

import re

import yaml

from mkbbook.paths import REPO_ROOT

# What the tests, the benchmark and the book import besides the book's own stack: must be pinned.
MUST_BE_PINNED = {"beautifulsoup4", "psutil", "hypothesis", "textstat", "pytest", "nbval", "papermill"}


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==\s*([^\s;\\]+)\s*\\?", line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def _lock():
    """requirements.lock as {name: (version, [hashes])}."""
    text = (REPO_ROOT / "requirements.lock").read_text()
    out = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", block)
        if match:
            out[_name(match.group(1))] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return out


def test_environment_and_requirements_agree():
    req = _pins((REPO_ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = _pins(d for d in env["dependencies"] if isinstance(d, str))
    conda.update(_pins(pip_section))
    conda.pop("python", None)
    assert req == conda
    assert req["jupyter-book"].startswith("1."), "Jupyter Book 1 reads _config.yml/_toc.yml; v2 does not"
    assert "python=3.11" in env["dependencies"]


def test_every_requirement_is_pinned():
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        assert not line or "==" in line, f"unpinned requirement: {line}"
    assert MUST_BE_PINNED <= set(_pins((REPO_ROOT / "requirements.txt").read_text().splitlines()))


def test_the_lock_holds_every_direct_pin_with_hashes():
    req = _pins((REPO_ROOT / "requirements.txt").read_text().splitlines())
    lock = _lock()
    assert len(lock) > len(req)  # the whole environment, not only the direct dependencies
    for name, version in req.items():
        assert name in lock, f"{name} is in requirements.txt but not in requirements.lock: run `make lock`"
        assert lock[name][0] == version, f"{name}: requirements.txt {version}, lock {lock[name][0]}: run `make lock`"
    for name, (version, hashes) in lock.items():
        assert hashes, f"{name}=={version} has no hash in requirements.lock"
    text = (REPO_ROOT / "requirements.lock").read_text()
    assert "--find-links" not in text and "--index-url" not in text and "/tmp/" not in text  # no machine paths
    assert "Python 3.11" in text.splitlines()[1]


def test_make_and_ci_install_from_the_lock():
    makefile = (REPO_ROOT / "Makefile").read_text()
    recipe = makefile.split("$(VENV)/.installed:")[1].split("\n\n")[0]
    assert "requirements.lock" in recipe.splitlines()[0]  # reinstalled when the lock changes
    assert "-r requirements.lock" in recipe and "-r requirements.txt" not in recipe
    assert "make env" in (REPO_ROOT / ".ci" / "run").read_text()
