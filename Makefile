# Two entry points: `make run` and `make test`. Each builds .venv from a lock file with
# hashes (README, Dependencies and locks) when it is missing or when pyproject.toml or the
# lock changed, so both work on a fresh clone. `make run` installs the runtime lock only;
# `make test` the development lock (runtime + the `dev` extra). One .venv holds either; going
# from test to run keeps the development tools installed, which is harmless.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed
UV := $(VENV)/bin/uv

PRISM := tests/contract/node_modules/.bin/prism
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: run test lint lock check-lock clean node-tools

# Every package comes from the lock, pinned and checked against its hash (--no-deps: the lock
# is complete, so pip resolves nothing). The project itself is then installed with the
# setuptools the lock just installed (--no-build-isolation), so nothing unhashed is fetched.
define install_lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(1)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@
endef

$(RUN_STAMP): pyproject.toml requirements/runtime.lock
	$(call install_lock,requirements/runtime.lock)

$(STAMP): pyproject.toml requirements/dev.lock
	$(call install_lock,requirements/dev.lock)

# One set of flags for `make lock` and `make check-lock`: a universal lock (every platform,
# Python 3.11 and later; markers pick the wheels) with the hash of every file of each pin.
# LOCK_ARGS passes more, e.g. `make lock LOCK_ARGS="--upgrade-package twilio"`.
COMPILE = $(UV) pip compile pyproject.toml requirements/build.in --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS)

# Re-resolve after a change to pyproject.toml. uv keeps every pin the lock already has that
# still fits, so only what the change needs moves. The dev lock is constrained by the
# runtime lock: a package in both has the same version in both.
LOCK_runtime :=
LOCK_dev := --extra dev -c requirements/runtime.lock
lock: $(STAMP)
	$(COMPILE) $(LOCK_runtime) -o requirements/runtime.lock
	$(COMPILE) $(LOCK_dev) -o requirements/dev.lock

# Fails when the locks and pyproject.toml disagree: resolve again from copies of the locks
# (so the same pins are preferred) and compare pins and markers, the runtime lock first (the
# dev lock is resolved against it). Hash lines are left out of the comparison: a wheel
# uploaded later for a pinned version is not a disagreement.
CHECK_DIR := $(VENV)/lock-check
define check_lock
	@$(COMPILE) $(2) -o $(CHECK_DIR)/$(1).lock
	@sed -e '/--hash=/d' -e 's/ \\$$//' requirements/$(1).lock >$(CHECK_DIR)/$(1).want
	@sed -e '/--hash=/d' -e 's/ \\$$//' $(CHECK_DIR)/$(1).lock >$(CHECK_DIR)/$(1).got
	@diff -u --label requirements/$(1).lock --label "resolved from pyproject.toml" \
	  $(CHECK_DIR)/$(1).want $(CHECK_DIR)/$(1).got \
	  || { echo "requirements/$(1).lock disagrees with pyproject.toml: run make lock" >&2; exit 1; }
endef

check-lock: $(STAMP)
	@rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR) && cp requirements/*.lock $(CHECK_DIR)/
	$(call check_lock,runtime,$(LOCK_runtime))
	$(call check_lock,dev,$(LOCK_dev))
	@rm -rf $(CHECK_DIR)
	@echo "requirements/*.lock agree with pyproject.toml"

# Prism for the contract tests and axe-core for the accessibility tests, pinned by their
# package-lock.json files. Without npm those tests are skipped (and CI, which forbids
# skips, fails).
node-tools:
	@if command -v npm >/dev/null 2>&1; then \
	  test -x $(PRISM) || npm ci --prefix tests/contract --no-audit --no-fund --silent; \
	  test -f $(AXE) || npm ci --prefix tests/browser --no-audit --no-fund --silent; \
	else echo "npm not found: contract and accessibility tests will be skipped"; fi

# A SECRET_KEY in .env (made once, never replaced) keeps staff signed in across restarts.
run: $(RUN_STAMP)
	$(VENV)/bin/reminders ensure-secret-key
	$(VENV)/bin/reminders init-db --first-admin
	$(PY) worker.py

# Lint first: a style or type error fails in seconds, before the suite's minutes; then the
# locks (a second or two, PyPI's index).
test: lint check-lock node-tools
	$(PY) -m pytest

# ruff, then mypy (strict on reminders/core, the files and flags are in pyproject.toml)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis tests/contract/node_modules tests/browser/node_modules
