"""The Help menu: How to use (with pictures of the window), About (version, files the app writes), shortcuts."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from playground import __version__
from playground.ui import help_pages


def test_the_help_menu_lists_how_to_use_shortcuts_and_about(win):
    w, _ = win
    names = [a.objectName() for a in w.help_menu.actions() if not a.isSeparator()]
    assert names == ["how_to_use", "shortcuts", "show_tips", "about"]
    listing = w.shortcuts_text()
    assert "Shift+F1" in listing and "Ctrl+," in listing


def test_how_to_use_explains_every_view_with_a_picture_of_it(qtbot, win):
    w, _ = win
    page = w.help_pages.show_how_to_use()
    qtbot.waitExposed(page)
    text = page.browser.toPlainText()
    for _name, _attr, heading, _text in help_pages.SECTIONS:
        assert heading in text
    doc = page.browser.document()
    for name, *_ in help_pages.SECTIONS:
        image = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(f"app:{name}"))
        assert image is not None and not image.isNull() and image.width() > 50, name
        colours = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
        assert len(colours) > 10, name  # a picture of the view, not a blank
    page.close()


def test_about_names_the_version_and_the_files_the_app_writes(qtbot, win, tmp_path):
    w, _ = win
    page = w.help_pages.show_about()
    qtbot.waitExposed(page)
    text = page.label.text()
    assert __version__ in text
    assert w.settings.fileName() in text and "recovery" in text
    assert QUrl.fromLocalFile(w.settings.fileName()).toString() in text  # a link that opens it
    page.close()
