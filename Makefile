# The two commands of the README are `make run` and `make test`; the rest are shortcuts.
.PHONY: run test check setup lint build eval bench bench-load

run:            ## set up, build, train as needed, and serve on :5005 (REST) with actions on :5055
	scripts/run.sh

test:           ## set up as needed, run the code checks, then the whole test suite (unit and integration)
	scripts/test.sh

check:          ## ruff, mypy and the import contracts
	scripts/check.sh

setup:
	scripts/setup.sh

lint: setup
	.venv/bin/kb lint

build: setup
	.venv/bin/kb build

eval: build
	.venv/bin/kb eval ../shared/eval/dev_retrieval.jsonl

bench: build
	.venv/bin/python scripts/benchmark.py

bench-load: setup  ## load over REST at 1/10/50 conversations of 8 and 50 turns, a 2,000-turn conversation; starts the stack on RASA_PORT/ACTION_PORT (BENCH_ARGS=--quick)
	.venv-rasa/bin/python scripts/bench_load.py $(BENCH_ARGS)
