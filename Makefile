# The template's Makefile: `make demo` to see a generated project, `make test` to test the template.
.DEFAULT_GOAL := help
PYTHON ?= python3
# Python 3.12 (for Django 6.x), if this machine has one: on PATH or in pyenv.
# (pyenv's shim on PATH may exist without working, so each candidate is tried.)
PYTHON312 ?= $(shell for p in $$HOME/.pyenv/versions/3.12*/bin/python3.12 $$(command -v python3.12); do \
	"$$p" -c "" 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
BUILD := build
DEMO := $(BUILD)/my_api

.PHONY: help test demo bench soak wrk browser lint clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	@echo "==> Creating $(VENV) and installing requirements.txt"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

.venv-py312/.installed: requirements.txt
	@if [ -n "$(PYTHON312)" ]; then \
		echo "==> Creating .venv-py312 with $(PYTHON312)"; \
		$(PYTHON312) -m venv .venv-py312 && \
		.venv-py312/bin/python -m pip install --quiet --upgrade pip && \
		.venv-py312/bin/python -m pip install --quiet -r requirements.txt && \
		touch $@; \
	else echo "==> No Python 3.12 on this machine: Django 6.x runs will be skipped"; fi

browser: ## Install Debian's chromium for the browser tests, if missing (needs root)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "==> Installing Debian's chromium"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "not root: install chromium yourself (apt-get install chromium)"; fi; }

test: $(VENV)/.installed .venv-py312/.installed browser ## Install what is needed and run every test
	$(BIN)/pytest -n 2 --dist loadgroup --durations=15 tests/

wrk: ## Install wrk for the benchmark, if missing (needs root)
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then echo "==> Installing wrk (apt-get)"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }; \
		else echo "wrk is missing: install it as root (apt-get install wrk)"; exit 1; fi; }

bench: $(VENV)/.installed wrk ## Bake the defaults; wrk them against stock simplejwt (ratios, 3 rounds; at most 5 minutes)
	$(BIN)/python -m bench.lab bench

soak: $(VENV)/.installed browser ## Bake the defaults; refreshes per expiry with 1, 2, 5 tabs, then a long day of use in Chromium
	$(BIN)/python -m bench.lab soak

lint: $(VENV)/.installed ## Lint the hooks, the template tests, the laboratory and the scripts
	$(BIN)/ruff check hooks tests bench scripts

demo: $(VENV)/.installed ## Render the template with defaults, set it up and serve it on 127.0.0.1:8000
	@rm -rf $(DEMO) && mkdir -p $(BUILD)
	@echo "==> [1/4] Rendering the template with its defaults into $(DEMO)"
	$(BIN)/cookiecutter --no-input --output-dir $(BUILD) . setup_environment=no
	@echo "==> [2/4] Installing the generated project into $(DEMO)/.venv with uv (seconds, once uv's cache is warm)"
	cd $(DEMO) && $(MAKE) --no-print-directory install PYTHON=$(CURDIR)/$(BIN)/python $(if $(wildcard $(BIN)/uv),UV=$(CURDIR)/$(BIN)/uv)
	@echo "==> [3/4] Migrating the embedded SQLite database and creating the demo user"
	cd $(DEMO) && $(MAKE) --no-print-directory demo-user
	@echo ""
	@echo "==> [4/4] Serving the demo"
	@echo "    Open   http://127.0.0.1:8000/          (the demo page; Swagger UI at /api/docs/)"
	@echo "    Sign in as   demo / demo-password"
	@echo "    Try the API with curl:"
	@echo "      curl -s -c /tmp/demo-cookies.txt -H 'Content-Type: application/json' \\"
	@echo "        -d '{\"username\": \"demo\", \"password\": \"demo-password\"}' http://127.0.0.1:8000/api/token/"
	@echo "      curl -s -H \"Authorization: Bearer <access from above>\" http://127.0.0.1:8000/api/me/"
	@echo "    (refresh and logout: see 'Calling the API with curl' in $(DEMO)/README.md)"
	@echo "    Ctrl-C stops the server."
	@echo ""
	cd $(DEMO) && $(MAKE) --no-print-directory run

clean: ## Remove the build folder, virtualenvs and the test React app's node_modules
	rm -rf $(BUILD) $(VENV) .venv-py312 tests/frontends/react/node_modules
