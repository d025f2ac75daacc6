# The two set-up commands are `make run` and `make test`; each installs what it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
export PYTHONPATH := $(CURDIR)/layers/shared:$(CURDIR)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# jsii (the CDK's bridge to Node) warns at length on every import when Node is past its end of life; the CDK still
# runs there. Its switch takes the major versions to keep quiet about: this machine's.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null)

STAGE ?= dev
CDK := node_modules/.bin/cdk
CDK_FLAGS := --no-notices --no-version-reporting
CDK_OUT ?= cdk.out

.PHONY: help run test setup prereqs lint format unit import service-key backfill-embeddings bench openapi layer-wheels synth deploy

## Every target, with what it does (this list).
help:
	@awk '/^## /{doc = doc (doc ? "\n                       " : "") substr($$0, 4); next} \
	     /^[a-z][a-z-]*:/{name = substr($$1, 1, length($$1) - 1); if (doc) printf "  %-20s %s\n", name, doc; doc = ""; next} \
	     {doc = ""}' $(MAKEFILE_LIST)

## Checks that Python 3.11+, Node and Java are installed (every target does it first).
prereqs:
	@PYTHON=$(PYTHON) scripts/check-prereqs.sh

$(PY_STAMP): pyproject.toml | prereqs
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[local,infra,dev]"
	@touch $@

$(NODE_STAMP): package.json package-lock.json | prereqs
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## Installs the Python and Node dependencies (.venv, node_modules); the other targets do it when needed.
setup: $(PY_STAMP) $(NODE_STAMP)

## The API on http://127.0.0.1:8080 (PORT overrides) with demo data, on the embedded local stack.
run: setup
	$(PY) -m infra.local.run

TEST_WORKERS ?= auto
## Every test tier against real local services (DynamoDB Local, moto's S3), started by each test worker; one worker
## per core (TEST_WORKERS=1 for one process), a test file per worker at a time; prints the slowest tests.
test: setup layer-wheels
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

## Bulk-load tech articles (JSON Lines) through the crawler endpoint of a running API: make import FILE=articles.jsonl
import: setup
	@test -n "$(FILE)" || (echo "usage: make import FILE=articles.jsonl" >&2; exit 2)
	$(PY) scripts/import_articles.py "$(FILE)"

## Create or replace a crawler's key and print it once: make service-key NAME=devdevdev-crawler [SIGNED=1] [ONLY_SIGNED=1]
service-key: setup
	@test -n "$(NAME)" || (echo "usage: make service-key NAME=<service-name> [SIGNED=1] [ONLY_SIGNED=1]" >&2; exit 2)
	@$(PY) scripts/service_key.py "$(NAME)" $(if $(SIGNED),--signed) $(if $(ONLY_SIGNED),--only-signed)

## Embed the picks that have none (failed or older than the pipeline): make backfill-embeddings [DRY_RUN=1]
backfill-embeddings: setup
	@$(PY) scripts/backfill_embeddings.py $(if $(DRY_RUN),--dry-run)

## Benchmarks on the embedded local stack (bench/README.md), results in .local/bench/ (git status stays clean):
## make bench [BENCH=notifications|similar_picks|search|cost|request_tax|cold_start] [SAVE=1 (to bench/results/, tracked)]
bench: setup
	SAVE=$(SAVE) $(PY) -m bench $(BENCH)

## The API reference from code: docs/openapi.json, docs/postman_collection.json (+ local environment), docs/errors.md
openapi: setup
	$(PY) scripts/openapi.py

## The shared layer's wheels for Lambda (arm64), from the package index; a no-op once downloaded.
layer-wheels: setup
	@$(PY) -m infra.layer

## The CloudFormation template in $(CDK_OUT)/, offline (no AWS account): make synth [STAGE=dev|prod]
synth: setup layer-wheels
	$(CDK) synth $(CDK_FLAGS) --quiet -o $(CDK_OUT) -c stage=$(STAGE)

## Deploy the stage's stack with your AWS credentials (README, "Deploy"): make deploy STAGE=dev|prod
deploy: setup layer-wheels
	$(CDK) deploy $(CDK_FLAGS) -c stage=$(STAGE)

## The unit tests only (no local services; seconds).
unit: setup
	$(PY) -m pytest tests/unit

## ruff's checks and format check, mypy (check_untyped_defs) over all the Python, and the import contracts
## (layers, no cycles; pyproject's [tool.importlinter]), as CI runs them before the tests.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

## Formats the code and applies ruff's safe fixes.
format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
