# Two entry points: `make run` and `make test`. Each builds .venv when it is missing or
# when pyproject.toml changed, so both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

PRISM := tests/contract/node_modules/.bin/prism

.PHONY: run test lint clean contract-tools

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Prism for the contract tests, pinned by tests/contract/package-lock.json. Without npm the
# contract tests are skipped (and CI, which forbids skips, fails).
contract-tools:
	@if command -v npm >/dev/null 2>&1; then \
	  test -x $(PRISM) || npm ci --prefix tests/contract --no-audit --no-fund --silent; \
	else echo "npm not found: contract tests will be skipped"; fi

# A SECRET_KEY in .env (made once, never replaced) keeps staff signed in across restarts.
run: $(STAMP)
	$(VENV)/bin/reminders ensure-secret-key
	$(VENV)/bin/reminders init-db --first-admin
	$(PY) worker.py

# Lint first: a style or type error fails in seconds, before the suite's minutes.
test: lint contract-tools
	$(PY) -m pytest

# ruff, then mypy (strict on reminders/core, the files and flags are in pyproject.toml)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis tests/contract/node_modules
