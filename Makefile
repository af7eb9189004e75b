# cognito-lab: the whole set-up is `make lab` (learn) and `make test` (check everything).
# Both install the locked versions in requirements/ (what CI tested and Binder installs);
# pyproject.toml keeps the ranges, `make lock` turns them into the lock.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LAB_PORT ?= 8888
LAB_ARGS ?=
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
LAB_LOCK  := requirements/lab.txt
TEST_LOCK := requirements/test.txt
# The lock tool lives in its own venv, so it never enters the course's environment.
UV_VERSION := 0.13.8
TOOLS  := .tools
LATEST := .venv-latest
LOCK_FLAGS := --universal --python-version 3.11 --fork-strategy fewest --generate-hashes --quiet
PYTEST_EVERYTHING := -m pytest tests $(NOTEBOOKS) --nbval \
	--nbval-sanitize-with notebooks/sanitize.cfg --nbval-current-env

.PHONY: lab test check notebooks lint lock lock-upgrade test-latest browser install-lab install-test clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "cognito-lab needs Python 3.11+: make PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the lock changes. The package itself goes in without dependencies:
# every dependency comes from the lock, checked against its hashes.
$(VENV)/.lab-installed: $(LAB_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LAB_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(TEST_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.lab-installed

install-lab: $(VENV)/.lab-installed
install-test: $(VENV)/.test-installed

## make lab: open the course in JupyterLab (bound to 127.0.0.1 only)
lab: install-lab
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --notebook-dir=notebooks \
		--ServerApp.port_retries=0 $(LAB_ARGS)

## make browser: find a Chromium for the browser tests, or install Playwright's
browser: install-test
	$(BIN)/python -m cognito_lab.chromium --ensure

## make test: lint and type check, unit/fidelity/security/browser tests, every notebook
test: install-test browser
	$(BIN)/ruff check cognito_lab tests
	$(BIN)/mypy
	$(BIN)/python $(PYTEST_EVERYTHING)

## make check: the quick inner loop (lint, and the tests that need no browser, no fresh
## venv and no notebook). `make test` stays the whole truth.
check: install-test
	$(BIN)/ruff check cognito_lab tests
	$(BIN)/mypy
	$(BIN)/python -m pytest tests -q --ignore=tests/browser -m "not slow"

## make notebooks: re-execute every notebook in place so stored outputs are fresh
notebooks: install-test
	cd notebooks && for nb in $(notdir $(NOTEBOOKS)); do \
		echo "executing $$nb"; \
		../$(BIN)/jupyter nbconvert --to notebook --execute --inplace "$$nb" \
			--ExecutePreprocessor.store_widget_state=False \
			--ExecutePreprocessor.timeout=120 || exit 1; \
	done

lint: install-test
	$(BIN)/ruff check cognito_lab tests
	$(BIN)/mypy

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

## make lock: resolve pyproject.toml's ranges to exact, hashed versions (for every
## platform and Python >= 3.11), keeping the locked versions that still fit; the lab lock
## is held to the test lock's versions. make lock-upgrade: move everything to the newest.
lock: $(TOOLS)/bin/uv
	$(TOOLS)/bin/uv pip compile pyproject.toml --extra lab --extra test $(LOCK_FLAGS) \
		$(LOCK_UPGRADE) -o $(TEST_LOCK)
	$(TOOLS)/bin/uv pip compile pyproject.toml --extra lab $(LOCK_FLAGS) \
		-c $(TEST_LOCK) -o $(LAB_LOCK)

lock-upgrade:
	$(MAKE) lock LOCK_UPGRADE=--upgrade

## make test-latest: the whole suite on the newest versions pyproject.toml allows, in a
## throwaway venv; first says which packages differ from the lock. Run before a workshop.
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[lab,test]"
	$(LATEST)/bin/python tools/lock_drift.py $(TEST_LOCK)
	$(LATEST)/bin/python -m cognito_lab.chromium --ensure
	$(LATEST)/bin/ruff check cognito_lab tests
	$(LATEST)/bin/mypy
	$(LATEST)/bin/python $(PYTEST_EVERYTHING)

## make site: the course website (Jupyter Book 2) in _build/html: every notebook with its
## stored outputs (nothing is executed) and the docs. Offline: the theme is site/theme/
## (no download); Mermaid and KaTeX come from npm via site/package-lock.json.
.PHONY: site readme-images wheel
SITE_NODE := site/node_modules/.package-lock.json
$(SITE_NODE): site/package-lock.json
	cd site && npm ci --no-audit --no-fund --ignore-scripts
site: install-test $(SITE_NODE)
	$(BIN)/jupyter-book build --html --ci
	@echo "the course website is in _build/html (open _build/html/index.html)"

## make readme-images: the front page's pictures in docs/images/ (notebook 07's stored chart,
## and the PKCE stepper screenshot the browser tests save in test-artifacts/screenshots/)
readme-images:
	$(PYTHON) tools/readme_images.py

## make wheel: the sdist and the wheel in dist/ (the notebooks ride along as package data)
wheel: install-test
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf $(VENV) $(TOOLS) $(LATEST) build dist _build *.egg-info .pytest_cache test-artifacts
