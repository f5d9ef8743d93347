# 딥러닝 실습 — RNN에서 GAN까지
#   make lab     set up (first time only) and start JupyterLab on the course
#   make test    set up (first time only) and run the whole test suite, offline
# Set-up is keyed on a hash of requirements.txt + pyproject.toml: re-running skips it when nothing changed.
# GPU=1 (e.g. `make setup GPU=1`) also installs TensorFlow's CUDA libraries (tensorflow[and-cuda]).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
GPU    ?= 0
KERNEL := dlcourse
TF_PIN := $(shell grep -E '^tensorflow==' requirements.txt)
HASH   := $(shell cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)
STAMP  := $(VENV)/.installed-$(HASH)-gpu$(GPU)
JAVA_HELP := KoNLPy needs Java (a JVM) and none was found. Install one, then run make again:\n  Debian/Ubuntu: sudo apt-get install -y default-jre-headless\n  macOS:         brew install openjdk@17\n  conda:         conda install -c conda-forge openjdk=17

BROWSER_HELP := The browser tests (tests/browser) need Chromium (Debian package) and a Korean font. Install them, then run make again:\n  Debian/Ubuntu: sudo apt-get install -y chromium fonts-nanum\n(.ci/run installs them itself.)

.PHONY: setup lab test lint execute badges lock java browser clean release grade-demo bench figures

setup: java $(STAMP)

$(STAMP):
	@rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.txt
	$(if $(filter 1,$(GPU)),$(BIN)/uv pip install -q --python $(BIN)/python "$(subst tensorflow,tensorflow[and-cuda],$(TF_PIN))")
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "딥러닝 실습 (dlcourse)"
	@touch $@
	@echo "environment ready: $(VENV) (kernel '$(KERNEL)')"

java:
	@java -version >/dev/null 2>&1 || { printf '$(JAVA_HELP)\n' >&2; exit 1; }

browser:
	@[ -x "$${DLCOURSE_CHROMIUM:-/usr/bin/chromium}" ] && [ -n "$$(fc-list :lang=ko 2>/dev/null)" ] || { printf '$(BROWSER_HELP)\n' >&2; exit 1; }

lab: setup
	$(BIN)/dlcourse lab

test: setup browser
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check dlcourse tests

# Re-run every lecture at full size and save the outputs into the notebooks (commit them).
execute: setup
	$(BIN)/dlcourse execute --full --write

badges: setup
	$(BIN)/dlcourse badges

# Redraw every lecture figure (lectures/figures/*.png) from dlcourse/diagrams; commit the PNGs.
figures: setup
	$(BIN)/python -m dlcourse.diagrams lectures/figures

# Instructor: regenerate assignments/ from solutions/ (with the leak check).
release: setup
	$(BIN)/dlcourse release

# Instructor: collect, grade and give feedback on the sample submissions in autograde/examples/ (offline, CPU).
grade-demo: setup
	$(BIN)/dlcourse demo

# Benchmarks (never part of `make test`), one after another: each prints a table of ratios measured side by
# side and writes build/bench/<name>.json; benchmarks/RESULTS.md summarises the latest figures.
bench: setup
	$(BIN)/python benchmarks/char_rnn.py
	$(BIN)/python benchmarks/word2vec.py
	$(BIN)/python benchmarks/tokenizers.py
	$(BIN)/python benchmarks/grading.py --assignment a3_char_rnn -k 4 --repeat 2
	$(BIN)/python benchmarks/lstm_kernels.py
	$(BIN)/python benchmarks/notebooks.py
	$(BIN)/python benchmarks/cgan.py
	$(BIN)/python benchmarks/gan_ring.py

# Regenerate requirements.txt from the loose list in requirements.in.
lock: setup
	$(BIN)/uv pip compile requirements.in --python-version 3.11 -o requirements.txt --quiet

clean:
	rm -rf $(VENV) build .pytest_cache
