# kiln: the two quick-start commands and a few conveniences.
#   make run    install what is missing, build, compile the bundled example
#   make test   install what is missing, build, run every test (ctest)
#   make asan   the same in build-asan, under AddressSanitizer + UBSan
#   make tsan   the runtime's concurrency tests in build-tsan, under ThreadSanitizer
#   make fuzz   a long libFuzzer campaign (clang-19) over every reader, build-fuzz
#   make fuzz-smoke  every fuzz target for FUZZ_SMOKE_SECONDS (CI runs it)
BUILD ?= build
JOBS  ?= $(shell nproc)
EXAMPLE := examples/mnist_cnn

.PHONY: all setup configure build test asan tsan fuzz fuzz-smoke run install clean

all: build

setup:
	@scripts/setup.sh

$(BUILD)/build.ninja: | setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

configure: setup $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# KILN_SANITIZE instruments kiln's own targets; the sanitizer options and
# suppressions (tests/sanitizers/) reach every test through ctest.
ASAN_BUILD ?= build-asan
asan: setup
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DKILN_SANITIZE="address;undefined"
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# Only what the concurrency tests need (runtime-only, no MLIR): the runtime,
# the plugins and tests/concurrency.
TSAN_BUILD ?= build-tsan
tsan: setup
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKILN_SANITIZE=thread
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target kiln-concurrency-test \
	    kiln-fault-injection-test kiln_plugin_reference
	cd $(TSAN_BUILD) && ctest --output-on-failure -j $(JOBS) -R 'Concurrency|FaultInjection'

# FUZZ_SECONDS per target (default 30 minutes); see scripts/fuzz.sh.
FUZZ_SECONDS ?= 1800
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

# Bounded fuzzing, as CI runs it after `make test`: installs clang-19, builds
# the fuzz targets in build-fuzz (ASan + UBSan + libFuzzer) and runs each for
# FUZZ_SMOKE_SECONDS from its corpus with a fixed seed; any finding fails.
FUZZ_SMOKE_SECONDS ?= 20
fuzz-smoke:
	scripts/setup.sh --fuzz
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 -DKILN_FUZZ=ON \
	    -DKILN_FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) -DKILN_FUZZ_SEED=1
	cmake --build build-fuzz -j $(JOBS) --target kiln-fuzzers
	cd build-fuzz && ctest --output-on-failure -L '^fuzz$$'

run: configure
	cmake --build $(BUILD) -j $(JOBS) --target kiln-tools
	$(BUILD)/bin/kiln compile $(EXAMPLE)/model.onnx -o $(BUILD)/mnist_cnn.kiln --report \
	    --labels $(EXAMPLE)/labels.txt --model-version 1.0
	$(BUILD)/bin/kiln run $(BUILD)/mnist_cnn.kiln --input $(EXAMPLE)/input.npy --top-k 3 \
	    --expect $(EXAMPLE)/expected_output.npy

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
