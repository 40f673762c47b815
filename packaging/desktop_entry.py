"""Install or remove the desktop entry, icons and AppStream metainfo in the user's XDG folders.

Usage (``make install-desktop`` / ``make uninstall-desktop`` run it)::

    python packaging/desktop_entry.py install --command /path/to/playground
    python packaging/desktop_entry.py uninstall

Files go under ``${XDG_DATA_HOME:-~/.local/share}``: ``applications/<id>.desktop``,
``icons/hicolor/<n>x<n>/apps/<id>.png`` (and ``scalable/apps/<id>.svg``) and
``metainfo/<id>.metainfo.xml``. Only these files are ever written or removed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from playground import resources_path as rp


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or empty (the XDG default)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value else Path.home() / ".local" / "share"


def targets(base: Path) -> dict[Path, Path]:
    """Installed file -> the resource it is a copy of (the .desktop file is rewritten, see below)."""
    icons = base / "icons" / "hicolor"
    files = {base / "applications" / f"{rp.APP_ID}.desktop": rp.desktop_file(),
             base / "metainfo" / f"{rp.APP_ID}.metainfo.xml": rp.metainfo_file(),
             icons / "scalable" / "apps" / f"{rp.APP_ID}.svg": rp.icon_svg()}
    for size in rp.ICON_SIZES:
        files[icons / f"{size}x{size}" / "apps" / f"{rp.APP_ID}.png"] = rp.icon_png(size)
    return files


def desktop_text(command: str) -> str:
    """The desktop entry with ``Exec``/``TryExec`` naming ``command`` (an absolute path: menus do not
    see a virtual environment's PATH)."""
    lines = []
    for line in rp.desktop_file().read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = f"Exec={shlex.quote(command)} %f"
        elif line.startswith("TryExec="):
            line = f"TryExec={command}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _refresh_caches(base: Path) -> None:
    """Tell the desktop about the changed files when its tools are there (they are optional).

    An icon cache is only brought up to date, never created: one nobody refreshes would hide the
    icons other programs install later.
    """
    hicolor = base / "icons" / "hicolor"
    jobs = [("update-desktop-database", [str(base / "applications")])]
    if (hicolor / "icon-theme.cache").exists():
        jobs.append(("gtk-update-icon-cache", ["-q", "-t", str(hicolor)]))
    for tool, args in jobs:
        if shutil.which(tool):
            subprocess.run([tool, *args], check=False, capture_output=True)


def install(command: str, base: Path) -> list[Path]:
    if not Path(command).is_absolute():
        raise SystemExit(f"desktop_entry: --command must be an absolute path, got {command!r}")
    written = []
    for target, source in targets(base).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".desktop":
            target.write_text(desktop_text(command), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    _refresh_caches(base)
    return written


def uninstall(base: Path) -> list[Path]:
    removed = [t for t in targets(base) if t.exists()]
    for target in removed:
        target.unlink()
    _refresh_caches(base)
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="desktop_entry", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("install", "uninstall"))
    parser.add_argument("--command", help="absolute path of the playground command the entry runs")
    a = parser.parse_args(argv)
    base = data_home()
    if a.action == "install":
        if not a.command:
            parser.error("install needs --command")
        done = install(a.command, base)
        print(f"installed {len(done)} files under {base} (menu entry {rp.APP_ID})")
    else:
        done = uninstall(base)
        print(f"removed {len(done)} files from {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
