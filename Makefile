# SpacePanda MLS: `make demo` runs the main job, `make test` the whole test suite.
# Both install the Debian packages they need when missing, then build.

SWIFT ?= swift
VECTORS ?= $(or $(MLS_TEST_VECTORS),../shared/test-vectors)
HPKE_VECTORS ?= $(or $(MLS_HPKE_VECTORS),../shared/hpke-vectors/test-vectors.json)
DEB_PACKAGES := libssl-dev libsodium-dev libargon2-dev pkg-config

.PHONY: deps build demo test conformance lint format fuzz bench sanitize sanitize-address sanitize-thread

deps:
	@./scripts/install-deps.sh $(DEB_PACKAGES)

build: deps
	$(SWIFT) build

# The main job: build the release CLI, run the official vectors, then the narrated demo of
# every security property (each step exits non-zero on a failure).
demo: conformance
	.build/release/spacepanda demo

conformance: deps
	$(SWIFT) build -c release --product spacepanda
	.build/release/spacepanda conformance $(VECTORS) $(HPKE_VECTORS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

lint:
	$(SWIFT) format lint --strict -r Package.swift Sources Tests

format:
	$(SWIFT) format format -i -r Package.swift Sources Tests

# libFuzzer over every decoder target for SECONDS each (scripts/fuzz.sh; crashes in fuzz-artifacts/).
SECONDS ?= 30
fuzz: deps
	./scripts/fuzz.sh $(SECONDS)

# Benchmarks in release mode (docs/BENCHMARKS.md), e.g. BENCH_ARGS="--json --large".
BENCH_ARGS ?=
bench: deps
	$(SWIFT) run -c release spacepanda-bench $(BENCH_ARGS)

# The whole test suite under AddressSanitizer, then ThreadSanitizer, each in its own scratch
# folder so neither invalidates the other (or the normal .build). Slow: minutes per sanitizer.
sanitize: sanitize-address sanitize-thread

sanitize-address: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

sanitize-thread: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
