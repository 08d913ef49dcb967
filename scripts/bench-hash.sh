#!/bin/sh
# bench-hash.sh [BINARY [ARGS...]] - run the hasher speed benchmark (make
# bench-hash; docs/bench.md) and keep its results.
#
# BINARY defaults to build/bench/hash_bench; ARGS go to it (Google
# Benchmark flags such as --benchmark_filter=xxh or
# --benchmark_repetitions=15, or --fx-verbose / --fx-strict).  Writes
#   results/bench-hash/<host>-<date>.json  every run (Google Benchmark JSON)
#   results/bench-hash/<host>-<date>.txt   the summary table printed below
# Each file is written under a temporary name and renamed when complete.
# RESULTS_DIR overrides the directory.  Exit status: the benchmark's (0 even
# when a ratio check FAILs, unless --fx-strict is given).
set -u
. "$(dirname "$0")/bench-common.sh"
bench_run bench-hash build/bench/hash_bench results/bench-hash "takes about two minutes" "$@"
