# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs what running needs, `make test` adds the test tools.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# The suite on two workers (pytest-xdist): ~10 min on one core of this 2-core machine.
# `make test PYTEST_ARGS=tests/cli` runs a part, on one.
PYTEST_ARGS ?= -n 2
# `make install`: the command for this user, outside the checkout.
TOOL_HOME ?= $(HOME)/.local/share/leaddesk/venv
TOOL_BIN ?= $(HOME)/.local/bin

.PHONY: run test install bench lint format clean

$(BIN)/python:
	@echo "setting up $(VENV) (once; about a minute) …"
	@$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@$(PIP) -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	@$(BIN)/leaddesk $(ARGS)

# pipx or uv when the machine has one; else a private venv linked into ~/.local/bin.
install:
	@if command -v pipx >/dev/null 2>&1; then pipx install --force . ; \
	elif command -v uv >/dev/null 2>&1; then uv tool install --force . ; \
	else $(PYTHON) -m venv $(TOOL_HOME) && \
		$(TOOL_HOME)/bin/python -m pip install --quiet --disable-pip-version-check . && \
		mkdir -p $(TOOL_BIN) && ln -sf $(TOOL_HOME)/bin/leaddesk $(TOOL_BIN)/leaddesk && \
		echo "installed $(TOOL_BIN)/leaddesk"; fi
	@case ":$$PATH:" in *":$(TOOL_BIN):"*) ;; \
		*) echo "add $(TOOL_BIN) to your PATH to type leaddesk anywhere";; esac

test: $(TEST_STAMP)
	$(BIN)/ruff check leaddesk tests bench
	$(BIN)/ruff format --check leaddesk tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check leaddesk tests bench
	$(BIN)/ruff format leaddesk tests bench

clean:
	rm -rf $(VENV) build *.egg-info
