# Two entry points: `make demo` (install, build the sample organisation, run the pipeline)
# and `make test` (install, lint, run the whole test suite). Both work offline and without
# AWS credentials; PYTHON must be 3.11 or newer.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo

.PHONY: install demo test lint clean

$(BIN)/dph: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(BIN)/dph

install: $(BIN)/dph

demo: install
	$(BIN)/dph sample --out $(DEMO_DIR)
	DAGSTER_HOME= $(BIN)/dph run --variables $(DEMO_DIR)/variables.yaml

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) $(DEMO_DIR)
