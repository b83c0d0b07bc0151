# Entry points. The README's two set-up commands use `make run` and `make test`.
#   make run    build (release) and start a single-node dev ledger under ./devnet
#   make test   build with ASan+UBSan and -Werror, then run every test with ctest
#   make build  release build only
#   make bench  build and run the benchmarks
#   make attack hostile HTTP clients against a release node, honest latency during each (RELIABILITY.md)
#   make fuzz        build the libFuzzer targets (clang) in build-fuzz/ and run each for FUZZ_SECONDS
#   make fuzz-smoke  the same, each for FUZZ_SMOKE_SECONDS (CI runs this after make test)
#   make fuzz-seeds  rewrite the seed corpora in tests/fuzz/corpus/ from spec/vectors
#   make chaos  fault injection with real processes: every scenario CHAOS_ROUNDS times, a table (RELIABILITY.md)
#   make chaos-release  the same with the release node and runner of build-bench/
JOBS ?= $(shell nproc)
BUILD_DIR ?= build
TEST_BUILD_DIR ?= build-test
HOME_DIR ?= devnet
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
# Seconds per attack (and for the baseline) of make attack; slow attacks last at least 12 s.
ATTACK_SECONDS ?= 10
# 20 targets x 2 s: CI's fuzz step (cold clang build and runs) is meant to stay under 5 minutes
# on 2 cores; the cold build and 3 s runs took 545 CPU-seconds (RELIABILITY.md, CI).
FUZZ_SMOKE_SECONDS ?= 10
# Each round runs the nine fault scenarios once (two on networks of their own), about 3.5 minutes
# per round on a busy 2-core machine with the ASan build (RELIABILITY.md, run 3).
CHAOS_ROUNDS ?= 5
# make chaos CHAOS_ONLY=corrupt-store[,lossy...]: only the scenarios whose key contains one of these (jobcard_chaos --help).
CHAOS_ONLY ?=
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
# ccache, where installed, makes rebuilds in several worktrees cheap; CI does without.
LAUNCHER := $(shell command -v ccache >/dev/null 2>&1 && echo "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")

.PHONY: build run test bench attack clean fuzz fuzz-smoke fuzz-seeds fuzz-build chaos chaos-release

# The npm packages (libsodium.js, embedded in the node for the web portal;
# playwright-core for its tests), reinstalled when package-lock.json changes.
NPM_STAMP := node_modules/.jobcard-installed-lock.json
$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	cp package-lock.json $@

build: $(NPM_STAMP)
	@test -f $(BUILD_DIR)/CMakeCache.txt || cmake -S . -B $(BUILD_DIR) $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Release -DJOBCARD_BUILD_TESTS=OFF
	cmake --build $(BUILD_DIR) -j $(JOBS) --target jobcard

run: build
	@test -f $(HOME_DIR)/genesis.json || $(BUILD_DIR)/jobcard node init --dev --home $(HOME_DIR)
	$(BUILD_DIR)/jobcard node start --home $(HOME_DIR)

test: $(NPM_STAMP)
	@test -f $(TEST_BUILD_DIR)/CMakeCache.txt || cmake -S . -B $(TEST_BUILD_DIR) $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Debug -DJOBCARD_WERROR=ON -DJOBCARD_SANITIZE=ON
	cmake --build $(TEST_BUILD_DIR) -j $(JOBS)
	cd $(TEST_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: $(NPM_STAMP)
	@test -f build-bench/CMakeCache.txt || cmake -S . -B build-bench $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Release -DJOBCARD_BUILD_TESTS=ON
	cmake --build build-bench -j $(JOBS)
	build-bench/tests/bench/jobcard_bench --dir build-bench/bench-data
	build-bench/tests/bench/jobcard_state_index_bench

# The release node of build-bench, attacked by tests/tools/jobcard_attack (every attack in turn).
attack: $(NPM_STAMP)
	@test -f build-bench/CMakeCache.txt || cmake -S . -B build-bench $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Release -DJOBCARD_BUILD_TESTS=ON
	cmake --build build-bench -j $(JOBS) --target jobcard jobcard_attack
	build-bench/tests/tools/jobcard_attack --seconds $(ATTACK_SECONDS) --dir build-bench/attack-data

# -O1 -g with assertions on: fast enough to fuzz, and a broken invariant aborts.
fuzz-build:
	@test -f $(FUZZ_BUILD_DIR)/CMakeCache.txt || CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD_DIR) $(GENERATOR) $(LAUNCHER) \
	  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" -DJOBCARD_FUZZ=ON
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)

fuzz: fuzz-build
	FUZZ_BUILD_DIR=$(FUZZ_BUILD_DIR) tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	FUZZ_BUILD_DIR=$(FUZZ_BUILD_DIR) FUZZ_SEED=1 tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS)

# bundle_fuzz's seeds come from a store-backed chain, built by a test tool.
fuzz-seeds: fuzz-build
	$(FUZZ_BUILD_DIR)/fuzz/fuzz_seeds
	cmake --build $(TEST_BUILD_DIR) -j $(JOBS) --target bundle_fuzz_seeds
	$(TEST_BUILD_DIR)/tests/tools/bundle_fuzz_seeds tests/fuzz

# The test build (ASan + UBSan) of the node and the runner: the same binaries the suite's ChaosTest runs.
chaos: $(NPM_STAMP)
	@test -f $(TEST_BUILD_DIR)/CMakeCache.txt || cmake -S . -B $(TEST_BUILD_DIR) $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Debug -DJOBCARD_WERROR=ON -DJOBCARD_SANITIZE=ON
	cmake --build $(TEST_BUILD_DIR) -j $(JOBS) --target jobcard jobcard_chaos
	$(TEST_BUILD_DIR)/tests/tools/jobcard_chaos --jobcard $(TEST_BUILD_DIR)/jobcard --rounds $(CHAOS_ROUNDS) $(if $(CHAOS_ONLY),--only $(CHAOS_ONLY))

# The same scenarios against the release node (build-bench/, as make attack): recovery times of the
# binary that would run in production rather than of the ASan one (RELIABILITY.md, run 4).
chaos-release: $(NPM_STAMP)
	@test -f build-bench/CMakeCache.txt || cmake -S . -B build-bench $(GENERATOR) $(LAUNCHER) -DCMAKE_BUILD_TYPE=Release -DJOBCARD_BUILD_TESTS=ON
	cmake --build build-bench -j $(JOBS) --target jobcard jobcard_chaos
	build-bench/tests/tools/jobcard_chaos --jobcard build-bench/jobcard --rounds $(CHAOS_ROUNDS) $(if $(CHAOS_ONLY),--only $(CHAOS_ONLY))

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR) build-bench $(FUZZ_BUILD_DIR)
