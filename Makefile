# `make run` and `make test` each set themselves up: a .venv with the project installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-avx2 bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/playground $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# The known-result tests again on numpy's AVX2 kernels, as a CPU without AVX-512 runs them
# (numpy 2.4's feature names; a no-op on CPUs without those features).
test-avx2: $(STAMP)
	NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest $(PYTEST_ARGS) tests/core/test_known_results.py

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_engine.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_app.py

lint: $(STAMP)
	$(BIN)/ruff check playground tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
