# vf-node: every task CI runs is a target here, so local runs and CI never differ.
.DEFAULT_GOAL := help
CARGO ?= cargo
DATA_DIR ?= ./vf-data
LISTEN ?= 127.0.0.1:8080

.PHONY: help run run-network test test-rust schema schema-check compat tripwire deny bench lint fmt ci

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: ## Run one node on the embedded default (SQLite in ./vf-data) at http://127.0.0.1:8080/graphql
	$(CARGO) run --release -p valueflows-node --bin vf-node -- serve --data-dir $(DATA_DIR) --listen $(LISTEN)

run-network: ## Run three local nodes federating in a line (A - B - C); prints their GraphiQL URLs and admin tokens
	$(CARGO) build --release -p valueflows-node --bin vf-node
	./examples/network/run.sh

test: tripwire test-rust compat ## All tests: unit, property, end-to-end (SQLite and PostgreSQL), schema compatibility

test-rust:
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

schema: ## Regenerate schema/valueflows.graphql from the code
	$(CARGO) run -q -p valueflows-node --bin vf-node -- schema > schema/valueflows.graphql

VF_COMPAT ?= ../shared/tools/vf-compat/run

compat: ## Check schema/valueflows.graphql against the whole vf-graphql 0.9.0-alpha.10 reference (needs npm)
	@if [ -x "$(VF_COMPAT)" ]; then \
	  out=$$($(VF_COMPAT) schema/valueflows.graphql); echo "$$out" | tail -1; \
	  unexpected=$$(echo "$$out" | grep '^BREAKING' | grep -vxF -f schema/compat-exceptions.txt || true); \
	  if [ -n "$$unexpected" ]; then echo "$$unexpected"; exit 1; fi; \
	  echo "compat: every breaking change is one of schema/compat-exceptions.txt (Agent.claims* typed ClaimConnection, see README)"; \
	elif [ "$$CI" = "true" ]; then echo "compat: $(VF_COMPAT) not found (CI needs it)"; exit 1; \
	else echo "compat: SKIPPED ($(VF_COMPAT) not found; set VF_COMPAT to the vf-compat checker)"; fi

tripwire: ## The model crate must stay free of IO and framework crates
	@deps=$$($(CARGO) tree -p valueflows-model -e normal --prefix none | grep -E '^(tokio|axum|async-graphql|sea-orm|reqwest) ' || true); \
	if [ -n "$$deps" ]; then echo "valueflows-model pulls in: $$deps"; exit 1; else echo "tripwire: valueflows-model is free of tokio, axum, async-graphql, sea-orm, reqwest"; fi

deny: ## Licenses, banned crates and sources of the dependency tree (cargo-deny, deny.toml)
	@command -v cargo-deny >/dev/null || { echo "deny: cargo-deny is missing: cargo install --locked cargo-deny"; exit 1; }
	$(CARGO) deny check --hide-inclusion-graph bans licenses sources

BENCH_PG ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)

bench: ## Criterion benchmarks and the HTTP load tool (release build)
	$(CARGO) bench -p valueflows-model --bench fold -- --warm-up-time 1 --measurement-time 5
	$(CARGO) bench -p valueflows-node --bench trace
	$(CARGO) bench -p valueflows-node --bench auth
	$(CARGO) bench -p valueflows-federation --bench verify
	$(CARGO) build --release -p valueflows-node -p vf-tests
	./target/release/vf-load --events 100000 --clients 16 --seconds 20 --mixed-seconds 0
	for c in 16 64; do ./target/release/vf-load --events 0 --clients $$c --seconds 0 --mixed-seconds 20 || exit 1; done
	for c in 16 64; do ./target/release/vf-load --postgres $(BENCH_PG) --events 0 --clients $$c --seconds 0 --mixed-seconds 20 || exit 1; done
	./target/release/vf-sync-bench --ops 100000 --samples 200 --idle-sizes 10000,1000000

lint: ## rustfmt check, clippy and rustdoc with warnings as errors
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

fmt: ## Format the code
	$(CARGO) fmt --all

ci: lint deny test ## What CI runs
