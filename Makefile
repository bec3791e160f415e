# NTM Portal – the two commands of the README, and their parts.
#   make run    set up everything, load reference + demo data, serve on :8000
#   make test   set up everything and run the test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test setup data accounts lint check migrations-check browser clean-demo messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

data: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py load_reference
	$(PY) manage.py load_demo_data

accounts: setup
	$(PY) manage.py create_demo_accounts

run: data accounts
	DEBUG=true $(PY) manage.py runserver $(HOST)

# As in production: gunicorn (gunicorn.conf.py) and whitenoise on DATABASE_URL. With
# DJANGO_ENV=production it refuses to start without the variables of docs/deploy.md.
.PHONY: serve
serve: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v0
	exec $(VENV)/bin/gunicorn

# Browser tests drive Debian's chromium through Playwright (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: setup browser
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The print check (tests/reports/test_print.py): every registered report built on the demo
# data, printed to PDF by Debian's LibreOffice headless (installed here with apt-get when
# missing, never downloaded) and read back: no words over each other, all on the page.
.PHONY: print-tools print-check
print-tools:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "Installing Debian's LibreOffice Calc (headless) for the print check…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-calc-nogui >/dev/null; }

print-check: setup print-tools
	$(PY) -m pytest -q -m print -s tests/reports/test_print.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

clean-demo: setup
	$(PY) manage.py remove_demo_data

# Re-extract the interface strings and compile the English catalogue (needs GNU gettext).
messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=test-output
	$(PY) manage.py compilemessages -l en -l vi  # vi: third-party strings only, kept by hand

# National-scale benchmark (docs/performance.md): SQLite always, PostgreSQL too when DATABASE_URL points to it.
# BENCH_SCALE communes (default 10000); BENCH_REPEAT (≤ 30, the official count) for quick runs.
BENCH_SQLITE := sqlite:///$(CURDIR)/bench-output/bench.sqlite3
.PHONY: bench
# make bench PART=field: a phone on a 3G link in Debian's chromium (bench/field.py).
bench: setup
ifeq ($(PART),field)
	@$(MAKE) --no-print-directory browser
	$(VENV)/bin/pip install --quiet -e ".[dev,bench]"
	$(PY) -m bench.field
else
	$(VENV)/bin/pip install --quiet -e ".[dev,bench]"
	mkdir -p bench-output
	DATABASE_URL=$(BENCH_SQLITE) $(PY) -m bench.run
	@case "$$DATABASE_URL" in \
	  postgres://*|postgresql://*) $(PY) -m bench.run ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: measured SQLite only." ;; \
	esac
endif

# Backup and restore of the PostgreSQL database of DATABASE_URL and of MEDIA_ROOT
# (docs/operations.md). BACKUP_DIR and BACKUP_KEEP are read by scripts/backup.sh.
.PHONY: backup restore
backup:
	scripts/backup.sh

# make restore BACKUP=backups/2026-11-25T030000 [FORCE=1]: into an empty database only, unless FORCE.
restore:
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/<folder> [FORCE=1]" >&2; exit 2; }
	scripts/restore.sh $(if $(FORCE),--force) "$(BACKUP)"

# Load test (docs/performance.md): gunicorn as in production on DATABASE_URL (default
# the national-scale ntm_scale_c), 30 Locust users for 5 minutes, report in bench-output/.
# LOAD_USERS, LOAD_DURATION, LOAD_FAULT=1 (stop PostgreSQL 30 s mid-run): see scripts/loadtest.sh.
.PHONY: loadtest
loadtest: setup
	$(VENV)/bin/pip install --quiet -e ".[dev,load]"
	scripts/loadtest.sh
