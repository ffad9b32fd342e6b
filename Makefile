# Sanxiang — two commands: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
MANAGE := $(PY) manage.py
STAMP := .venv/.installed

.PHONY: run test setup system-deps system-deps-run lint migrations-check pytest openapi messages demo clean

run: setup system-deps-run
	$(MANAGE) migrate --noinput
	$(MANAGE) ledger_keys
	$(MANAGE) signing_ca
	$(MANAGE) demo_load
	$(MANAGE) ledger_checkpoint
	bash tools/run-server.sh

test: setup system-deps lint migrations-check pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip 'setuptools>=78.1.1'
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the running system needs (CJK fonts, ffmpeg, Graphviz), and those the tests add.
system-deps-run:
	bash tools/system-deps.sh

system-deps:
	bash tools/system-deps.sh --test

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

migrations-check: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

pytest: setup
	bash tools/run-tests.sh

# Refresh the committed OpenAPI snapshot after an intended API change.
openapi: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) export_openapi_schema --api sanxiang.api.api.api --indent 2 --sorted > docs/openapi.json

demo: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_load

clean:
	rm -rf .venv data test-results

# Refresh and compile the English catalogue (needs GNU gettext).
messages: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemessages -l en --ignore=.venv --ignore=tests --ignore='*/tests/*'
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) compilemessages -l en --ignore=.venv
