# Two commands for everyone: `make start` serves the course, `make test` runs every check.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8888
# Jupyter refuses to run as root unless told; CI and some servers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: start test lint format build check clean-venv

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

start: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter" $(BIN)/jupyter lab --no-browser \
		--ServerApp.ip=$(HOST) --ServerApp.port=$(PORT) --ServerApp.root_dir="$(CURDIR)" \
		$(ROOT_FLAG) notebooks/00-start.ipynb

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

test: lint
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
