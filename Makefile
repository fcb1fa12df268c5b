# The two commands a newcomer needs: `make demo` and `make test`.
# Both create .venv from the pinned requirements when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# mypy lives in a venv of its own (it needs a newer pathspec than dbt-core allows)
# and reads the project's libraries through .venv's interpreter (pyproject.toml).
TYPECHECK := $(VENV)/typecheck
TYPECHECK_STAMP := $(TYPECHECK)/.installed
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: demo test test-all lint bench ui spec docs clean venv manifest

venv: $(STAMP)

# dbt's manifest is a build artefact (Dagster reads it; importing the
# definitions never parses dbt): rebuilt whenever a dbt file changes.
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml dbt_project/profiles.yml
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/python -c "from orchestration.project import ensure_manifest; ensure_manifest(force=True)"
manifest: $(MANIFEST)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation --config-settings editable_mode=compat -e .
	touch $(STAMP)

$(TYPECHECK_STAMP): requirements-typecheck.txt
	test -x $(TYPECHECK)/bin/python || $(PYTHON) -m venv $(TYPECHECK)
	$(TYPECHECK)/bin/python -m pip install -q -r requirements-typecheck.txt
	touch $(TYPECHECK_STAMP)

demo: $(MANIFEST)
	$(BIN)/mi demo

# Two workers, one per core of the machine the suite is sized for; --dist loadfile keeps
# each test file in one worker, so a file's fixtures (a Spark session, a live Dagster
# deployment, a prepared release) are built once. Each worker builds the session's small
# world for itself.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

test: $(MANIFEST)
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL)

test-all: $(MANIFEST)
	$(BIN)/python -m pytest -q -m '' $(PYTEST_PARALLEL)

# The checks that need no build, cheapest first: the layers of the house, ruff's lint
# and format, sqlfluff on the dbt SQL, then mypy over the stages. .ci/run runs it first.
lint: $(STAMP) $(TYPECHECK_STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project
	$(TYPECHECK)/bin/mypy

bench: $(MANIFEST)
	$(BIN)/python -m benchmarks

ui: $(MANIFEST)
	$(BIN)/mi ui

spec: $(STAMP)
	$(BIN)/mi spec --out docs/mi-specification.md
	$(BIN)/mi spec --dbt-sources dbt_project/models/staging/_sources.yml
	$(BIN)/mi spec --dbt-staging dbt_project/models/staging/_stg_lake__models.yml
	$(BIN)/mi spec --code-labels dbt_project/seeds/generated/code_labels.csv

# dbt's static docs page at MI_HOME/docs/index.html (opens without a server), after
# checking that every SQL example of the READMEs runs and returns rows against the
# analysts' copy (make demo first).
docs: $(STAMP)
	$(BIN)/python -m warehouse.docs

clean:
	rm -rf var
