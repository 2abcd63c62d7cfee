# Klantcontact-check. The two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed

export ACTION_PORT ?= 5055
export RASA_PORT ?= 5005
export RASA_HOST ?= 127.0.0.1
export WEB_PORT ?= 8000
export WEB_HOST ?= 127.0.0.1
export KC_VAR_DIR ?= var
export KC_TRACKER_DB ?= $(KC_VAR_DIR)/tracker.db
export KC_SPACY_DIR ?= $(KC_VAR_DIR)/spacy-nl
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

MODEL := models/klantcontact.tar.gz
NLP_STAMP := $(KC_SPACY_DIR)/klantcontact-pipeline.json
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)

.PHONY: help install run demo shell bench test lint format validate unit unit-future train test-stories nlu-heldout nlu-eval e2e clean cluster cluster-test

help:
	@echo "make run     install what is missing, train if needed, start the bot and the web pages"
	@echo "make test    install, lint, validate, unit tests, train, story tests, NLU gate, e2e"
	@echo "make demo    like run, on a fresh demo database with example results and a demo adviser"
	@echo "make shell   chat with the bot in the terminal"
	@echo "make lint    ruff check and format check, import contracts (lint-imports); make format fixes formatting"
	@echo "make nlu-eval typed answers and FAQ on the sealed set -> docs/nlu-eval.md (in make test)"
	@echo "make bench   NLU, parser, speed and memory beside stock Rasa, 100-user load test -> docs/benchmarks.md"
	@echo "make cluster PostgreSQL, Redis, nginx on 8080, 2 Rasa replicas, 2 action servers, 2 web apps"
	@echo "make cluster-test  100 people through nginx while replicas die; nothing may be lost"

NODE_STAMP := node_modules/.package-lock.json
CHROMIUM := /usr/bin/chromium

$(INSTALLED): pyproject.toml constraints.txt
	@if [ ! -x "$(PY)" ]; then \
	  PYTHON310="$$(scripts/find-python.sh)" || exit 1; \
	  echo "Creating $(VENV) with $$PYTHON310"; \
	  "$$PYTHON310" -m venv "$(VENV)"; \
	fi
	$(PIP) install --quiet --upgrade "pip==24.3.1" "setuptools==70.3.0" "wheel==0.45.1"
	$(PIP) install --quiet -c constraints.txt -e ".[dev]"
	@scripts/install-spacy-model.sh "$(PIP)"
	@touch $@

# Front-end packages from the npm registry (pinned in package-lock.json), served locally.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "Chromium is missing: sudo apt-get install chromium" >&2; exit 1; \
	fi

install: $(INSTALLED) $(NODE_STAMP)

$(NLP_STAMP): $(INSTALLED) bot/rasa_integration/spacy_pipeline.py
	$(PY) -m bot nlp build

$(MODEL): $(INSTALLED) $(NLP_STAMP) $(TRAIN_INPUTS)
	$(RASA) train --fixed-model-name klantcontact --out models

train: $(MODEL)

run: $(MODEL) $(NODE_STAMP)
	@VENV=$(VENV) MODEL=$(MODEL) scripts/run.sh

# The cluster profile on this machine (docs/deploy.md); installs Debian's postgresql,
# redis-server and nginx when missing and run as root. Data and logs in var/cluster/.
cluster: $(MODEL) $(NODE_STAMP)
	$(PY) -m scripts.cluster up

# A fresh cluster in a temporary folder, the 100-user load test through nginx with a
# Rasa replica, an action server and PostgreSQL restarted; prints the report's path.
cluster-test: $(MODEL) $(NODE_STAMP)
	$(PY) -m scripts.cluster test

demo: $(MODEL) $(NODE_STAMP)
	@VENV=$(VENV) MODEL=$(MODEL) scripts/demo.sh

shell: $(MODEL)
	@VENV=$(VENV) MODEL=$(MODEL) scripts/shell.sh

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

validate: $(INSTALLED) $(NLP_STAMP)
	$(PY) -m bot check-content
	$(PY) scripts/validate_data.py

# Debian's PostgreSQL 15 and Redis: the store tests run on SQLite and on PostgreSQL
# (tests/postgres_server.py and tests/redis_server.py start throwaway servers).
PG_CTL := /usr/lib/postgresql/15/bin/pg_ctl
REDIS_SERVER := /usr/bin/redis-server
$(PG_CTL) $(REDIS_SERVER):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server; \
	else \
	  echo "The store tests need PostgreSQL and Redis: sudo apt-get install postgresql redis-server" >&2; exit 1; \
	fi

unit: $(INSTALLED) $(NODE_STAMP) $(PG_CTL) $(REDIS_SERVER)
	$(PY) -m pytest -q

# The same unit tests with the real clock a year ahead (time-machine): no test may
# depend on today's date.
unit-future: $(INSTALLED) $(NODE_STAMP) $(PG_CTL) $(REDIS_SERVER)
	KC_TEST_TIME_SHIFT_DAYS=365 $(PY) -m pytest -q

test-stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories \
	  --fail-on-prediction-errors --out results/core

nlu-heldout: $(MODEL)
	$(RASA) test nlu --model $(MODEL) --nlu tests/data/nlu_heldout --out results/nlu
	$(PY) scripts/check_nlu_accuracy.py results/nlu/intent_report.json --minimum 0.90

# The servers' logs stay in var/e2e/ after the run (pytest would rotate its own folders).
e2e: $(MODEL) $(NODE_STAMP) $(CHROMIUM)
	$(PY) -m pytest -q -m e2e tests/e2e --basetemp=$(KC_VAR_DIR)/e2e

# Typed answers and questions about the work on the sealed set -> docs/nlu-eval.md;
# fails below the gates (scripts/nlu_eval/__main__.py).
nlu-eval: $(MODEL)
	$(PY) -m scripts.nlu_eval

test: lint validate unit unit-future train test-stories nlu-heldout nlu-eval e2e
	@echo "All checks passed."

# Not part of `make test` (about 10 minutes on 2 cores); see docs/benchmarks.md.
bench: $(MODEL) $(NLP_STAMP)
	$(PY) -m scripts.bench

clean:
	rm -rf models results .pytest_cache .ruff_cache
