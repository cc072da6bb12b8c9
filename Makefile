# The two commands: `make run` (the demo portal) and `make test` (the whole suite on PostgreSQL).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test services lint install worker demo-smoke clean totp messages bench bench-smoke

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Links, the Mollie sandbox and its webhook calls use SITE_URL: follow the chosen port.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo ""
	@echo "  Portal:       http://127.0.0.1:$(PORT)/"
	@echo "  Back-office:  http://127.0.0.1:$(PORT)/admin/   (admin@studionoord.example)"
	@echo "                two-factor code: make totp (or add the secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ to an authenticator app)"
	@echo "  Stop with Ctrl-C."
	@echo ""
	$(BIN)/honcho start --procfile Procfile.dev --port $(PORT)

worker: install
	$(MANAGE) qcluster

# The demo staff user's current two-factor code.
totp: install
	@$(MANAGE) demo_totp

# The suite needs PostgreSQL on 127.0.0.1:5432 and Debian's Chromium (browser tests):
# start the one if it is down, install the other if it is missing.
services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { \
		echo "PostgreSQL is down; starting it."; \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start; \
		for _ in $$(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }
	@test -x /usr/bin/chromium || { \
		echo "Chromium is missing; installing it for the browser tests."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install services
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The zero-setup demo on a throw-away SQLite file: migrate and seed, twice, then every portal
# page as each demo login.
demo-smoke: install
	rm -f var/smoke.sqlite3
	DATABASE_URL=sqlite:///var/smoke.sqlite3 $(MANAGE) migrate --noinput
	DATABASE_URL=sqlite:///var/smoke.sqlite3 $(MANAGE) seed_demo
	DATABASE_URL=sqlite:///var/smoke.sqlite3 $(MANAGE) seed_demo | grep "nothing changed" >/dev/null  # reads all: no broken pipe
	DATABASE_URL=sqlite:///var/smoke.sqlite3 LOG_LEVEL=ERROR $(BIN)/python -m tests.demo_pages
	rm -f var/smoke.sqlite3

# Refresh the Dutch catalogue from the code and templates, then compile it (needs gettext).
messages: install
	$(MANAGE) makemessages -l nl --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv
# Benchmarks against PostgreSQL (docs/benchmarks.md): seeds BENCH_DATABASE_URL once per size.
BENCH_INVOICES     ?= 1000000
BENCH_CLIENTS      ?= 10000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_benchdata
BENCH_PORT         ?= 8910
BENCH_TITLE        ?= make bench, $(BENCH_INVOICES) invoices
BENCH_ARGS         ?=

bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run --database-url $(BENCH_DATABASE_URL) --port $(BENCH_PORT) \
		--invoices $(BENCH_INVOICES) --clients $(BENCH_CLIENTS) \
		--title "$(BENCH_TITLE)" --write-docs $(BENCH_ARGS)

# The whole runner at a tiny size, as a smoke test: no timing assertions, docs untouched.
bench-smoke: install
	$(BIN)/python -m bench.run --database-url $(BENCH_SMOKE_DATABASE_URL) --port $(BENCH_PORT) --fresh \
		--invoices 300 --clients 20 --big-client-invoices 60 --iterations 3 --warmup 1 \
		--wrk-seconds 2 --wrk-connections 4

BENCH_SMOKE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench_smoke

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
