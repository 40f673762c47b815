"""The Help menu's pages: "How to use" (each panel and view, with pictures of this window) and About.

The pictures are taken from the window's own widgets when the page opens, so they show the
experiment on screen in the active theme rather than a stale screenshot.
"""

from __future__ import annotations

import html
import sys
from typing import TYPE_CHECKING

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QImage, QPixmap, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from playground import __version__
from playground.ui import crash_recovery
from playground.ui.file_actions import APP_TITLE
from playground.ui.named_action import named_action

if TYPE_CHECKING:
    from playground.ui.main_window import MainWindow

#: Width of the pictures on the How-to-use page, pixels.
PICTURE_WIDTH = 420

#: (picture name, the window attribute to photograph, heading, paragraph) in reading order.
SECTIONS = (
    ("network", "network_view", "The network",
     "Inputs on the left, the output on the right, hidden layers between. Each square is one neuron and "
     "shows what it computes over the whole plane; hover it to see it larger. Links join the neurons: "
     "blue links have positive weights, orange negative ones, and the thicker the link, the larger the "
     "weight. Hover a link to read its weight and gradient."),
    ("output", "boundary_box", "The output",
     "The network's prediction over the plane, with the training points on top. Blue means +1 (class 1), "
     "orange −1 (class 0), grey undecided; the stronger the colour, the surer the network. Hover the map "
     "to read the output at a point; 'Show test data' adds the points the network never trains on."),
    ("experiment", "experiment", "The experiment",
     "On the left: the data (a data set, noise, how much is kept for testing), the input features, the "
     "network (layers, neurons, activations) and the training settings (learning rate, batch size, "
     "optimizer, regularisation). Training settings apply at once; changing the data, features or network "
     "starts again from new random weights."),
    ("loss", "loss_plot", "Loss and accuracy",
     "Train and test loss per epoch (the test loss is what matters: it shows how well the network does on "
     "points it has not seen). The View menu switches to a log scale."),
    ("weights", "weights_view", "Weights and gradient flow",
     "The weights of every layer as a colour grid (one row per neuron, one column per input), and in the "
     "Gradient flow tab the size of each layer's gradient per epoch: a vanishing gradient shows as a line "
     "that sinks towards zero."),
)

TRANSPORT_TEXT = (
    "The bar at the top trains: Play/Pause (Space), Step one epoch (S), Step one mini-batch (B) and Reset (R) "
    "to new random weights. The speed box paces training in epochs per second so that you can watch it "
    "learn; Max trains as fast as the computer allows. Training can stop by itself at an epoch or a test loss.")


def _widget(window: MainWindow, name: str) -> QWidget:
    part = getattr(window, name)
    return part.dock.widget() if hasattr(part, "dock") else part


def page_picture(picture: QPixmap) -> QImage:
    """A grabbed part of the window as the page shows it: at most ``PICTURE_WIDTH`` layout units wide,
    at the screen's resolution (the grab's device pixel ratio, which the image keeps)."""
    ratio = picture.devicePixelRatio()
    return picture.toImage().scaledToWidth(round(min(PICTURE_WIDTH * ratio, picture.width())),
                                           Qt.TransformationMode.SmoothTransformation)


def how_to_use_html(window: MainWindow, document: QTextDocument) -> str:
    """The page's HTML; each section's picture is added to ``document`` as ``app:<name>``."""
    parts = [f"<h2>How to use {APP_TITLE}</h2>",
             "<p>Pick a data set, press <b>Play</b> and watch the network learn to separate the colours. "
             "Then change one thing at a time and see what it does.</p>",
             f"<h3>Training</h3><p>{TRANSPORT_TEXT}</p>"]
    for name, attr, heading, text in SECTIONS:
        picture = _widget(window, attr).grab()
        if not picture.isNull() and picture.width() > 0:
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"app:{name}"), page_picture(picture))
            img = f'<p><img src="app:{name}"></p>'
        else:
            img = ""
        parts.append(f"<h3>{heading}</h3><p>{text}</p>{img}")
    parts.append("<h3>Files</h3><p>File &gt; Save keeps everything (settings, points, weights, optimizer state "
                 "and loss history); File &gt; Export writes weights, code, pictures and the history. "
                 "Help &gt; Keyboard shortcuts lists every key.</p>")
    return "\n".join(parts)


class HowToUse(QDialog):
    """The How-to-use page: a scrolling text with pictures of the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("How to use")
        self.resize(620, 720)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(how_to_use_html(window, self.browser.document()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser, 1)
        lay.addWidget(buttons)


def about_html(window: MainWindow) -> str:
    """Version, platform and links to the files the app writes."""
    recovery = window.recovery.path if window.recovery is not None else crash_recovery.recovery_path()
    files = (("Settings", window.settings.fileName()), ("Recovery file (after a crash)", str(recovery)),
             ("Data folder", str(crash_recovery.data_folder())))
    rows = "".join(f'<li>{label}: <a href="{QUrl.fromLocalFile(path).toString()}">{html.escape(path)}</a></li>'
                   for label, path in files)
    return (f"<h3>Neural Network Playground {__version__}</h3>"
            "<p>Train small neural networks live, watch backpropagation, export the weights.</p>"
            f"<p>Python {sys.version.split()[0]}, PySide6 {PYSIDE_VERSION}, {sys.platform}</p>"
            f"<p>Files the app writes:</p><ul>{rows}</ul>")


class About(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("About Neural Network Playground")
        self.label = QLabel(about_html(window))
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setOpenExternalLinks(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.setWordWrap(True)
        icon = QLabel()
        icon.setPixmap(window.windowIcon().pixmap(64, 64))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(icon, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(self.label)
        lay.addWidget(buttons)


class HelpActions(QObject):
    """How to use and About in the window's Help menu; each opens its page without blocking."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.page: QDialog | None = None
        self.how_to_action = named_action(window, "How to use", "how_to_use", "What each panel and view shows, "
                                          "with pictures", self.show_how_to_use, "Shift+F1")
        self.about_action = named_action(window, "About", "about", "Version, and the files the app writes",
                                         self.show_about)
        menu = window.help_menu
        menu.insertAction(menu.actions()[0] if menu.actions() else None, self.how_to_action)
        menu.addSeparator()
        menu.addAction(self.about_action)

    def _open(self, page: QDialog) -> QDialog:
        if self.page is not None:
            self.page.close()
        self.page = page
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        page.show()
        return page

    def show_how_to_use(self) -> HowToUse:
        return self._open(HowToUse(self.window))  # type: ignore[return-value]

    def show_about(self) -> About:
        return self._open(About(self.window))  # type: ignore[return-value]


def install(window: MainWindow) -> HelpActions:
    return HelpActions(window)
