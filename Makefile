# GenoMap: `make run` sets up and opens the demo family; `make test` sets up and runs all tests.
DEMO_FILE ?= build/demo.genomap
PYTEST_ARGS ?=

.PHONY: run test setup setup-test demo bench screenshots clean bundle

setup:
	@packaging/dev-setup.sh

setup-test:
	@packaging/dev-setup.sh --test

demo: setup
	@mkdir -p $(dir $(DEMO_FILE))
	@[ -f $(DEMO_FILE) ] || .venv/bin/genomap demo $(DEMO_FILE)

run: demo
	.venv/bin/genomap $(DEMO_FILE)

test: setup-test
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest $(PYTEST_ARGS)

bench: setup-test
	QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/run_all.py

clean:
	rm -rf build .pytest_cache

bundle:
	packaging/build-linux.sh
