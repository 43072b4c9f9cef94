# Two commands a new machine needs: `make build` and `make test`. Each sets everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages: WeasyPrint's libraries (Pango, HarfBuzz subsetting) to build; for the tests,
# the tools that read PDFs back and the browser the web pages are tested in.
BUILD_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
TEST_PACKAGES := poppler-utils qpdf chromium

.PHONY: setup build test bench mutation clean system-packages

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(BUILD_PACKAGES)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

system-packages:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "Please install these Debian packages (as root): $$missing" >&2; exit 1; \
	fi

build: setup
	$(BIN)/handouts build

test: setup tests/browser/node_modules
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(TEST_PACKAGES)"
	$(BIN)/python -m pytest -n 2 -q -p randomly $(if $(SEED),--randomly-seed=$(SEED))

# axe-core for the web pages' browser tests (tests/test_web_browser.py), exactly as locked.
tests/browser/node_modules: tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-packages PACKAGES=npm
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $@

bench: setup
	$(BIN)/python benchmarks/bench.py

# Mutation testing (not in CI: hours on 2 cores; see docs/testing.md). mutmut works in mutants/, a
# copy, and keeps each verdict there: a stopped run goes on where it stopped, and mutants of changed
# functions are tested again. `make mutation FRESH=1` starts over; `make mutation ONLY='pipeline.verify*'`
# tests the mutants of one area again. Its settings are [tool.mutmut] in pyproject.toml.
mutation: setup
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-mutation.lock
	$(if $(FRESH),rm -rf mutants)
	$(BIN)/mutmut run --max-children 2 $(ONLY)
	$(BIN)/python tests/mutation_summary.py

clean:
	rm -rf output mutants $(VENV)
