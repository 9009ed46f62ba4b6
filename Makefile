# Newsroom: `make run` starts the demo site, `make test` runs every test.
# Variables in a local .env file (see .env.example) are passed to every command.
-include .env
export

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: help run serve test lint format clean

help:
	@echo "make run    set up, load the demo newsroom and serve it on http://127.0.0.1:$(PORT)/"
	@echo "make serve  the same with production settings (DEBUG off) under gunicorn"
	@echo "make test   set up with the test tools, lint (and check imports), run every test"
	@echo "make format format the code with ruff"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --editable .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --editable '.[dev]'
	@touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py demo_admin --url http://127.0.0.1:$(PORT)/admin/
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production settings on this machine: DEBUG off, hashed static files through
# WhiteNoise, gunicorn. It is served over plain http, so the HTTPS redirect and
# secure-only cookies are off; the secret key is made once and kept (out of git), so
# logins survive a restart.
SERVE_ENV = DEBUG=false SECRET_KEY="$$(cat .serve-secret-key)" \
	ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false SECURE_COOKIES=false \
	SERVE_MEDIA=true

serve: $(VENV)/.installed .serve-secret-key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/python manage.py seed_demo --if-empty
	DEBUG=true $(BIN)/python manage.py demo_admin --url http://127.0.0.1:$(PORT)/admin/
	$(SERVE_ENV) exec $(BIN)/gunicorn -c gunicorn.conf.py

.serve-secret-key:
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
