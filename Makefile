# Every target creates .venv when missing (upgrading pip inside it first: the machine's
# pip 23 fails on trafilatura's extras), installs the project editable, then runs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test bench bench-quality clean-output

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsclean run --raw raw --out clean

test: $(STAMP)
	$(PY) -m pytest -q

clean-output:
	find clean -mindepth 1 ! -name README.md -exec rm -rf {} +
