# Every target creates .venv when missing (upgrading pip inside it first: the machine's
# pip 23 fails on trafilatura's extras), installs the project editable, then runs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test test-unit lint bench bench-memory bench-quality bench-html bench-report clean-output chromium report screenshots docs

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,lint]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsclean run --raw raw --out clean

test: $(STAMP)
	$(PY) -m pytest -q

# the unit tests alone (no Luigi batch, subprocess or bench script): about 1,640 tests, about a
# minute of CPU, run in two processes (pytest-xdist)
test-unit: $(STAMP)
	$(PY) -m pytest -q -n 2 -m "not integration and not bench"

# ruff and mypy, as configured in pyproject.toml (the lint extra)
lint: $(STAMP)
	$(VENV)/bin/ruff check pipeline tasks tests bench
	@rm -rf .mypy-tree && mkdir -p .mypy-tree/newsclean && cp newsclean/__init__.py .mypy-tree/newsclean/ \
		&& ln -s ../../pipeline .mypy-tree/newsclean/pipeline && ln -s ../../tasks .mypy-tree/newsclean/tasks
	cd .mypy-tree && ../$(VENV)/bin/mypy --config-file ../pyproject.toml -p newsclean

# Debian's chromium and its driver, for the report's browser tests (selenium, in the test
# extra) and the screenshots (root and apt needed).
chromium:
	@{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }

report: run
	$(VENV)/bin/newsclean report --out clean

# docs/report-*.png, shown in the README: the seeds' report in headless chromium
screenshots: $(STAMP) chromium
	rm -rf /tmp/newsclean-shots && $(VENV)/bin/newsclean run --raw raw --out /tmp/newsclean-shots >/dev/null
	$(VENV)/bin/newsclean report --out /tmp/newsclean-shots
	$(PY) -m newsclean.tasks.report.browser /tmp/newsclean-shots/report/index.html docs/report-index.png --size 1280x2200
	$(PY) -m newsclean.tasks.report.browser '/tmp/newsclean-shots/report/article.html#a=004_e0a4c11860b658b6' docs/report-article.png --size 1280x1500
	$(PY) bench/chain_graph.py docs/chain-graph.png   # luigid's graph of a --chain run (docs/stages.md)

# speed (text path vs ftfy alone, 1 and 2 workers, Luigi overhead), the text path against v0.1.0
# side by side, where the CPU goes, the HTML path, and peak memory at 1k and 10k articles; reads
# ../shared when present (a few minutes)
bench: $(STAMP)
	$(PY) bench/speed.py
	$(PY) bench/versus_release.py
	$(PY) bench/budget.py
	$(PY) bench/html_path.py
	$(PY) bench/memory.py --sizes 1000 10000

# peak memory at 100k articles (about 1.5 GB of raw text in a temporary folder; long)
bench-memory: $(STAMP)
	$(PY) bench/memory.py --sizes 100000

bench-quality: $(STAMP)   # needs ../shared/bench (the dev sets); says so when absent
	$(PY) bench/quality.py
	# leave one set out: train on three dev sets, score the fourth through the full pipeline (needs the train extra: numpy, scikit-learn)
	$(PY) bench/train_blocks.py --loso aeb,wcxb-dev,dragnet-train,daniel-dev --full

# the report's size at 10k articles (goal: under 100 MB) and at one copy of the dev texts;
# needs ../shared/bench (says so when absent)
bench-report: $(STAMP)
	$(PY) bench/report_size.py --articles 897 10000

clean-output:
	find clean -mindepth 1 ! -name README.md -exec rm -rf {} +

# HTML path: trafilatura, readability-lxml, newsclean fast and default on ../shared/bench (all four
# sets, daniel-dev per language): F1/P/R and time of each, in one run; then the vote's
# leave-one-set-out table (needs the train extra). Says so and stops when ../shared is absent.
bench-html: $(STAMP)
	$(PY) bench/html_bench.py
	$(PY) bench/train_ensemble.py

# docs/configuration.md from CleanConfig's field docs (tests/test_docs.py checks it is current)
docs: $(STAMP)
	$(PY) -m newsclean.tasks.commands.config_doc > docs/configuration.md
