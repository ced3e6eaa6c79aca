# tailor — the two commands a person needs are `make run` and `make test`;
# both install missing Debian packages first (as root) and build everything.

JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_RUNS ?= 20000

.PHONY: all deps build run test test-asan fuzz bench clean

all: build

deps:
	@bash tools/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# Builds, generates the synthetic demo bank and serves it on 127.0.0.1:8000.
run: build
	./$(BUILD)/tailor demo

# Every test, under AddressSanitizer and UndefinedBehaviorSanitizer, then the
# fuzz targets for a bounded number of runs each.
test: test-asan fuzz

test-asan:
	@bash tools/install-deps.sh --test
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTAILOR_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j$(JOBS)

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTAILOR_FUZZ=ON \
	    -DTAILOR_SANITIZE=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS)
	@bash tools/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_RUNS)

bench:
	@bash tools/install-deps.sh --bench
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)
	@bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
