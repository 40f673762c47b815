"""``make install-desktop`` / ``uninstall-desktop``'s script, run into a temporary XDG_DATA_HOME."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

from playground import resources_path as rp

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "desktop_entry.py"
COMMAND = "/opt/my apps/playground"


def _run(action: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, str(SCRIPT), action, *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"}
    env.update(changes)
    return env


def _installed(base: Path) -> set[str]:
    return {str(p.relative_to(base)) for p in base.rglob("*") if p.is_file()}


def test_install_puts_the_entry_icons_and_metainfo_in_xdg_data_home_and_uninstall_removes_them(tmp_path):
    base = tmp_path / "data"
    env = _env(XDG_DATA_HOME=str(base), HOME=str(tmp_path / "home"))
    mine = base / "applications" / "someone-else.desktop"
    mine.parent.mkdir(parents=True)
    mine.write_text("[Desktop Entry]\n")
    _run("install", env, "--command", COMMAND)
    expected = {f"applications/{rp.APP_ID}.desktop", f"metainfo/{rp.APP_ID}.metainfo.xml",
                f"icons/hicolor/scalable/apps/{rp.APP_ID}.svg", "applications/someone-else.desktop"}
    expected |= {f"icons/hicolor/{s}x{s}/apps/{rp.APP_ID}.png" for s in rp.ICON_SIZES}
    assert expected <= _installed(base)
    assert (base / f"icons/hicolor/48x48/apps/{rp.APP_ID}.png").read_bytes() == rp.icon_png(48).read_bytes()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(base / "applications" / f"{rp.APP_ID}.desktop", encoding="utf-8")
    assert entry["Desktop Entry"]["Exec"] == f"'{COMMAND}' %f"  # quoted: the path has a space
    assert entry["Desktop Entry"]["Icon"] == rp.APP_ID
    assert not (tmp_path / "home").exists()

    _run("uninstall", env)
    left = {p for p in _installed(base) if p != "applications/mimeinfo.cache"}  # the desktop's own index
    assert left == {"applications/someone-else.desktop"}  # no icon cache created either


def test_without_xdg_data_home_the_files_go_to_local_share(tmp_path):
    env = _env(HOME=str(tmp_path), XDG_DATA_HOME="")  # empty counts as unset
    _run("install", env, "--command", COMMAND)
    assert (tmp_path / ".local/share/applications" / f"{rp.APP_ID}.desktop").is_file()
    _run("uninstall", env)
    assert not (tmp_path / ".local/share/applications" / f"{rp.APP_ID}.desktop").exists()


def test_a_relative_command_is_refused(tmp_path):
    proc = subprocess.run([sys.executable, str(SCRIPT), "install", "--command", "playground"],
                          env=_env(XDG_DATA_HOME=str(tmp_path)), capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "desktop_entry: --command must be an absolute path, got 'playground'"
    assert not any(tmp_path.iterdir())
