# The two commands a newcomer needs: `make demo` and `make test`.
# Both create .venv from the pinned requirements when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: demo test test-all bench ui spec clean venv

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation --config-settings editable_mode=compat -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mi demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-all: $(STAMP)
	$(BIN)/python -m pytest -q -m ''

bench: $(STAMP)
	$(BIN)/python -m benchmarks

ui: $(STAMP)
	$(BIN)/mi ui

spec: $(STAMP)
	$(BIN)/mi spec --out docs/mi-specification.md

clean:
	rm -rf var
