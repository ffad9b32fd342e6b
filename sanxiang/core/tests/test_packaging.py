"""The production install carries no test tools, and the build tools are recent enough."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TEST_TOOLS = {"pytest", "pytest-django", "playwright", "ruff", "schemathesis", "hypothesis"}
SETUPTOOLS_MIN = (78, 1, 1)  # CVE-2025-47273 (path traversal in PackageIndex) fixed in 78.1.1


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def test_production_dependencies_have_no_test_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    production = {_name(r) for r in project["dependencies"]}
    assert not production & TEST_TOOLS, production & TEST_TOOLS
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert {"pytest", "playwright", "ruff", "schemathesis"} <= dev


def test_readme_production_example_installs_without_the_dev_extra():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Production example", 1)[1].split("```", 2)[1]
    commands = [line.split("#", 1)[0] for line in section.splitlines()]
    installs = [line for line in commands if "pip install" in line]
    assert any(re.search(r"pip install \.(\s|$)", line) for line in installs), installs
    assert not any("[dev]" in line or "-e" in line.split() for line in installs), installs


def test_setup_installs_setuptools_78_1_1_or_later():
    makefile = (ROOT / "Makefile").read_text()
    setup = makefile.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    pinned = re.search(r"setuptools>=([\d.]+)", setup)
    assert pinned and _version(pinned.group(1)) >= SETUPTOOLS_MIN, setup
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert any(_version(r) >= SETUPTOOLS_MIN for r in build if r.startswith("setuptools")), build
    assert _version(importlib.metadata.version("setuptools")) >= SETUPTOOLS_MIN
