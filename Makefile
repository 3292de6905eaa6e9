# Shortcuts for the commands in README.md.
.PHONY: run test demo bench load ci

# Serve on 127.0.0.1:8080 with SQLite in ./data.
run:
	go run ./cmd/ally serve

# The test suite; PostgreSQL tests run when ALLY_TEST_POSTGRES_URL is set.
test:
	go test ./...

# Fill ./data with the demo dataset.
demo:
	go run ./cmd/ally demo

# Every benchmark.
bench:
	go test -run '^$$' -bench . ./...

# The load command: seeds 100,000 partners, starts ally serve and two bare
# ceiling servers, and prints req/s and p50/p99 with ratios (docs/benchmarks.md).
load:
	go run ./cmd/allyload

# What CI runs: PostgreSQL, vet, tests with -race, benchmarks once.
ci:
	.ci/run
