# Two commands for everyone: `make start` serves the course, `make test` runs every check.
# Both create the virtual environment in .venv on first use.

# The first of python3.11, python3.12, python3.13, python3 that is 3.11-3.13; override with PYTHON=.
PYTHON ?= $(shell etc/setup/check-system find-python)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8888

POOL ?= 4
APPS ?=

.PHONY: start workshop test system-test lint format build check clean-venv

# etc/setup/check-system installs what is missing outside Python where it can (apt as root or
# with sudo), and otherwise stops with one line naming the command to run.
$(STAMP): pyproject.toml constraints.txt
	@etc/setup/check-system python "$(PYTHON)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

# The server command lives in one place (lib/vidensbasering/serve.py), shared with the browser
# tests and the start-up benchmark: JUPYTER_CONFIG_PATH=etc/jupyter, --allow-root when root.
start: $(STAMP)
	$(BIN)/python -m vidensbasering.serve --root "$(CURDIR)" --host $(HOST) --port $(PORT)

# A class on this machine with JupyterHub (Linux, as root): users log in with their Unix password.
# deploy/hub/jupyterhub_config.py; README "JupyterHub". Ctrl-C stops the hub and every server.
.PHONY: hub
hub: $(STAMP)
	$(BIN)/python -m vidensbasering.hub --ip $(HOST) --port $(PORT)

# Workshop mode (lib/vidensbasering/workshop.py): only the apps, read-only, POOL warm kernels
# per app; APPS=videnskvalitet serves one app (comma-separated list; default all).
workshop: $(STAMP)
	$(BIN)/python -m vidensbasering.workshop --root "$(CURDIR)" --host $(HOST) --port $(PORT) \
		--pool $(POOL) $(if $(APPS),--apps $(APPS))

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

build: $(STAMP)
	$(BIN)/vidensbasering build

check: $(STAMP)
	$(BIN)/vidensbasering check

# The browser tests need Chromium, the grading tests bubblewrap.
system-test: $(STAMP)
	@etc/setup/check-system test

test: system-test lint
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
