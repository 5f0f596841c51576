#!/usr/bin/env bash
# Reproduces the search benchmark recorded in BENCHMARKS.md: 100,000 demo
# practices and 20,000 demo organizations (plus the reference data and the
# example practices) in a scratch PostgreSQL database, then `acoge bench
# search`, which times tantivy and PostgreSQL full-text search on the same
# documents and scores both on the relevance set.
#
#   bench/search.sh [REPORT.md]
#
# ACOGE_BENCH_PG names the server (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
server=${ACOGE_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
name=acoge_bench_search
report=${1:-}
cargo build --release -p acoge
acoge=target/release/acoge
data=$(mktemp -d)
trap 'rm -rf "$data"; psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
run() { "$acoge" --data-dir "$data" --database "$server/$name" "$@"; }
run import reference
run import examples
run demo-corpus --practices 100000 --organizations 20000 --seed 7
if [ -n "$report" ]; then
  run bench search --report "$report"
else
  run bench search
fi
