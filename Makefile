# kiln: the two quick-start commands and a few conveniences.
#   make run    install what is missing, build, compile the bundled example
#   make test   install what is missing, build, run every test (ctest)
BUILD ?= build
JOBS  ?= $(shell nproc)
EXAMPLE := examples/mnist_cnn

.PHONY: all setup configure build test run install clean

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

run: configure
	cmake --build $(BUILD) -j $(JOBS) --target kiln
	$(BUILD)/bin/kiln compile $(EXAMPLE)/model.onnx --print-ir

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
