# chainleader — the only entry point. `make demo` starts the demo site; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_SETTINGS := chainleader.settings.demo
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: venv demo demo-data prod-local test fuzz drills lint fmt bench load messages clean chromium hooks

$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

venv: $(VENV)/.installed

demo-data: venv
	mkdir -p var/static
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py load_demo
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py load_demo_graph
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py mark_lagging --daily

demo: demo-data
	@echo "启动演示站点 http://127.0.0.1:$(PORT)/ （Ctrl-C 结束）"
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py task_worker & \
	  WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(VENV)/bin/gunicorn chainleader.wsgi:application \
	    --bind 127.0.0.1:$(PORT) --workers 2 --timeout 60 --env DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS)

# The production layout on this machine (docs/deploy.md): nginx over HTTPS, two gunicorn instances, two task
# workers, PostgreSQL and Redis (Debian packages, installed when absent), with the demo data. Ctrl-C stops it all.
prod-local: venv
	bash deploy/prod-local.sh run

test: venv
	mkdir -p var/static
	$(PY) -m pytest -n $(or $(JOBS),auto) $(or $(TEST),tests) $(PYTEST_ARGS)

# API fuzzing (docs/decisions/0022-api-fuzzing.md): schemathesis against the OpenAPI schema, a token per role,
# bounded (FUZZ_EXAMPLES examples per operation and generation mode, derandomized). Not part of `make test`.
fuzz: venv
	mkdir -p var/static
	$(PY) -m pytest -n $(or $(JOBS),2) -m fuzz tests/fuzz $(PYTEST_ARGS)

# Crash drills (docs/drills.md): a real task worker killed with SIGKILL mid-job, on DATABASE_URL's database when
# set (else SQLite). Not part of `make test`.
drills: venv
	mkdir -p var/static
	$(PY) -m pytest -n 0 -m drill tests/drills $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy chainleader/engines chainleader/*/services.py chainleader/*/services/ chainleader/*/selectors.py
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=chainleader.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=chainleader.settings.test $(PY) manage.py makemigrations --check --dry-run -v0

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv
	@for b in bench/*.py; do [ "$$b" = bench/load.py ] && continue; echo "== $$b"; $(PY) $$b || exit 1; done

# The load test (bench/load.py): Locust users against the production layout (make prod-local's) with the demo × 10.
load: venv
	$(PY) bench/load.py

messages: venv
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

# Debian's chromium (browser tests) and a CJK font (Chinese labels in the Word brief's charts), as .ci/run installs
# them; needs root. Without the font the charts still render, without Chinese glyphs.
chromium:
	command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || apt-get install -y -qq fonts-noto-cjk

# The checks of .pre-commit-config.yaml as a plain git hook (no pre-commit package needed): ruff, format, check,
# makemigrations --check on every commit.
hooks: venv
	printf '%s\n' '#!/bin/sh' 'set -e' '.venv/bin/ruff check --force-exclude .' '.venv/bin/ruff format --check --force-exclude .' \
	  'DJANGO_SETTINGS_MODULE=chainleader.settings.test .venv/bin/python manage.py check' \
	  'DJANGO_SETTINGS_MODULE=chainleader.settings.test .venv/bin/python manage.py makemigrations --check --dry-run -v0' \
	  > .git/hooks/pre-commit
	chmod +x .git/hooks/pre-commit

clean:
	rm -rf var/static var/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache
