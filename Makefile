# Warranty Desk: every set-up step lives here, so a clean clone on a fresh machine needs only
# `make run` or `make test`.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME ?= .demo-home

# Qt's offscreen and Xvfb platforms, serial pty pairs, PDF rendering and barcode decoding,
# and the fonts every PDF embeds (DejaVu Sans; WenQuanYi Micro Hei for Chinese, Japanese, Korean);
# the installers: wixl and msitools build and read the MSI, desktop-file-utils checks the menu entry;
# nginx-light: tests/deploy checks and runs head office's proxy site (packaging/portal/).
DEBIAN_PACKAGES := libgl1 libegl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 \
	libxkbcommon0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 \
	xvfb xauth socat poppler-utils zbar-tools sqlite3 faketime postgresql chromium \
	fonts-dejavu-core fonts-wqy-microhei msitools wixl desktop-file-utils nginx-light

.PHONY: run test lint unit clock-shift bench soak system-packages venv clean screenshots package

run: venv
	$(BIN)/warranty-desk --home $(DEMO_HOME) init --demo
	@echo
	@for code in $$($(BIN)/warranty-desk --home $(DEMO_HOME) report warranties --csv | \
		awk -F, 'NR>1 && $$2 != "" {print $$2}' | head -n 3); do \
		echo "== warranty-desk lookup $$code"; \
		$(BIN)/warranty-desk --home $(DEMO_HOME) lookup $$code; echo; \
	done
	@# Head office (private PostgreSQL, the portal on 127.0.0.1:8800, its worker), the demo till
	@# pointed at it and synced, then the counter app when there is a screen; the script stops
	@# everything it started when the app closes.
	$(BIN)/python packaging/demo_portal.py --home $(DEMO_HOME)

test: venv lint unit clock-shift

# pytest-xdist: a worker per core, each test file kept on one worker so a file's module
# fixtures (a served portal, a demo shop) are built once, as without xdist. Each worker runs
# its own private PostgreSQL cluster (.pg/gw0, .pg/gw1 ...: tests/liveportal/served.py).
# XDIST= runs in one process.
XDIST ?= -n auto --dist loadfile

unit: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -p no:cacheprovider $(XDIST) tests

# The service, rule and metric tests again with the machine's clock a year ahead and a year back, and
# the portal's a year ahead (libfaketime): they pin the one injected clock, so the wall clock
# must not change a result.
# Monotonic time is left alone, or every timeout and backoff would jump with it.
clock-shift: venv
	@for shift in +365d -365d; do \
		echo "== service and rule tests with the system clock moved $$shift"; \
		FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$$shift" env QT_QPA_PLATFORM=offscreen \
			$(BIN)/pytest -q -p no:cacheprovider $(XDIST) \
			tests/unit/services tests/unit/rules tests/unit/metrics || exit 1; \
	done
	@# The portal tests (their own private PostgreSQL, a served portal, tills) a year ahead: the
	@# portal's clock is pinned, so the wall clock must not change a result. Monotonic time
	@# moves with the shift here, evenly, so waits keep their length: libfaketime 0.9.10 fails
	@# every sleep (EINVAL) when monotonic time is left alone, and these tests wait on processes.
	@echo "== portal tests with the system clock moved +365d"
	faketime -f "+365d" env QT_QPA_PLATFORM=offscreen \
		$(BIN)/pytest -q -p no:cacheprovider $(XDIST) tests/portal

lint: venv
	$(BIN)/ruff check warranty_desk ui printing sync portal tests
	$(BIN)/mypy warranty_desk printing sync ui portal
	$(BIN)/lint-imports

venv: system-packages $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,portal]'
	touch $(STAMP)

# Installs the Debian packages that are missing; as a non-root user it prints the line to run.
system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:" $$missing; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else \
			echo "Warranty Desk needs these Debian packages. Run, then try again:"; \
			echo "  sudo apt-get install -y $$missing"; \
			exit 1; \
		fi; \
	fi

# Every budget in DESIGN.md beside its raw floor, on a cached million-warranty shop
# (.bench-cache/, built once by demo-data); prints one table and the previous results.json
# beside it (a ratio to the floor >10% worse is named a regression), writes the new one.
# Then head office at scale (tests/bench/portal_scale.py): 200 branches push 1M events at once
# through the served portal, staff read 1M warranties and 50 signed-in customers read their
# products and claims (tests/bench/portal_customers.py); prints its own table, writes
# tests/bench/portal_results.json (BENCH_PORTAL_SCALE=0.05 runs a twentieth).
bench: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench.run --scale full
	$(BIN)/python -m tests.bench.portal_scale

# The reliability and security tests at ten times their counts (tests/soak.py): kills, fuzzed
# input, damaged files. Hours, not minutes, so it stays out of `make test`.
soak: venv
	WARRANTY_DESK_SOAK=1 QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -p no:cacheprovider \
		$(XDIST) -m soak tests

# The till as a shop installs it (packaging/README.md): the one-folder PyInstaller bundle in
# dist/warranty-desk/ (no Python needed to run it) and the MSI packing it, dist/warranty-desk-VERSION.msi.
package: venv
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
		packaging/warranty-desk.spec
	$(BIN)/python packaging/windows/build_msi.py --bundle dist/warranty-desk

clean: portal-db-stop
	rm -rf $(VENV) $(DEMO_HOME) build dist .package-cache .mypy_cache .ruff_cache .pytest_cache .pg .portal-media .portal-static .portal-logs

# Drives the counter app under a virtual screen and writes a PNG of every screen.
screenshots: venv
	xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python -m ui.tour docs/screenshots

# The head-office portal's private PostgreSQL cluster in .pg/ (unix socket only; as root it runs
# as the postgres user). The portal tests start it themselves; these are for working by hand:
#   make portal-db && export PORTAL_DATABASE_URL=$$(python3 portal/devdb.py url portal)
#   DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/warranty-desk-portal migrate | serve | worker
.PHONY: portal-db portal-db-stop

portal-db: system-packages
	$(PYTHON) portal/devdb.py createdb portal
	@echo "PORTAL_DATABASE_URL=$$($(PYTHON) portal/devdb.py url portal)"

portal-db-stop:
	$(PYTHON) portal/devdb.py stop
