# innodrive — two commands on a fresh machine: `make demo` and `make test`.
# Everything installs itself into .venv; nothing is installed by hand.

SERVE  ?= 1
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-quick lint bench fuzz clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# make demo: build the demo database, then serve it (make demo SERVE=0 stops after the build)
demo: $(STAMP)
	$(BIN)/python -m innodrive.demo
	@if [ "$(SERVE)" != "0" ]; then $(BIN)/python -m innodrive.web.demo; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

# make test: lint, then the whole suite on every core (pytest-xdist; TEST_WORKERS=1 runs it in one
# process). CI runs everything; locally `make test-quick` skips the slow, browser and PostgreSQL tests.
# A worker that dies (a test killed its own process) fails the run instead of being replaced:
# after a replaced worker the run has been seen to hang.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --max-worker-restart 0

test: lint
	$(PYTEST)

test-quick: lint
	$(PYTEST) -m "not slow and not browser and not postgres"

bench: $(STAMP)
	$(BIN)/python bench/run.py

# make fuzz: 10,000 hostile and generated inputs over every reader and file-taking command (issue 17)
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz.py --inputs 10000 --readme --json fuzz-summary.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out
