# pcnweb — common developer and CI tasks. `make` (or `make help`) lists them.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO ?= go

# Integration tests talk to a real PostgreSQL and Redis. Defaults match
# deploy/dev/services.sh; anything already set in the environment (or on the make
# command line) wins.
PCNWEB_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
PCNWEB_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
export PCNWEB_TEST_DATABASE_URL PCNWEB_TEST_REDIS_URL

# Pass CI through to the tests when it is set (CI=1 make test, or make test CI=1).
ifdef CI
export CI
endif

.PHONY: help demo test services bench lint

help: ## list targets
	@echo "usage: make <target>"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

demo: ## run the server with demo content (go run ./cmd/pcnweb serve --demo)
	$(GO) run ./cmd/pcnweb serve --demo

services: ## make sure PostgreSQL, Redis and Chromium are present and running (deploy/dev/services.sh)
	bash deploy/dev/services.sh

test: ## start/check services, vet, then run all tests with the race detector
	bash deploy/dev/services.sh
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 35m ./...

bench: ## run benchmarks only
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint: ## gofmt check + go vet
	@unformatted=$$(gofmt -l . | grep -v -e '^node_modules/' -e '/node_modules/' || true); \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt needed on:"; echo "$$unformatted"; exit 1; \
	fi
	$(GO) vet ./...
