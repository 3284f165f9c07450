# The Makefile is a dependency graph: serve needs a model, a model needs the corpus, the training
# code and the venv; the venv needs pyproject.toml. Nothing is rebuilt that is up to date.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# WORKERS: processes of the service, each loads and verifies the model once. EXTRAS: what
# `make install` installs of the project (the container: EXTRAS=.). BROWSER=0: no Chromium for
# the browser test (the container has no use for it).
WORKERS ?= 1
EXTRAS  ?= .[dev]
BROWSER ?= 1

# CORPUS: the corpus folder `make train` and `make evaluate` read (docs/corpus.md); its models go
# to MODELS: models/ for this project's corpus, models/<folder name>/ for another, and its report
# to REPORTS. MODEL: the model folder `make serve` serves (default: the newest under MODELS).
CORPUS  ?= corpus
MODELS  ?= $(if $(filter corpus,$(CORPUS)),models,models/$(notdir $(abspath $(CORPUS))))
REPORTS ?= $(if $(filter corpus,$(CORPUS)),reports,$(MODELS)/reports)
MODEL   ?=

INSTALLED := $(VENV)/.installed
TRAINED   := $(MODELS)/.trained
CORPUS_FILES := $(shell find $(CORPUS) -type f \( -name '*.yaml' -o -name '*.jsonl' \) 2>/dev/null)
TRAINING  := $(wildcard training/*.py triage/*.py triage/defaults/*.yaml)

.PHONY: install lock import train serve run test evaluate bench compare lint format clean help
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

# requirements.lock holds the versions the tests last passed with (`make lock` refreshes it):
# a fresh install gets those, then the project itself without resolving anything again.
LOCK := requirements.lock
# triage/kernels.py and setup.py too: the install compiles the kernels, so a change to them rebuilds
$(INSTALLED): pyproject.toml $(LOCK) triage/kernels.py setup.py
	@echo "Installing into $(VENV) the versions of $(LOCK) (the first time takes a few minutes)..."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e '$(EXTRAS)'
	@# the browser test drives Debian's Chromium (Playwright's own browser download is not reachable)
	[ "$(BROWSER)" = 0 ] || command -v chromium >/dev/null || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "no Chromium: the browser test will skip"
	$(BIN)/python -c "import triage.kernels as k; k.COMPILED or print('warning: triage/kernels.py is not compiled (no C compiler?): the analysis runs interpreted, slower')"
	touch $@

install: $(INSTALLED)  ## create .venv and install the project with its dev extras

lock:  ## resolve pyproject.toml's dependencies afresh into requirements.lock (then run the tests)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet '.[dev]'
	( echo "# pip freeze of a fresh install of .[dev]: \`make lock\` writes it, \`make install\` installs it"; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^lip-twitch-triage' ) > $(LOCK)
	rm -rf .venv-lock build *.egg-info

$(TRAINED): $(INSTALLED) $(CORPUS_FILES) $(TRAINING)
	@echo "Training a model from $(CORPUS)/ (this project's: about 20 minutes on two cores; the steps follow)..."
	$(BIN)/python -m training.train --corpus $(CORPUS) --models $(MODELS)
	touch $@

# CSV=file TEXT=column LABEL=column OUT=folder: a corpus from a CSV of labelled descriptions
import: $(INSTALLED)  ## write a corpus OUT from CSV (columns TEXT and LABEL): docs/corpus.md
	@test -n "$(CSV)" -a -n "$(TEXT)" -a -n "$(LABEL)" -a -n "$(OUT)" || \
	  { echo "usage: make import CSV=data.csv TEXT=column LABEL=column OUT=folder" >&2; exit 2; }
	$(BIN)/python -m training.import_csv "$(CSV)" --text "$(TEXT)" --label "$(LABEL)" --out "$(OUT)"

train: $(TRAINED)  ## build a model of CORPUS (default corpus/) into MODELS (only when something changed)
	$(BIN)/python -m training.train --show --models $(MODELS)

# with MODEL=models/<version>, that model is served as it is: nothing is trained
serve: $(if $(MODEL),$(INSTALLED),$(TRAINED))  ## install, train if needed, and serve on $(HOST):$(PORT) with $(WORKERS) workers
	@$(MAKE) --no-print-directory run

run:  ## serve the model there is, no install or training step (the container's start command)
	TRIAGE_MODELS_DIR=$(MODELS) $(if $(MODEL),TRIAGE_MODEL_PATH=$(MODEL)) \
	  $(BIN)/python -m service serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: $(INSTALLED)  ## run the whole test suite
	$(BIN)/python -m pytest

evaluate: $(TRAINED)  ## write the report of CORPUS's model to REPORTS; stop on a failed quality gate
	$(BIN)/python -m training.evaluate --corpus $(CORPUS) --models $(MODELS) --reports $(REPORTS)

bench: $(TRAINED)  ## run the benchmarks into benchmarks/results.json
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m benchmarks.run

# The representation comparison needs PyTorch, which serving must never import: its own venv.
COMPARE_VENV := .venv-compare
$(COMPARE_VENV)/.installed: pyproject.toml
	test -x $(COMPARE_VENV)/bin/python || $(PYTHON) -m venv $(COMPARE_VENV)
	$(COMPARE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COMPARE_VENV)/bin/python -m pip install --quiet -e '.[compare]'
	touch $@

compare: $(COMPARE_VENV)/.installed  ## measure the detector's representations (heavy: own venv with torch)
	$(COMPARE_VENV)/bin/python -m training.representations

lint: $(INSTALLED)  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:  ## remove generated models and reports (keeps .venv)
	rm -rf models/*/ $(TRAINED) reports
