"""environment.yml (conda) and requirements.txt (pip, used by the Makefile) pin the same versions."""

import re

import yaml

from mkbbook.paths import REPO_ROOT


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_environment_and_requirements_agree():
    req = _pins((REPO_ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = _pins(d for d in env["dependencies"] if isinstance(d, str))
    conda.update(_pins(pip_section))
    conda.pop("python", None)
    assert req == conda
    assert req["jupyter-book"].startswith("1."), "Jupyter Book 1 reads _config.yml/_toc.yml; v2 does not"


def test_every_requirement_is_pinned():
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        assert not line or "==" in line, f"unpinned requirement: {line}"
