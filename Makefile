# grantsfund: `make run` to use the service, `make test` to check it. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := FLASK_APP=wsgi.py $(VENV)/bin/flask
GOVUK := node_modules/govuk-frontend/dist/govuk
# Browsers treat http://127.0.0.1 as secure, but local tools do not; `make run` serves plain HTTP.
RUN_ENV := SESSION_COOKIE_SECURE=false

.PHONY: help run test install install-dev assets db seed lint fmt typecheck test-sqlite test-postgres test-browser \
        system-packages check-migrations bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

run: install assets db seed ## Install everything, migrate, load demo data once and serve on http://127.0.0.1:5000
	$(RUN_ENV) $(FLASK) run --host 127.0.0.1 --port 5000

test: install-dev assets system-packages lint test-sqlite test-postgres test-browser ## Install everything and run the whole suite

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## Create the virtual environment with the pinned packages

install-dev: $(VENV)/.installed-dev ## The same, with the test tools

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/app.css: node_modules/.installed assets/app.scss
	mkdir -p static/images
	npx sass --pkg-importer=node --style=compressed --quiet --no-source-map assets/app.scss static/app.css

static/app.js: node_modules/.installed assets/app.js assets/images/favicon.svg
	mkdir -p static/images
	cp $(GOVUK)/govuk-frontend.min.js static/
	cp assets/app.js static/app.js
	cp assets/images/favicon.svg static/images/

assets: static/app.css static/app.js ## Build the CSS and JavaScript from GOV.UK Frontend (npm)

db: install ## Bring the database schema up to date
	mkdir -p instance
	$(FLASK) db upgrade

seed: install ## Load the demo data (safe to run again)
	$(FLASK) demo seed

lint: install-dev ## Ruff (lint and format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: install-dev ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: install ## Fail if the models and the migrations disagree
	$(FLASK) db upgrade && $(FLASK) db check

system-packages: ## As root on Debian: install Chromium, PostgreSQL and Redis for the browser and database layers
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  if ! command -v chromium >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/initdb ] || ! command -v redis-server >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql redis-server >/dev/null; \
	  fi; \
	else echo "Not root on Debian: using whatever Chromium and PostgreSQL are already installed."; fi

test-sqlite: install-dev assets ## The suite on SQLite (no browser)
	$(VENV)/bin/pytest -m "not browser" -q

test-postgres: install-dev ## The suite again on a throwaway PostgreSQL
	scripts/with-postgres.sh $(VENV)/bin/pytest -m "not browser" -q

test-browser: install-dev assets ## Playwright journeys in Chromium, with axe-core checks and screenshots
	scripts/browser-tests.sh $(VENV)/bin/pytest -m browser -q

bench: install-dev assets ## Compare a signed-in page with a bare Flask + SQLAlchemy page doing the same work
	$(PY) bench/run.py

# The drills and scans run on a throwaway PostgreSQL cluster; without PostgreSQL they fail rather than skip. Its
# durability is switched off (fsync, synchronous commit), as for the tests: see docs/operations.md.
ON_POSTGRES := POSTGRES_REQUIRED=true scripts/with-postgres.sh $(PY)

.PHONY: drill-load
drill-load: install-dev assets system-packages ## Load drill: applicants, assessors and officers at once on PostgreSQL, against the baseline
	$(ON_POSTGRES) bench/drills/load.py

.PHONY: drill-soak
drill-soak: install-dev assets system-packages ## Soak: 20 people for 30 minutes on PostgreSQL; errors and each worker's memory
	$(ON_POSTGRES) bench/drills/soak.py

.PHONY: drill-outbox
drill-outbox: install-dev assets system-packages ## Outbox faults: 1,000 emails, a refusing mail server, workers killed; none lost
	$(ON_POSTGRES) bench/drills/outbox_faults.py

.PHONY: drill-backup
drill-backup: install-dev assets system-packages ## Backup and restore: pg_dump, pg_restore into a fresh database, every table compared
	$(ON_POSTGRES) bench/drills/backup_restore.py

.PHONY: drill-fuzz
drill-fuzz: install-dev assets system-packages ## Bad input at scale: 10,500 random POSTs to every form as every role; no 5xx
	$(ON_POSTGRES) bench/drills/fuzz.py

.PHONY: drill-concurrency
drill-concurrency: install-dev assets system-packages ## Budget and payment guards under 50 simultaneous requests through gunicorn
	$(ON_POSTGRES) bench/drills/concurrency.py

.PHONY: scan-packages
scan-packages: ## As root on Debian: install wapiti and sqlmap for `make scan`
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  if ! command -v wapiti >/dev/null || ! command -v sqlmap >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti sqlmap >/dev/null; \
	  fi; \
	else echo "Not root on Debian: using whatever wapiti and sqlmap are already installed."; fi

.PHONY: scan
scan: install-dev assets system-packages scan-packages ## Scan a seeded instance with wapiti (as each role) and sqlmap; fails on any finding
	$(ON_POSTGRES) -m bench.drills.scan $(SCAN_ARGS)

# --strict: a package the advisory database cannot be asked about fails the check, as an unreachable database does;
# pip-audit would otherwise skip it and report "No known vulnerabilities found".
.PHONY: audit-dependencies
audit-dependencies: install-dev ## Check every pinned Python and npm package for known vulnerabilities (fails closed)
	@$(VENV)/bin/pip-audit --strict --progress-spinner off -r requirements.txt -r requirements-dev.txt || { \
	  echo "pip-audit: a pinned Python package has a known vulnerability, or PyPI's advisory data could not be read" >&2; \
	  exit 1; }
	@npm audit --audit-level=low || { \
	  echo "npm audit: an npm package has a known vulnerability, or the registry's audit service could not be reached" >&2; \
	  exit 1; }

clean: ## Remove built files, the virtual environment and the local database
	rm -rf $(VENV) node_modules static instance .pytest_cache
