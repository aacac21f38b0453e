# Knee Helper. Two commands do all set-up on a fresh machine:
#   make run    serve the skill locally on http://127.0.0.1:5000/
#   make test   run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
# The interpreter the venv is made from: the distribution's Python 3.11 where it can make one
# (Debian and Ubuntu build it with profile-guided and link-time optimisation; on this 2-core machine
# the test suite ran about an eighth faster on it than on pyenv's default build, which has neither),
# else $(PYTHON). An existing .venv is kept: `rm -rf .venv` to change it.
VENV_PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1 \
	&& echo /usr/bin/python3.11 || echo $(PYTHON))
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

# Tests never reach the cloud: no instance-metadata look-ups, dummy credentials, a region.
TEST_ENV := AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
	AWS_SESSION_TOKEN=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 \
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null PYTHONHASHSEED=0

.PHONY: run test lint content lock clean help venv package listen browser build-KneeHelperFunction \
	stress bench capacity evaluate safety-case

help:
	@echo "make run | make test | make lint | make content | make listen | make lock"

# The dev lock (every tool, server and runtime package, with hashes) from `make lock`.
$(STAMP): requirements/dev.lock
	test -x $(PY) || $(VENV_PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip==26.3
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements/dev.lock
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m webapp --host $(HOST) --port $(PORT)

# System packages from Debian for the tests: Chromium for the simulator's browser tests (Playwright
# never downloads a browser) and espeak-ng for listening to golden SSML. Installed only when missing.
SYSTEM_BINARIES := /usr/bin/chromium /usr/bin/chromedriver /usr/bin/espeak-ng
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(SYSTEM_BINARIES) &:
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver espeak-ng

browser: $(SYSTEM_BINARIES)

# pytest-xdist with one worker more than there are cores: the modules that mostly wait on purpose
# (late and dripping servers, deadlines) are one group that one worker works through while the
# others keep the cores busy (a further worker only added start-up and contention: 240 s of CPU
# instead of 220 s, no sooner done). loadgroup: a module runs whole on one worker, so its server
# fixtures start once; big modules of small cases are spread test by test, and the longest groups
# are handed out first (--no-loadscope-reorder keeps the order tests/conftest.py gives them).
# Hypothesis runs its "ci" profile (tests/conftest.py): fewer examples in a fixed sequence; `make
# stress` runs "thorough".
# The suite starts some 40 Python processes (workers, gunicorn, subprocesses) that import the same
# modules: bytecode caches (__pycache__, gitignored) are written even where the environment says not to.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: $(STAMP) $(NODE_STAMP) $(SYSTEM_BINARIES)
	$(TEST_ENV) HYPOTHESIS_PROFILE=ci PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

PACKAGES := triage content speech dialogue kneeskill handlers composition webapp voicemodel alexa_standin simulator capacity evaluate
lint: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache  # the layer and purity contracts in pyproject.toml
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy $(wildcard $(PACKAGES)) lambda_function.py scripts bench
	# Test folders are separate roots (conftest.py in each). Some import their helpers as
	# tests.<folder>.<module>, others as siblings: check each folder as whichever it is.
	for dir in tests/*/; do \
		if ls $$dir*.py >/dev/null 2>&1; then \
			$(PY) -m mypy --explicit-package-bases $$dir >/dev/null 2>&1 \
			|| MYPYPATH=$$dir $(PY) -m mypy --explicit-package-bases $$dir || exit 1; \
		fi; \
	done

content: $(STAMP)
	$(PY) -m content.compile


# The golden vignettes played as simulated patients through lambda_handler (evaluate/, issue 13):
# prints the table, writes evaluate/results/latest.{md,json}, fails below the floors. Add
# EVALUATE_ARGS=--strict-conversation to also enforce the issue 14 question targets.
EVALUATE_ARGS ?=
evaluate: $(STAMP)
	$(TEST_ENV) $(PY) -m evaluate $(EVALUATE_ARGS)

# The clinical safety case: checks docs/safety/hazard-log.yaml (every control proven by a test that
# exists) and renders docs/safety/hazard-log.md.
safety-case: $(STAMP)
	$(PY) -m scripts.safety_case

# The long form of tests/reliability (fuzzing, security, privacy, load, faults) and its summary table.
# wrk adds a raw-throughput row; it is installed from Debian when missing.
stress: $(STAMP)
	command -v wrk >/dev/null || ($(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)
	$(TEST_ENV) $(PY) -m stress
	# Every property-based test outside tests/reliability, on the "thorough" hypothesis profile.
	$(TEST_ENV) HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -q -n auto -m hypothesis --ignore=tests/reliability

# One lock per environment, with hashes, from pyproject.toml's dependencies and extras: dev (this
# venv: tests, linters, tools), server (the web server), runtime (the Lambda package, resolved for
# Lambda's Python and platform). uv keeps the versions already locked; LOCK_ARGS=--upgrade moves them.
# server and runtime are constrained by dev, so every environment runs the versions the tests ran.
LOCK_ARGS ?=
UV_COMPILE := UV_CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/uv pip compile pyproject.toml \
	--quiet --generate-hashes $(LOCK_ARGS)
lock: $(STAMP)
	$(UV_COMPILE) --universal --python-version 3.11 --extra dev -o requirements/dev.lock
	$(UV_COMPILE) --universal --python-version 3.11 --extra server -c requirements/dev.lock -o requirements/server.lock
	$(UV_COMPILE) --python-platform $(LAMBDA_UV_PLATFORM) --python-version $(LAMBDA_PYTHON_VERSION) \
		-c requirements/dev.lock -o requirements/runtime.lock

listen: $(STAMP) /usr/bin/espeak-ng
	$(PY) scripts/listen.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis .aws-sam build

# --- AWS SAM ---------------------------------------------------------------------------------
# `sam build` calls this target (template.yaml: Metadata.BuildMethod: makefile). It copies only
# the runtime packages, installs the pinned runtime dependencies for Lambda's platform, and
# ships compiled bytecode because Lambda's code folder is read-only.
LAMBDA_PACKAGES := triage content speech dialogue kneeskill handlers composition
LAMBDA_PYTHON_VERSION := 3.14
LAMBDA_PLATFORM := manylinux2014_aarch64
LAMBDA_UV_PLATFORM := aarch64-manylinux2014

build-KneeHelperFunction:
	test -n "$(ARTIFACTS_DIR)"
	mkdir -p "$(ARTIFACTS_DIR)"
	$(PYTHON) -m pip install -q --disable-pip-version-check --target "$(ARTIFACTS_DIR)" \
		--platform $(LAMBDA_PLATFORM) --python-version $(LAMBDA_PYTHON_VERSION) \
		--implementation cp --only-binary=:all: \
		--require-hashes -r requirements/runtime.lock
	cp lambda_function.py "$(ARTIFACTS_DIR)/"
	$(PYTHON) -c 'import shutil, sys; [shutil.copytree(p, sys.argv[1] + "/" + p, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "source", "*.yaml", "*.md")) for p in sys.argv[2:]]' "$(ARTIFACTS_DIR)" $(LAMBDA_PACKAGES)
	if $(PYTHON) -c 'import sys; sys.exit(0 if "%d.%d" % sys.version_info[:2] == "$(LAMBDA_PYTHON_VERSION)" else 1)'; then \
		$(PYTHON) -m compileall -q -j 0 --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)"; \
	else \
		echo "note: bytecode not compiled: this Python is not $(LAMBDA_PYTHON_VERSION); use 'sam build --use-container'"; \
	fi

package: $(STAMP)
	rm -rf build/lambda && $(MAKE) --no-print-directory build-KneeHelperFunction ARTIFACTS_DIR=$(CURDIR)/build/lambda PYTHON=$(PY)
	cd build/lambda && zip -q -r ../knee-helper-lambda.zip .
	@du -h build/knee-helper-lambda.zip

# --- Benchmarks (bench/, issue 8) ---------------------------------------------------------------
# Knee Helper against a minimal ASK SDK skill in the same run; ratios, a table, bench/results/*.json.
# wrk (HTTP load) and zip (deployment package) come from Debian, installed only when missing.
BENCH_ARGS ?=
bench: $(STAMP)
	command -v wrk >/dev/null && command -v zip >/dev/null || { $(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk zip; }
	$(TEST_ENV) $(PY) bench/bench_skill.py $(BENCH_ARGS)
	$(PY) bench/bench_triage.py
	$(PY) bench/bench_content.py
	$(PY) bench/bench_nlu.py

# --- Capacity and cost (capacity/, issue 18) ------------------------------------------------------
# Cost per million sessions, a peak's rates and first limit, and a memory size, from the committed
# measurements (capacity/measured.json) and prices (capacity/prices.yaml). Offline, in a second.
# CAPACITY_ARGS="--measure" re-measures on loopback first; "--peak 500" a news story; "--load" the
# load simulation.
CAPACITY_ARGS ?=
capacity: $(STAMP)
	$(TEST_ENV) $(PY) -m capacity $(CAPACITY_ARGS)
