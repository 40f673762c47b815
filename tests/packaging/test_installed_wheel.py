"""The app built as a wheel and installed into a fresh venv finds its resources (no checkout around)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: What a wheel is built from (a copy, so that the build leaves nothing in the source tree).
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "playground", "resources")

PROBE = """
import json, playground, playground.resources_path as rp
print(json.dumps({"package": playground.__file__, "resources": str(rp.resources_dir()),
                  "examples": [p.name for p in rp.example_files()], "svg": rp.icon_svg().is_file(),
                  "png": all(rp.icon_png(s).is_file() for s in rp.ICON_SIZES),
                  "desktop": rp.desktop_file().is_file(), "metainfo": rp.metainfo_file().is_file()}))
"""


def _run(*args: str | Path, cwd: Path) -> str:
    """Run a command without the checkout on PYTHONPATH; its output (stdout, then stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180, check=False)
    assert proc.returncode == 0, f"{args}: {proc.stderr[-2000:]}"
    return proc.stdout + proc.stderr


def build_wheel(tmp_path: Path) -> tuple[Path, str]:
    """A wheel of the source tree, built offline with the test environment's setuptools, and what the
    build printed."""
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    printed = _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                   "--no-index", "-w", tmp_path / "dist", src, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    return wheel, printed


def venv_with_test_packages(folder: Path) -> Path:
    """A venv without pip whose site-packages also sees this environment's (PySide6, numpy ...); its python."""
    _run(sys.executable, "-m", "venv", "--without-pip", folder, cwd=folder.parent)
    python = folder / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder).strip()
    # A plain path line: this environment's packages come after the venv's own, and its .pth files
    # (the editable install of the checkout) are not run.
    Path(site, "test_environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_venv_finds_every_resource(tmp_path):
    wheel, _ = build_wheel(tmp_path)
    python = venv_with_test_packages(tmp_path / "venv")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel,
         cwd=tmp_path)
    found = json.loads(_run(python, "-c", PROBE, cwd=tmp_path))
    venv = (tmp_path / "venv").resolve()
    assert Path(found["package"]).resolve().is_relative_to(venv)  # the wheel's code, not the checkout's
    assert Path(found["resources"]).resolve().is_relative_to(venv)
    assert found["examples"] == sorted(p.name for p in (ROOT / "resources" / "examples").glob("*.playground.json"))
    assert found["svg"] and found["png"] and found["desktop"] and found["metainfo"]


@pytest.mark.slow
def test_the_wheel_builds_without_warnings_and_carries_the_licence_and_the_readme(tmp_path):
    wheel, printed = build_wheel(tmp_path)
    assert "warning" not in printed.lower(), printed  # e.g. setuptools' deprecated licence table
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        metadata = whl.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: Apache-2.0" in metadata
    assert "Description-Content-Type: text/markdown" in metadata
    assert "# Neural Network Playground" in metadata
