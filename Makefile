# Two commands: `make demo` (sia on the bundled sample data) and `make test` (lint + tests).
# Both create .venv when missing and install sia with the pinned dependencies of constraints.txt.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sia-installed
EXTRAS := dev,ray,lingua,plot

.PHONY: demo test install lint bench clean-demo chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/sia clean examples/000_fc034b1a7ebc7edf.txt examples/sample-0000.warc.gz \
		examples/whirlwind.warc.wet.gz examples/pages -o out/demo --format jsonl

# The report test drives a real headless Chromium; install Debian's when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
		else echo "chromium missing: run 'sudo apt-get install chromium'"; exit 1; fi; }

lint: install
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples

test: install chromium lint
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[bench]"
	@echo "see BENCHMARKS.md for each benchmark's command"

clean-demo:
	rm -rf out/demo
