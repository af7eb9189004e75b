# cognito-lab: the whole set-up is `make lab` (learn) and `make test` (check everything).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LAB_PORT ?= 8888
LAB_ARGS ?=
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

.PHONY: lab test notebooks lint install-lab install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the dependency list changes.
$(VENV)/.lab-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	touch $@ $(VENV)/.lab-installed

install-lab: $(VENV)/.lab-installed
install-test: $(VENV)/.test-installed

## make lab: open the course in JupyterLab (bound to 127.0.0.1 only)
lab: install-lab
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --notebook-dir=notebooks \
		--ServerApp.port_retries=0 $(LAB_ARGS)

## make test: lint, unit/fidelity/security/browser tests, and every notebook under nbval
test: install-test
	$(BIN)/ruff check cognito_lab tests
	$(BIN)/python -m pytest tests $(NOTEBOOKS) --nbval \
		--nbval-sanitize-with notebooks/sanitize.cfg --nbval-current-env

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

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-artifacts
