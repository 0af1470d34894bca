# weipian: every install step lives here so a clean clone on fresh Debian 12 works.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The Debian 13 root (make test-ltr) brings its own packages and venv: there VENV=/opt/venv and SETUP is empty.
VENV      ?= .venv
SETUP     ?= apt venv
PY        := $(VENV)/bin/python
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# QGIS with its Recommends (as tested); LibreOffice and poppler (used by tests to render outputs) lean.
APT_PKGS  := qgis python3-qgis qgis-providers xvfb xauth fonts-noto-cjk pyqt5-dev-tools qttools5-dev-tools
APT_LEAN  := libreoffice-calc-nogui poppler-utils
# The throwaway PostgreSQL/PostGIS cluster of the tests (scripts/pg_cluster.sh); Debian 13 has PostgreSQL 17.
APT_PG    := postgresql-15 postgresql-15-postgis-3 python3-psycopg2
LTR_PG    := postgresql-17 postgresql-17-postgis-3 python3-psycopg2
STAGE     := build/stage
DEMO_DIR  := demo_output
QGIS_ENV  := QT_QPA_PLATFORM=offscreen QGIS_NO_OVERRIDE_IMPORT=1 PYTHONPATH=$(CURDIR)/$(STAGE)
QGIS_CUSTOM_CONFIG_PATH ?= $(HOME)/.local/share/QGIS/QGIS3
PROFILE   ?= default
# What `make test` and `make test-ltr` run, and how many times in a row (each run a fresh process; the
# first failure stops), to chase a flaky test: make test-ltr TESTS='tests/test_x.py -k name' REPEAT=20
TESTS     ?= tests
REPEAT    ?= 1
quote      = '$(subst ','\'',$(1))'

# QGIS 3.40 LTR on Debian 13 (trixie), in a chroot built once under build/ with the mirror the host's apt uses.
LTR_ROOT  := build/trixie-root
LTR_APT   := $(APT_PKGS) python3-venv git make python3-numpy python3-shapely python3-pyproj python3-pyogrio \
             python3-openpyxl python3-jinja2 python3-pandas python3-geopandas python3-pytest python3-pytestqt \
             $(LTR_PG)
# Not packaged in Debian 13: the versions requirements.txt pins.
LTR_PIP   := $(shell grep -E '^(pytest-qgis|ruff)==' requirements.txt)
LTR_MIRROR ?= $(shell apt-cache policy 2>/dev/null | awk '$$2 ~ /^(https?|file):/ {uri = $$2; suite = $$3; next} \
                /release .*l=Debian,/ && suite !~ /-/ {print uri; exit}')
LTR_READY := $(LTR_ROOT)/.weipian-ready
IN_ROOT   := scripts/in_root.sh $(LTR_ROOT)

.PHONY: help setup apt venv stage test test-ltr ltr-root demo bench bench-store package install run screenshot translations clean

help:
	@echo "make setup      install Debian packages and the Python venv (idempotent)"
	@echo "make test       run all tests headless"
	@echo "make test-ltr   run all tests on QGIS 3.40 LTR (Debian 13 chroot under $(LTR_ROOT), built once)"
	@echo "               both take TESTS='tests/test_x.py -k name' REPEAT=20 to run a subset N times (flaky tests)"
	@echo "make demo       generate the sample county and run the whole job into $(DEMO_DIR)/"
	@echo "make bench      benchmark against QGIS Processing and geopandas, then the shared-store load test"
	@echo "make bench-store  only the load test: 8 reviewers saving on one PostGIS store"
	@echo "make package    build dist/weipian_plugin.zip"
	@echo "make install    install the zip into the QGIS profile (QGIS_CUSTOM_CONFIG_PATH, PROFILE)"
	@echo "make run        open QGIS with the plugin and the demo project"
	@echo "make screenshot the README pictures, from the real QGIS desktop with the zip installed"
	@echo "make translations  refresh weipian_plugin/i18n/weipian_zh_CN.ts from the sources"

setup: $(SETUP)

apt:
	@missing() { for p in "$$@"; do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done; }; \
	full=$$(missing $(APT_PKGS)); lean=$$(missing $(APT_LEAN) $(APT_PG)); \
	if [ -n "$$full$$lean" ]; then \
	  echo "Installing Debian packages: $$full $$lean"; \
	  $(SUDO) apt-get update -q; \
	  if [ -n "$$full" ]; then DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$full; fi; \
	  if [ -n "$$lean" ]; then DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$lean; fi; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

stage: setup
	$(PY) scripts/stage.py --link $(STAGE)

# pytest runs inside a throwaway PostgreSQL cluster (scripts/pg_cluster.sh sets WEIPIAN_TEST_PG and stops it).
test: stage
	$(VENV)/bin/ruff check .
	@for i in $$(seq $(REPEAT)); do \
	  [ $(REPEAT) = 1 ] || echo "== run $$i of $(REPEAT)"; \
	  scripts/pg_cluster.sh env $(QGIS_ENV) $(PY) -m pytest $(TESTS) -q -p no:cacheprovider \
	    || { echo "== run $$i of $(REPEAT) failed"; exit 1; }; \
	done; [ $(REPEAT) = 1 ] || echo "== all $(REPEAT) runs passed"

# debootstrap once, then packages; the stamp names the package lists, so a later run skips the build
# unless they changed (then only apt and pip run again).
ltr-root: setup
	@set -euo pipefail; \
	want='$(LTR_APT) | $(APT_LEAN) | $(LTR_PIP)'; \
	if [ -f $(LTR_READY) ] && [ "$$(cat $(LTR_READY))" = "$$want" ]; then exit 0; fi; \
	if [ ! -f $(LTR_ROOT)/.weipian-debootstrap ]; then \
	  mirror='$(LTR_MIRROR)'; \
	  [ -n "$$mirror" ] || { echo "test-ltr: no Debian mirror found in apt's sources; set LTR_MIRROR=" >&2; exit 1; }; \
	  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q debootstrap; \
	  for m in proc sys dev/pts dev; do ! mountpoint -q $(LTR_ROOT)/$$m || $(SUDO) umount $(LTR_ROOT)/$$m; done; \
	  $(SUDO) rm -rf --one-file-system $(LTR_ROOT); \
	  mkdir -p $(dir $(LTR_ROOT)); \
	  echo "debootstrap trixie from $$mirror into $(LTR_ROOT)"; \
	  if ! $(SUDO) debootstrap --variant=minbase trixie $(LTR_ROOT) "$$mirror" > build/debootstrap.log 2>&1; then \
	    tail -n 20 build/debootstrap.log $(LTR_ROOT)/debootstrap/debootstrap.log 2>/dev/null >&2; \
	    echo "test-ltr: debootstrap of Debian 13 (trixie) from $$mirror failed; log in build/debootstrap.log" >&2; \
	    exit 1; \
	  fi; \
	  $(SUDO) touch $(LTR_ROOT)/.weipian-debootstrap; \
	fi; \
	printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee $(LTR_ROOT)/usr/sbin/policy-rc.d >/dev/null; \
	$(SUDO) chmod +x $(LTR_ROOT)/usr/sbin/policy-rc.d; \
	$(SUDO) $(IN_ROOT) apt-get update -q; \
	$(SUDO) $(IN_ROOT) apt-get install -y -q $(LTR_APT); \
	$(SUDO) $(IN_ROOT) apt-get install -y -q --no-install-recommends $(APT_LEAN); \
	rm -rf build/ltr-wheels; \
	$(PY) -m pip download -q --no-deps --only-binary=:all: --python-version 3.13 \
	  --platform manylinux2014_x86_64 -d build/ltr-wheels $(LTR_PIP); \
	$(SUDO) rm -rf $(LTR_ROOT)/opt/wheels $(LTR_ROOT)/opt/venv; \
	$(SUDO) cp -r build/ltr-wheels $(LTR_ROOT)/opt/wheels; \
	$(SUDO) $(IN_ROOT) python3 -m venv --system-site-packages /opt/venv; \
	$(SUDO) $(IN_ROOT) /opt/venv/bin/pip install -q --no-index --find-links /opt/wheels $(LTR_PIP); \
	echo "$$want" | $(SUDO) tee $(LTR_READY) >/dev/null

# The suite on a fresh clone of the current commit inside the root; Python deprecation warnings raised
# from weipian code are errors (pytest.ini).
test-ltr: ltr-root
	$(SUDO) rm -rf --one-file-system $(LTR_ROOT)/src
	$(SUDO) git clone -q --no-hardlinks "$(CURDIR)" $(LTR_ROOT)/src
	$(SUDO) $(IN_ROOT) env TESTS=$(call quote,$(TESTS)) REPEAT=$(REPEAT) sh -c 'cd /src && /opt/venv/bin/python -c "import qgis.core as q; print(\"QGIS\", q.Qgis.QGIS_VERSION)" \
	  && VENV=/opt/venv SETUP= make test'

demo: stage
	$(QGIS_ENV) $(PY) scripts/demo.py --out $(DEMO_DIR)

bench: stage
	$(QGIS_ENV) $(PY) scripts/bench.py $(BENCH_ARGS)
	scripts/pg_cluster.sh env $(QGIS_ENV) $(PY) scripts/bench_store.py $(BENCH_STORE_ARGS)

# Only the shared-store load test (8 reviewers saving on one PostGIS store for 60 s).
bench-store: stage
	scripts/pg_cluster.sh env $(QGIS_ENV) $(PY) scripts/bench_store.py $(BENCH_STORE_ARGS)

package: setup
	rm -rf build/package dist/weipian_plugin.zip
	$(PY) scripts/stage.py --copy build/package
	mkdir -p dist && cd build/package && $(abspath $(PY)) -m zipfile -c $(CURDIR)/dist/weipian_plugin.zip weipian_plugin
	@echo "dist/weipian_plugin.zip"

install: package
	$(PY) scripts/install_plugin.py dist/weipian_plugin.zip "$(QGIS_CUSTOM_CONFIG_PATH)/profiles/$(PROFILE)"
	QGIS_CUSTOM_CONFIG_PATH="$(QGIS_CUSTOM_CONFIG_PATH)" QT_QPA_PLATFORM=offscreen \
	  qgis_process.bin plugins enable weipian_plugin >/dev/null

run: install demo
	QGIS_CUSTOM_CONFIG_PATH="$(QGIS_CUSTOM_CONFIG_PATH)" qgis --profile $(PROFILE) $(DEMO_DIR)/weipian_demo.qgz

# The real QGIS desktop (xvfb, 1366×768, Chinese) with the zip installed in a profile under build/screenshot.
screenshot: package demo
	PYTHONPATH=$(CURDIR)/$(STAGE) $(PY) scripts/screenshot.py --zip dist/weipian_plugin.zip --demo $(DEMO_DIR) --docs docs

translations: setup
	pylupdate5 -noobsolete $$(git ls-files --cached --others --exclude-standard 'weipian_plugin/*.py' 'processing_algorithms/*.py' 'forms/*.ui') \
	  -ts weipian_plugin/i18n/weipian_zh_CN.ts

clean:
	rm -rf build dist $(DEMO_DIR)
