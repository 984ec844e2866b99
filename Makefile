# The two commands of the README. Both set everything up on a fresh machine.
#   make build   create .venv, install dopemail, build the sample publication
#   make test    the same set-up, then lint and the whole test suite
# The system's own Python when it is 3.11+ and can make a venv (ensurepip: Debian's
# python3-venv): Debian's and Ubuntu's is built with profile-guided and link-time optimisation
# and linked statically, and dopemail runs on it with about a fifth less CPU than on a build
# with neither and a shared libpython, as pyenv's here (bench/README.md). Otherwise python3.
# Any other: make clean build PYTHON=python3.12 (make clean removes the venv).
SYSTEM_PYTHON_BIN ?= /usr/bin/python3
SYSTEM_PYTHON := $(shell $(SYSTEM_PYTHON_BIN) -c 'import ensurepip, sys; \
	print(sys.executable if sys.version_info >= (3, 11) else "")' 2>/dev/null)
PYTHON ?= $(or $(SYSTEM_PYTHON),python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: build test lint browser peers clean

# venv --clear: a venv made by another Python (before the choice above, or with another
# PYTHON=) is made anew, not half rewritten over its old interpreter's links.
$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "dopemail needs Python 3.11 or newer")'
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Bytecode compiled as pip compiles a regular install: an editable one is compiled on first
# import, or at every start where PYTHONDONTWRITEBYTECODE is set (some containers and CI).
build: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/dopemail build

# The preview tests drive a real headless Chromium; a test puts the site online with rsync
# as the README does (both Debian packages).
browser:
	@scripts/ensure-packages

# The benchmark's tests run its peers for real: Hugo (Debian's package) and Pelican (PyPI,
# in bench/.venv-peers/).
peers: $(STAMP) browser  # after browser: both may run apt-get, which takes a lock
	$(BIN)/python bench/run.py --install-peers

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts $(wildcard bench)
	$(BIN)/ruff format --check src tests scripts $(wildcard bench)

test: $(STAMP) browser peers lint
	$(BIN)/python -m pytest

# Everything a build makes, but not the send ledger (.dopemail/sends.sqlite), its reports and
# its lock: without the ledger, dopemail send no longer knows who already has an issue.
clean:
	rm -rf $(VENV) site
	find .dopemail -mindepth 1 -maxdepth 1 ! -name 'sends.sqlite*' ! -name '*-skipped.csv' \
		! -name send.lock -exec rm -rf {} + 2>/dev/null || true
