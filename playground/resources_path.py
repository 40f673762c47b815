"""Where the app's resources are: the one way to find the icon, desktop files and examples.

The top-level ``resources/`` folder is installed as the package ``playground.resources``
(setuptools' ``package-dir`` mapping; the bundle's spec puts it at the same place), so an
editable install, a wheel and the PyInstaller bundle all find it by importing it; nothing
guesses paths relative to a checkout. No Qt here: the command line uses it too.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE = "playground.resources"
#: The desktop entry's and AppStream's id; also the icon's name in the icon theme.
APP_ID = "org.nnplayground.Playground"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
EXAMPLE_SUFFIX = ".playground.json"


class ResourcesMissing(RuntimeError):
    """The installed app has no ``playground.resources`` (a broken or partial install)."""


def resources_dir() -> Path:
    """The folder holding the resources, as a real path (wheels and bundles install them unzipped)."""
    try:
        root = resources.files(PACKAGE)
    except ModuleNotFoundError:
        raise ResourcesMissing(f"{PACKAGE} is not installed: reinstall the app (pip install .)") from None
    path = Path(str(root))
    if not path.is_dir():
        raise ResourcesMissing(f"{PACKAGE}: {path} is not a folder")
    return path


def resource(*parts: str) -> Path:
    """The path of ``resources/<parts...>`` (it may not exist: callers check when it matters)."""
    return resources_dir().joinpath(*parts)


def icon_svg() -> Path:
    return resource("icons", "playground.svg")


def icon_png(size: int) -> Path:
    """The icon rendered at ``size`` × ``size`` pixels (one of :data:`ICON_SIZES`)."""
    if size not in ICON_SIZES:
        raise ValueError(f"icon size {size}: not one of {ICON_SIZES}")
    return resource("icons", f"playground-{size}.png")


def desktop_file() -> Path:
    return resource(f"{APP_ID}.desktop")


def metainfo_file() -> Path:
    return resource(f"{APP_ID}.metainfo.xml")


def example_files() -> list[Path]:
    """The example experiments, sorted by name."""
    folder = resource("examples")
    return sorted(p for p in folder.glob(f"*{EXAMPLE_SUFFIX}") if p.is_file()) if folder.is_dir() else []


def example_title(path: Path) -> str:
    """``Four-blobs-with-Adam.playground.json`` -> ``"Four blobs with Adam"`` (the menu's text; the file
    name keeps its capitals, so that names such as XOR and Adam read right)."""
    stem = path.name.removesuffix(EXAMPLE_SUFFIX).replace("-", " ").replace("_", " ")
    return stem[:1].upper() + stem[1:]
