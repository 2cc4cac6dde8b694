# The README's two commands are `make demo` and `make test`. Both create the virtualenv
# from requirements.lock on first use (and again whenever the lock or pyproject changes).
# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (as on these machines),
# every process would otherwise recompile Airflow, dbt and Great Expectations from source.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SALESDW_HOME ?= $(CURDIR)/.salesdw
DEMO_START ?= 2026-01-01
DEMO_END ?= 2026-01-30
DEMO_SCALE ?= 1
# make demo serves to this PostgreSQL database when one answers there (and says so)
DEMO_SERVE_URI ?= postgresql://postgres@127.0.0.1:5432/salesdw

.PHONY: demo test browser lint lock venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "salesdw needs Python 3.11, got " + sys.version.split()[0] + ": set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

demo: venv
	$(BIN)/salesdw generate --out $(SALESDW_HOME)/landing --scale $(DEMO_SCALE) \
		--start $(DEMO_START) --days 30 --seed 42
	@if [ -z "$$SALESDW_SERVE_URI" ] && $(BIN)/python -m salesdw.serving.probe $(DEMO_SERVE_URI); then \
		export SALESDW_SERVE_URI=$(DEMO_SERVE_URI); \
		echo "PostgreSQL answers at $(DEMO_SERVE_URI): serving the publication there (docs/access.md)"; \
	elif [ -z "$$SALESDW_SERVE_URI" ]; then \
		echo "No PostgreSQL at $(DEMO_SERVE_URI): DuckDB-only publication. To serve it with per-login access, start PostgreSQL or set SALESDW_SERVE_URI (docs/access.md)"; \
	fi; \
	$(BIN)/salesdw run --landing $(SALESDW_HOME)/landing --from $(DEMO_START) --to $(DEMO_END)

# tests that need PostgreSQL start it when it is down (tests/pg.py); the dashboard's browser
# test drives Debian's chromium, installed here when missing (never skipped: it fails)
test: venv browser
	$(BIN)/python -m pytest -q

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the dashboard's browser test"; \
			apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
		else \
			echo "no /usr/bin/chromium and no apt-get: install chromium, or the dashboard's browser test fails" >&2; \
		fi; \
	fi

lint: venv
	$(BIN)/ruff check include dags tests bench
	$(BIN)/ruff format --check include dags tests bench

# The current lock constrains the new one: adding a dependency adds its pins and moves
# nothing else. Delete requirements.lock first for a deliberate upgrade of everything.
lock:
	cp requirements.lock .lock.previous 2>/dev/null || touch .lock.previous
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		-c .lock.previous -o requirements.lock
	rm -f .lock.previous

clean:
	rm -rf $(SALESDW_HOME) .pytest_cache
