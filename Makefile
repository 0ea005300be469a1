# innodrive — two commands on a fresh machine: `make demo` and `make test`.
# Everything installs itself into .venv; nothing is installed by hand.

SERVE  ?= 1
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint bench fuzz clean

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

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

# make fuzz: 10,000 hostile and generated inputs over every reader and file-taking command (issue 17)
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz.py --inputs 10000 --readme --json fuzz-summary.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out
