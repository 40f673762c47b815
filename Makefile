# `make run` and `make test` each set themselves up: a .venv with the project installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-avx2 bench lint clean package package-test install-desktop uninstall-desktop

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/playground $(ARGS)

# Two test processes: most tests keep one core busy, and CI machines have two.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The known results again on numpy's AVX2 kernels, as a CPU without AVX-512 reaches them (numpy
# 2.4's feature names; a no-op on CPUs without those features). Only the check whose outcome
# depends on the CPU: that a broken backward pass fails it is the same on any CPU.
test-avx2: $(STAMP)
	NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS) tests/core/test_known_results.py -k reached_by_most_seeds

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_engine.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_startup.py

lint: $(STAMP)
	$(BIN)/ruff check playground tests benchmarks

# ------------------------------------------------------------------ desktop app
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
DIST := dist
BUNDLE := $(DIST)/playground
TARBALL := $(DIST)/playground-$(VERSION)-linux-$(shell uname -m).tar.gz
PACKAGE_STAMP := $(VENV)/.package-installed

$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,dev,package]"
	touch $(PACKAGE_STAMP)

# A one-folder bundle that starts without Python, and a .tar.gz of it; prints its size and first start-up time.
package: $(PACKAGE_STAMP)
	rm -rf $(BUNDLE) $(TARBALL)
	PYTHONPATH=$(CURDIR) $(BIN)/python -m PyInstaller --noconfirm --clean --log-level WARN \
		--distpath $(DIST) --workpath build/pyinstaller packaging/playground.spec
	# The compiled engine's cache, inside the bundle: a run long enough to use the kernel fills it.
	$(BUNDLE)/playground train --dataset xor --epochs 1000 --json
	tar -C $(DIST) -czf $(TARBALL) playground
	sh packaging/bundle_report.sh $(BUNDLE) $(TARBALL)

# The bundle's own --self-test, with an empty environment: no Python on the PATH, a fresh HOME.
package-test: package
	sh packaging/bundle_self_test.sh $(BUNDLE)

# The menu entry and icons in the user's folders (XDG_DATA_HOME, else ~/.local/share), running
# PLAYGROUND_COMMAND (default: this checkout's .venv; give the bundle's path to use the bundle).
PLAYGROUND_COMMAND ?= $(abspath $(BIN))/playground
install-desktop: $(STAMP)
	$(BIN)/python packaging/desktop_entry.py install --command "$(PLAYGROUND_COMMAND)"

uninstall-desktop: $(STAMP)
	$(BIN)/python packaging/desktop_entry.py uninstall

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
