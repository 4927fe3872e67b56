# mapper: every target sets up its own virtual environment first (only Python 3.11 needed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SAMPLE := sample_catalogs/pharmacy_catalog_gbk.csv

.PHONY: setup demo test lint format bench docs clean browser fuzz

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,gx]'
	touch $(STAMP)

## Check the shipped pharmacy sample against the shipped reference; print the summary and
## write every output format to out/pharmacy/. (--fail-on never: the sample has planted
## problems on purpose, and the demo should not end in a make error.)
demo: setup
	$(BIN)/mapper check $(SAMPLE) --as-of 2026-11-23 --out out/pharmacy --fail-on never

lint: setup
	$(BIN)/ruff check mapper tests bench reference_codes sample_catalogs
	$(BIN)/ruff format --check mapper tests bench
	$(BIN)/mypy

## Debian's chromium (and CJK fonts for screenshots) for tests/web, installed only when missing.
## If it cannot be installed, the browser tests skip and say why.
browser:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk; } \
		|| echo "make browser: could not install chromium; browser tests will skip" >&2

test: lint browser
	$(BIN)/pytest

## Issue 18: a larger hostile-input corpus than the one in `make test` (FUZZ_SEED, FUZZ_CASES
## per input class), then 50 runs of an input error with two cores busy: every run must exit 2.
FUZZ_SEED  ?= 1
FUZZ_CASES ?= 60
fuzz: setup
	$(BIN)/python -m tests.hostile.runner --seed $(FUZZ_SEED) --per-class $(FUZZ_CASES)
	$(BIN)/python -m tests.hostile.exit_under_load --runs 50 --busy 2

format: setup
	$(BIN)/ruff check --fix mapper tests bench
	$(BIN)/ruff format mapper tests bench

## Issue 7 (throughput at scale): national-scale reference, 1M and 10M-row catalogs (generated
## once, cached in bench/data/national/), then mapper check, the bare-polars floor and
## great-expectations in one run; issue 19: the check paired with its peers (DuckDB and
## pandera-polars on the core subset, the `bench` extra) and the text floor. Both tables go
## into docs/BENCHMARKS.md.
bench: setup
	$(BIN)/python -m pip install --quiet -e '.[dev,gx,bench]'
	$(BIN)/python bench/bench_scale.py --record
	$(BIN)/python bench/bench_peers.py --record

docs: setup
	$(BIN)/mapper rules --markdown > docs/rules.md

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
