# sluice: build, test, demo and benchmark entry points.
#   make demo    runs the sample ETL job on data/ and shows the partitions it wrote (installs what is missing first)
#   make test    swift test, then the Python end-to-end suite against the release binary
#   make bench   the end-to-end benchmark against DuckDB, Polars and wc -l (BENCH_ROWS=... to shrink)
#   make test-spark  every job of data/jobs/ through sluice and through Spark (pyspark, local mode)
#   make bench-micro package-benchmark micro benchmarks (Benchmarks/micro: CSV parse, chunk codec, spill, hash aggregate, pipe)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := release

SWIFT       ?= swift
PYTHON      ?= python3
SCRATCH     ?= .build
SWIFT_FLAGS := --scratch-path $(SCRATCH)
SLUICE_BIN  ?= $(abspath $(SCRATCH))/release/sluice
DEMO_JOB    ?= data/jobs/daily_revenue.sql
DEMO_OUT    ?= out/daily_revenue
PYTEST_ARGS ?=
BENCH_ROWS  ?= 10000000
BENCH_REPS  ?= 5
BENCH_PEERS ?= sluice-process-w1,sluice-process-w2,sluice-thread-w1,sluice-thread-w2,duckdb,duckdb-t2,polars,polars-default,multiprocessing,wc
BENCH_DIR   ?= bench-data
MICRO_SCRATCH ?= .build-micro
BENCH_MICRO_ARGS ?=

.PHONY: deps deps-bench deps-spark build release test test-spark demo bench sample clean

deps:
	@bash scripts/deps.sh

deps-bench:
	@bash scripts/deps.sh --bench

deps-spark:
	@bash scripts/deps.sh --spark

build:
	$(SWIFT) build $(SWIFT_FLAGS)

release:
	$(SWIFT) build $(SWIFT_FLAGS) -c release

test: deps
	@echo "==> swift test"
	@$(SWIFT) test $(SWIFT_FLAGS) || { rc=$$?; echo "error: make test: 'swift test' failed (exit $$rc)" >&2; exit $$rc; }
	@echo "==> swift build -c release"
	@$(SWIFT) build $(SWIFT_FLAGS) -c release || { rc=$$?; echo "error: make test: the release build failed (exit $$rc)" >&2; exit $$rc; }
	@echo "==> pytest tests/ (SLUICE_BIN=$(SLUICE_BIN))"
	@rc=0; SLUICE_BIN="$(SLUICE_BIN)" $(PYTHON) -m pytest -q -rfE tests/ $(PYTEST_ARGS) || rc=$$?; \
	if [ "$$rc" -eq 5 ]; then echo "error: make test: pytest collected no tests in tests/ (exit 5)" >&2; exit 1; fi; \
	if [ "$$rc" -ne 0 ]; then echo "error: make test: the Python end-to-end tests failed (pytest exit $$rc)" >&2; fi; \
	exit "$$rc"

# Not part of `make test`: pyspark is large and Spark needs a Java 17 or 21 runtime
# ($$JAVA_HOME, or the first found under /usr/lib/jvm).
test-spark: deps-spark release
	@echo "==> pytest tests/spark (SLUICE_BIN=$(SLUICE_BIN))"
	@SLUICE_BIN="$(SLUICE_BIN)" $(PYTHON) -m pytest -q -rfE tests/spark $(PYTEST_ARGS)

demo: deps release
	@echo "==> sluice run $(DEMO_JOB)"
	@"$(SLUICE_BIN)" run $(DEMO_JOB)
	@echo "==> the partitions it wrote under $(DEMO_OUT)"
	@find $(DEMO_OUT) | sort | sed -e 's|[^/]*/|  |g' | head -n 24
	@echo "==> $$(find $(DEMO_OUT) -name '*.csv' | sort | head -n 1)"
	@head -n 6 "$$(find $(DEMO_OUT) -name '*.csv' | sort | head -n 1)"

# Rewrites data/ from its seeded generator (data/ is committed).
sample:
	$(PYTHON) scripts/gen_sample.py

bench: deps-bench release
	$(PYTHON) Benchmarks/e2e/gen_clickstream.py --rows $(BENCH_ROWS) --out $(BENCH_DIR)
	$(PYTHON) Benchmarks/e2e/run.py --rows $(BENCH_ROWS) --data $(BENCH_DIR) --reps $(BENCH_REPS) \
		--peers $(BENCH_PEERS) --bin "$(SLUICE_BIN)"

# Not part of `make test`: a package of its own (package-benchmark and its dependencies),
# built in release into $(MICRO_SCRATCH); BENCH_MICRO_ARGS=... passes options to
# `swift package benchmark` (e.g. --filter 'CSV.*'). Throughput is per byte or row; --scale
# prints time and allocations per run (10^6 bytes or rows) instead of per byte or row,
# which would round to 0, 1 or 2 ns and to 0 allocations.
.PHONY: bench-micro
bench-micro:
	cd Benchmarks/micro && $(SWIFT) package --scratch-path $(abspath $(MICRO_SCRATCH)) \
		--allow-writing-to-package-directory benchmark --scale $(BENCH_MICRO_ARGS)

clean:
	rm -rf $(SCRATCH) $(BENCH_DIR) tests/.pytest_cache .pytest_cache
	find tests Benchmarks scripts -name __pycache__ -type d -prune -exec rm -rf {} +
