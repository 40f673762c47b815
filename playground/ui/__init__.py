"""The desktop app (PySide6 + pyqtgraph); the only package that imports Qt.

Training runs in a worker thread (:mod:`playground.ui.training`) and needs the GIL
for nearly all of its time, so every millisecond the UI thread spends in Python —
or in Qt called from Python, which keeps the GIL — is a millisecond the trainer
waits. The rules that keep it at about 1,000 epochs/s with every view on
(``benchmarks/bench_app.py``):

- No Python ``event``/``paintEvent`` override on the top-level window: the whole
  window would then paint under the GIL (see :mod:`~playground.ui.paint_watcher`).
- Items that only need showing, not computing, are plain Qt items or cached
  (neuron thumbnails and links are pixmap items; axes use a device-coordinate cache).
- The decision boundary and the network diagram draw every snapshot; the charts
  below them draw a few times a second and take turns (``plot_style.Throttle``,
  ``DrawTurns``), so no frame holds the event loop long.
- Axis ranges move rarely (``EpochAxis``, nice steps): each new range re-ticks
  and re-caches the axes.
- Colour tables are looked up with ``palette.lookup_rgba`` (one uint32 per pixel).
"""
