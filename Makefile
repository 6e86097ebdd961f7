# Two entry points, both safe on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean lock

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/mailwarden serve

# Three workers on two cores: most tests wait on SMTP, databases and daemons, not the CPU. Whole
# files per worker: a module's shared fixtures (a running gateway, a seeded console, one Chromium)
# are built once and its tests keep their order. (--dist loadgroup cannot group under pytest 9:
# pytest-xdist 3.8 renames nodes through an attribute pytest 9 no longer reads.)
TEST_WORKERS ?= 3
test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_load.py

# requirements.lock, what the container installs: pyproject's dependencies at the versions this
# venv runs (and tests) with, every file hashed, plus setuptools to build the project offline.
lock: $(VENV)/.installed
	$(BIN)/pip install --quiet uv
	$(BIN)/pip freeze --exclude-editable > $(VENV)/lock-constraints.txt
	echo 'setuptools>=68' > $(VENV)/lock-build.in
	UV_NO_CONFIG=1 $(BIN)/uv pip compile pyproject.toml $(VENV)/lock-build.in \
	  --constraint $(VENV)/lock-constraints.txt --generate-hashes --no-annotate --no-header \
	  --python-version 3.11 --python-platform x86_64-manylinux_2_36 -o $(VENV)/requirements.lock
	{ head -4 requirements.lock; cat $(VENV)/requirements.lock; } > $(VENV)/requirements.lock.new
	mv $(VENV)/requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
