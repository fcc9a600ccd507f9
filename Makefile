# clientgate — the README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench lock schema assets clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP) assets
	$(BIN)/clientgate migrate
	$(BIN)/clientgate demo
	$(BIN)/clientgate serve

test: $(STAMP) assets lint typecheck
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# make bench BENCH_ARGS="--small --graphql-only" (see python -m bench --help)
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { echo "make bench needs wrk: apt-get install wrk (Debian/Ubuntu) or brew install wrk" >&2; exit 2; }
	$(BIN)/python -m bench $(BENCH_ARGS)

# GraphiQL's and Swagger UI's (/docs) assets come from the npm registry (committed
# package-lock.json) when npm is present; without npm GraphiQL falls back to the CDN and /docs
# says to install them.
assets:
	@if command -v npm >/dev/null 2>&1 && [ -f package-lock.json ]; then \
		[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --silent --no-audit --no-fund; \
	else echo "npm or package-lock.json not found: GraphiQL will load its assets from the CDN, /docs needs them"; fi

# Re-resolve every dependency to a hashed lock (needs network).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

schema: $(STAMP)
	$(BIN)/clientgate export-schema -o schema.graphql

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis
