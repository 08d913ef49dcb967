#!/bin/sh
# bench-des.sh [BINARY [ARGS...]] - run the discrete-event engine's
# benchmarks (make bench-des; docs/bench.md) and keep their results.
#
# BINARY defaults to build/bench/des_bench; ARGS go to it (Google
# Benchmark flags such as --benchmark_filter=evq or
# --benchmark_repetitions=9, or --fx-verbose / --fx-strict).  Writes
#   results/sim-bench/<host>-<date>.json  every run (Google Benchmark JSON)
#   results/sim-bench/<host>-<date>.txt   the summary table printed below
# Each file is written under a temporary name and renamed when complete.
# RESULTS_DIR overrides the directory.  Exit status: the benchmark's (0 even
# when a target is MISSed, unless --fx-strict is given).
set -u
. "$(dirname "$0")/bench-common.sh"
bench_run bench-des build/bench/des_bench results/sim-bench "takes a few minutes" "$@"
