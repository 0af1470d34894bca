# weipian: every install step lives here so a clean clone on fresh Debian 12 works.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# QGIS with its Recommends (as tested); LibreOffice and poppler (used by tests to render outputs) lean.
APT_PKGS  := qgis python3-qgis qgis-providers xvfb xauth fonts-noto-cjk pyqt5-dev-tools qttools5-dev-tools
APT_LEAN  := libreoffice-calc-nogui poppler-utils
STAGE     := build/stage
DEMO_DIR  := demo_output
QGIS_ENV  := QT_QPA_PLATFORM=offscreen QGIS_NO_OVERRIDE_IMPORT=1 PYTHONPATH=$(CURDIR)/$(STAGE)
QGIS_CUSTOM_CONFIG_PATH ?= $(HOME)/.local/share/QGIS/QGIS3
PROFILE   ?= default

.PHONY: help setup apt venv stage test demo bench package install run screenshot translations clean

help:
	@echo "make setup      install Debian packages and the Python venv (idempotent)"
	@echo "make test       run all tests headless"
	@echo "make demo       generate the sample county and run the whole job into $(DEMO_DIR)/"
	@echo "make bench      benchmark against QGIS Processing and geopandas"
	@echo "make package    build dist/weipian_plugin.zip"
	@echo "make install    install the zip into the QGIS profile (QGIS_CUSTOM_CONFIG_PATH, PROFILE)"
	@echo "make run        open QGIS with the plugin and the demo project"
	@echo "make screenshot screenshot of QGIS with the review dock (for the README)"
	@echo "make translations  refresh weipian_plugin/i18n/weipian_zh_CN.ts from the sources"

setup: apt venv

apt:
	@missing() { for p in "$$@"; do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done; }; \
	full=$$(missing $(APT_PKGS)); lean=$$(missing $(APT_LEAN)); \
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

test: stage
	$(VENV)/bin/ruff check .
	$(QGIS_ENV) $(PY) -m pytest tests -q -p no:cacheprovider

demo: stage
	$(QGIS_ENV) $(PY) scripts/demo.py --out $(DEMO_DIR)

bench: stage
	$(QGIS_ENV) $(PY) scripts/bench.py $(BENCH_ARGS)

package: setup
	rm -rf build/package dist/weipian_plugin.zip
	$(PY) scripts/stage.py --copy build/package
	mkdir -p dist && cd build/package && $(CURDIR)/$(PY) -m zipfile -c $(CURDIR)/dist/weipian_plugin.zip weipian_plugin
	@echo "dist/weipian_plugin.zip"

install: package
	$(PY) scripts/install_plugin.py dist/weipian_plugin.zip "$(QGIS_CUSTOM_CONFIG_PATH)/profiles/$(PROFILE)"
	QGIS_CUSTOM_CONFIG_PATH="$(QGIS_CUSTOM_CONFIG_PATH)" QT_QPA_PLATFORM=offscreen \
	  qgis_process.bin plugins enable weipian_plugin >/dev/null

run: install demo
	QGIS_CUSTOM_CONFIG_PATH="$(QGIS_CUSTOM_CONFIG_PATH)" qgis --profile $(PROFILE) $(DEMO_DIR)/weipian_demo.qgz

screenshot: stage demo
	PYTHONPATH=$(CURDIR)/$(STAGE) xvfb-run -a -s "-screen 0 1600x1000x24" $(PY) scripts/screenshot.py --store $(DEMO_DIR) --out docs/screenshot.png

translations: setup
	pylupdate5 -noobsolete $$(git ls-files --cached --others --exclude-standard 'weipian_plugin/*.py' 'processing_algorithms/*.py' 'forms/*.ui') \
	  -ts weipian_plugin/i18n/weipian_zh_CN.ts

clean:
	rm -rf build dist $(DEMO_DIR)
