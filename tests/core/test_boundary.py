"""The core package never imports Qt, pyqtgraph or the UI."""

import subprocess
import sys


def test_core_imports_no_qt():
    code = (
        "import sys, pkgutil, importlib, playground.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'playground.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'playground.ui'))]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
