#!/usr/bin/env bash
# Fault test (docs/performance.md): the load test with PostgreSQL stopped for LOAD_OUTAGE seconds (30) in
# the middle of the run, then started again; see scripts/loadtest.sh for every knob.
#
#   scripts/faulttest.sh                                      # 30 users, 5 minutes, 30 s outage
#   LOAD_USERS=5 LOAD_DURATION=90s LOAD_OUTAGE=15 scripts/faulttest.sh   # quick
#
# It refuses to run while tests or a benchmark use PostgreSQL (pytest, bench.run,
# /tmp/BENCH_RUNNING), marks the outage with /tmp/PG_FAULT_RUNNING, and always starts
# PostgreSQL again, even when interrupted.
export LOAD_FAULT=1
exec "$(dirname "$0")/loadtest.sh" "$@"
