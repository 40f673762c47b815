"""pyproject.toml's package list: every package of the source tree, and resources/ mapped in."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_python_package_in_the_source_tree_is_listed():
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "playground").rglob("__init__.py")}
    assert found <= set(_config()["packages"]), sorted(found - set(_config()["packages"]))


def test_the_top_level_resources_folder_is_installed_as_playground_resources():
    config = _config()
    assert config["package-dir"] == {"playground.resources": "resources"}
    listed = {p for p in config["packages"] if p.startswith("playground.resources")}
    folders = {"playground.resources"} | {
        "playground.resources." + d.name for d in (ROOT / "resources").iterdir()
        if d.is_dir() and d.name != "__pycache__"}
    assert listed == folders
