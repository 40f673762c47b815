"""The app's resources: found through the one helper, complete, and the examples open."""

from __future__ import annotations

import configparser
import struct
import xml.etree.ElementTree as ET

import pytest

from playground import resources_path as rp
from playground.core.io.project import load_project


def png_size(path) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_the_resources_are_the_installed_package_mapped_from_the_top_level_folder():
    folder = rp.resources_dir()
    assert folder.is_dir()
    assert (folder / "__init__.py").is_file()


@pytest.mark.parametrize("size", rp.ICON_SIZES)
def test_every_icon_size_is_a_png_of_that_size(size):
    assert png_size(rp.icon_png(size)) == (size, size)


def test_the_svg_icon_is_an_svg_drawing():
    root = ET.parse(rp.icon_svg()).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_an_icon_size_that_is_not_rendered_is_refused():
    with pytest.raises(ValueError, match="icon size 20"):
        rp.icon_png(20)


def test_the_desktop_entry_runs_the_command_with_the_apps_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(rp.desktop_file(), encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] == "playground"
    assert desktop["Icon"] == rp.APP_ID
    assert desktop["Categories"].endswith(";")
    assert "MimeType" not in desktop  # experiments are plain .json: claiming JSON would take over every JSON file


def test_the_metainfo_names_the_app_its_desktop_entry_and_its_licence():
    root = ET.parse(rp.metainfo_file()).getroot()
    assert root.findtext("id") == rp.APP_ID
    assert root.findtext("launchable") == rp.desktop_file().name
    assert root.findtext("project_license") == "Apache-2.0"


def test_there_are_a_few_small_examples_and_each_opens():
    examples = rp.example_files()
    assert 3 <= len(examples) <= 6
    for path in examples:
        trainer = load_project(path)
        assert 0 < trainer.epoch <= 500, path.name
        assert path.stat().st_size < 200_000, path.name


def test_an_examples_menu_title_is_its_name_in_words():
    assert rp.example_title(rp.resource("examples", "Four-blobs-with-Adam.playground.json")) == "Four blobs with Adam"
    assert rp.example_title(rp.resource("examples", "two_words.playground.json")) == "Two words"


def test_a_missing_resources_package_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(rp, "PACKAGE", "playground.no_such_resources")
    with pytest.raises(rp.ResourcesMissing, match="playground.no_such_resources is not installed"):
        rp.resources_dir()
