# ganxun — 干部教育培训管理信息系统
# `make demo` and `make test` each prepare everything they need first (via `make install`).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/ganxun/web/static/vendor/.copied

.PHONY: install bytecode demo test test-sqlite test-postgres test-e2e serve clean bench pdf-fonts system-packages chromium nginx

install: $(STAMP) $(ASSETS) system-packages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(ASSETS): package.json package-lock.json scripts/vendor_assets.py
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_assets.py
	touch $(ASSETS)

# Debian packages, installed only when missing, in one apt run: chromium (browser tests drive it; Playwright's
# own browser download does not work offline), fonts-hanazono (PDFs print rare characters with it), nginx (the
# deployment tests put it in front of `ganxun serve`), poppler-utils (the PDF tests read PDFs with it).
HANAZONO := /usr/share/fonts/truetype/hanazono
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	test -f $(HANAZONO)/HanaMinA.ttf -a -f $(HANAZONO)/HanaMinB.ttf || missing="$$missing fonts-hanazono"; \
	{ test -x /usr/sbin/nginx || command -v nginx >/dev/null 2>&1; } || missing="$$missing nginx"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "安装 Debian 软件包：$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq $$missing >/dev/null; fi; \
	fi

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "安装 Debian 的 chromium（浏览器测试需要）…"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

# The deployment tests (tests/deploy/) put Debian's nginx in front of `ganxun serve`, configured as
# docs/operations.md prescribes; they run it from a temporary directory, never as the system's service.
nginx:
	@test -x /usr/sbin/nginx || command -v nginx >/dev/null 2>&1 || { \
	  echo "安装 Debian 的 nginx（部署测试需要）…"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq nginx >/dev/null; fi; }

# PDFs print rare characters (CJK Ext-A/B…) that the shipped Noto Sans SC lacks with Debian's HanaMin fonts.
pdf-fonts:
	@test -f $(HANAZONO)/HanaMinA.ttf -a -f $(HANAZONO)/HanaMinB.ttf || { \
	  echo "安装 Debian 的 fonts-hanazono（PDF 中的生僻字需要）…"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-hanazono >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq fonts-hanazono >/dev/null; fi; }

# Every `ganxun` command and test subprocess starts Python afresh: with the bytecode written beforehand it does not
# compile the project's ~150 modules again each time (0.4 s a start where PYTHONDONTWRITEBYTECODE is set, as on
# some build machines; elsewhere Python writes it on first use and this only does it earlier). Up-to-date files are
# skipped, so this costs well under a second after the first time.
bytecode: install
	$(BIN)/python -m compileall -q -j 0 src tests >/dev/null

demo: bytecode
	$(BIN)/ganxun demo

serve: bytecode
	$(BIN)/ganxun serve

test: bytecode
	$(BIN)/python scripts/run_tests.py

test-sqlite: bytecode
	$(BIN)/python scripts/run_tests.py --only sqlite

test-postgres: bytecode
	$(BIN)/python scripts/run_tests.py --only postgres

test-e2e: bytecode
	$(BIN)/python scripts/run_tests.py --only e2e

clean:
	rm -rf $(VENV) node_modules src/ganxun/web/static/vendor var
