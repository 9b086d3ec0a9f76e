# Two commands for a fresh machine: `make run` and `make test`.
# Everything else here is what those two need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# Test processes (pytest-xdist); TEST_WORKERS=0 runs them in this one.
TEST_WORKERS ?= 2
export XARXA_VAR_DIR ?= $(CURDIR)/var
# The address served is an allowed host (set XARXA_ALLOWED_HOSTS for a name).
export XARXA_ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1],$(HOST)

.PHONY: run test setup system-deps browser-deps migrate demo-if-empty serve lint typecheck bench bench-pages clean messages

run: setup migrate demo-if-empty serve

test: setup browser-deps
	$(BIN)/ruff check xarxa tests bench
	$(BIN)/mypy xarxa
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Debian packages the project needs: gettext to compile the translations,
# Pango, HarfBuzz's subsetter (fonts cut to the glyphs used) and a font for
# WeasyPrint to lay out the PDF reports.
system-deps:
	@command -v msgfmt >/dev/null || { \
	  echo "Installing Debian packages: gettext"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gettext; }
	@{ ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset \
	   && test -d /usr/share/fonts/truetype/dejavu; } || { \
	  echo "Installing Debian packages: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	    libharfbuzz-subset0 fonts-dejavu-core; }

# Debian's Chromium for the browser tests (Playwright drives it: no browser
# is downloaded from elsewhere), and poppler-utils to read the PDFs back.
browser-deps:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian packages: chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; }
	@command -v pdftotext >/dev/null || { \
	  echo "Installing Debian packages: poppler-utils (the tests read the PDF reports back)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq poppler-utils; }

# Front-end packages from npm, as pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  echo "Installing Debian packages: nodejs npm"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The virtual environment, installed from the pinned constraints; redone when
# pyproject.toml or the constraints change.
$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

setup: system-deps $(VENV)/.installed node_modules/.installed
	cd xarxa && ../$(BIN)/xarxa compilemessages -v 0
	$(BIN)/xarxa collectstatic --noinput -v 0

migrate: setup
	$(BIN)/xarxa migrate --noinput -v 0

demo-if-empty: migrate
	$(BIN)/xarxa demo --if-empty

serve:
	@echo "Xarxa is served at http://$(HOST):$(PORT)/ (stop with Ctrl-C)"
	$(BIN)/gunicorn xarxa.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
	  --access-logfile - --forwarded-allow-ips=127.0.0.1

lint: setup
	$(BIN)/ruff check xarxa tests bench
	$(BIN)/mypy xarxa

# Refresh the catalogues after changing user-facing strings.
messages: setup
	cd xarxa && for l in ca es en; do ../$(BIN)/xarxa makemessages -l $$l --no-obsolete -v 0; done

bench: setup
	$(BIN)/python bench/import_popolo.py $(BENCH_ARGS)

# The pages at 100,000 organisations (docs/performance.md); PAGES_ARGS=--scale 0.01 for a quick look.
bench-pages: setup
	$(BIN)/python bench/pages.py $(PAGES_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache node_modules
