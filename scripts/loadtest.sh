#!/usr/bin/env bash
# Load test (`make loadtest`): gunicorn as in production on PostgreSQL, Locust
# headless (loadtest/locustfile.py), then a check for half-written data and a report in
# bench-output/loadtest-<date-time>.md. Not a unit test; it asserts nothing by itself.
#
#   make loadtest                                  # official: 30 users, 5 minutes
#   LOAD_USERS=5 LOAD_DURATION=40s make loadtest   # quick
#   LOAD_FAULT=1 make loadtest                     # stops PostgreSQL 30 s mid-run (scripts/faulttest.sh)
#
# DATABASE_URL     PostgreSQL with the national-scale dataset, demo data and demo accounts
#                  (default postgres://postgres@127.0.0.1:5432/ntm_scale_c)
# LOAD_USERS       simulated users (30)          LOAD_SPAWN_RATE  users started per second (5)
# LOAD_DURATION    locust -t: 5m, 40s, 1h30m (5m)
# LOAD_PORT        gunicorn's port on 127.0.0.1 (8099)
# LOAD_FAULT       1: stop PostgreSQL (pg_ctlcluster $LOAD_PG_CLUSTER, default "15 main") for
#                  about LOAD_OUTAGE seconds (≤ 30, default 30: from the stop command to accepting
#                  connections again) starting LOAD_OUTAGE_AT seconds into the run (the middle)
#                  It refuses while tests or benchmarks may use PostgreSQL (pytest, bench.run,
#                  /tmp/BENCH_RUNNING); LOAD_FAULT_FORCE=1 skips that check, for a cluster of
#                  the load test's own (LOAD_PG_CLUSTER="15 loadtest", DATABASE_URL on its port).
# LOAD_KEEP_DATA   1: keep the visits and imports the run wrote (default: deleted after the check)
# GUNICORN_*       as in production (gunicorn.conf.py): workers, threads, timeout…
#
# Exit status: 0 when the run completed and nothing was half-written; 1 otherwise.
# Targets (0 errors, page p95 < 1 s, export p95 < 5 s) are judged in the report.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
PY=$VENV/bin/python

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ntm_scale_c}
USERS=${LOAD_USERS:-30}
SPAWN_RATE=${LOAD_SPAWN_RATE:-5}
DURATION=${LOAD_DURATION:-5m}
PORT=${LOAD_PORT:-8099}
FAULT=${LOAD_FAULT:-0}
OUTAGE=${LOAD_OUTAGE:-30}
PG_CLUSTER=${LOAD_PG_CLUSTER:-15 main}
KEEP=${LOAD_KEEP_DATA:-0}
ERROR_PAGE_TEXT="Đã có lỗi xảy ra"  # templates/500.html

die() {
    echo "loadtest: $*" >&2
    exit 1
}

# "5m", "40s", "1h30m", "90" → seconds
seconds_of() {
    local rest=$1 total=0 n unit
    if [[ $rest =~ ^[0-9]+$ ]]; then
        echo "$rest"
        return
    fi
    while [[ $rest =~ ^([0-9]+)([hms])(.*)$ ]]; do
        n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
        case $unit in
            h) total=$((total + n * 3600)) ;;
            m) total=$((total + n * 60)) ;;
            s) total=$((total + n)) ;;
        esac
    done
    [[ -z $rest && $total -gt 0 ]] || die "LOAD_DURATION=$1 is not a duration (5m, 40s, 1h30m)."
    echo "$total"
}

now() { date +%s.%N; }

# What would lose its database if PostgreSQL stopped now (empty: nothing).
busy() {
    [[ ${LOAD_FAULT_FORCE:-0} != 1 ]] || return 0
    {
        pgrep -fa "pytest|bench\.run" || true
        [[ ! -e /tmp/BENCH_RUNNING ]] || echo "/tmp/BENCH_RUNNING exists (a benchmark is measuring)"
        [[ ! -e /tmp/PG_FAULT_RUNNING ]] || echo "/tmp/PG_FAULT_RUNNING exists (another fault test)"
    } | sed '/^$/d'
}

pg_ready() {
    "$PY" - <<'EOF' 2>/dev/null
import os, psycopg2
psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=2).close()
EOF
}

[[ -x $VENV/bin/locust ]] || die "locust is not installed: run \`make loadtest\` (it installs .[load])."
[[ $DATABASE_URL =~ ^postgres(ql)?:// ]] || die "DATABASE_URL must be a PostgreSQL URL (postgres://…)."
DB_NAME=${DATABASE_URL##*/}
DB_NAME=${DB_NAME%%\?*}  # never the URL itself: it may hold a password
[[ $USERS =~ ^[0-9]+$ && $USERS -gt 0 ]] || die "LOAD_USERS=$USERS is not a number of users."
RUN_SECONDS=$(seconds_of "$DURATION")
if [[ $FAULT == 1 ]]; then
    [[ $OUTAGE =~ ^[0-9]+$ && $OUTAGE -ge 1 && $OUTAGE -le 30 ]] ||
        die "LOAD_OUTAGE=$OUTAGE: the outage is 1 to 30 seconds."
    OUTAGE_AT=${LOAD_OUTAGE_AT:-$(((RUN_SECONDS - OUTAGE) / 2))}
    [[ $OUTAGE_AT =~ ^[0-9]+$ ]] || die "LOAD_OUTAGE_AT=$OUTAGE_AT is not a number of seconds."
    ((OUTAGE_AT + OUTAGE + 20 <= RUN_SECONDS)) ||
        die "LOAD_DURATION=$DURATION leaves less than 20 s after the outage to watch the recovery."
    command -v pg_ctlcluster >/dev/null || die "pg_ctlcluster not found: the fault test stops a local cluster."
    [[ $DATABASE_URL =~ @(127\.0\.0\.1|localhost)[:/] ]] ||
        die "the fault test stops the local PostgreSQL: DATABASE_URL must point to 127.0.0.1."
    if [[ -n $(busy) ]]; then
        busy >&2
        die "not stopping PostgreSQL under the processes above; run the fault test when they are done."
    fi
fi
while [[ -e /tmp/BENCH_RUNNING ]]; do
    echo "loadtest: waiting for the benchmark in progress (/tmp/BENCH_RUNNING)…"
    sleep 30
done

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
STAMP=$(date +%Y-%m-%d-%H%M%S)
NAME=$([[ $FAULT == 1 ]] && echo faulttest || echo loadtest)
mkdir -p bench-output
RUN=$ROOT/bench-output/$NAME-$STAMP
REPORT=$ROOT/bench-output/$NAME-$STAMP.md
mkdir -p "$RUN"

# Production mode, as `make serve` runs it (docs/deploy.md). The client plays nginx's part
# (X-Forwarded-Proto: https), so no setting is relaxed for plain HTTP.
SERVER_ENV=(
    DJANGO_ENV=production
    "SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
    "ALLOWED_HOSTS=127.0.0.1,localhost"
    "MEDIA_ROOT=$ROOT/bench-output/loadtest-media"
    "STATIC_ROOT=$ROOT/bench-output/loadtest-static"
    "GUNICORN_BIND=127.0.0.1:$PORT"
)

GUNICORN_PID="" LOCUST_PID="" PG_STOPPED=0
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local status=$?
    if [[ $PG_STOPPED == 1 ]]; then
        echo "loadtest: starting PostgreSQL again ($PG_CLUSTER)…" >&2
        # shellcheck disable=SC2086
        pg_ctlcluster $PG_CLUSTER start || true
        rm -f /tmp/PG_FAULT_RUNNING
    fi
    [[ -z $LOCUST_PID ]] || kill "$LOCUST_PID" 2>/dev/null || true
    if [[ -n $GUNICORN_PID ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "loadtest: preparing the database $DB_NAME (migrate, collectstatic, ANALYZE)…"
env "${SERVER_ENV[@]}" "$PY" manage.py migrate --no-input >"$RUN/prepare.log" 2>&1
env "${SERVER_ENV[@]}" "$PY" manage.py collectstatic --no-input -v0 >>"$RUN/prepare.log" 2>&1
# Fresh planner statistics, as autovacuum keeps them on a live server: without them a bulk-loaded
# dataset (generate_scale_data) gets plans that take minutes.
env "${SERVER_ENV[@]}" "$PY" manage.py shell -c \
    "from sampledata.scale import update_statistics; update_statistics()" >>"$RUN/prepare.log" 2>&1

echo "loadtest: starting gunicorn (gunicorn.conf.py) on 127.0.0.1:$PORT…"
# SO_REUSEADDR as gunicorn binds: a port left in TIME_WAIT by the previous run is free.
"$PY" -c "import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "$PORT" 2>/dev/null ||
    die "port $PORT is taken: choose another with LOAD_PORT."
env "${SERVER_ENV[@]}" "$VENV/bin/gunicorn" -c gunicorn.conf.py >"$RUN/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
GUNICORN_STARTED=$(now)
"$PY" - "http://127.0.0.1:$PORT/accounts/login/" <<'EOF' || die "gunicorn did not answer: see $RUN/gunicorn.log"
import sys, time, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"X-Forwarded-Proto": "https"})
for _ in range(60):
    try:
        if urllib.request.urlopen(request, timeout=5).status == 200:
            sys.exit(0)
    except OSError:
        time.sleep(1)
sys.exit(1)
EOF
kill -0 "$GUNICORN_PID" 2>/dev/null || die "gunicorn stopped: see $RUN/gunicorn.log"
SERVER=$("$PY" -c "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(f\"{c['workers']} workers × {c['threads']} threads\")")

echo "loadtest: $USERS users for $DURATION (spawn rate $SPAWN_RATE/s)$([[ $FAULT == 1 ]] && echo ", PostgreSQL stopped for ${OUTAGE} s at ${OUTAGE_AT} s")…"
PYTHONPATH=$ROOT LOAD_RUN_ID=$STAMP LOAD_DIR=$RUN "$VENV/bin/locust" -f loadtest/locustfile.py --headless \
    -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" --stop-timeout 30 \
    --host "http://127.0.0.1:$PORT" --csv "$RUN/locust" --csv-full-history --html "$RUN/locust.html" \
    --only-summary >"$RUN/locust.log" 2>&1 &
LOCUST_PID=$!

if [[ $FAULT == 1 ]]; then
    sleep "$OUTAGE_AT"
    kill -0 "$LOCUST_PID" 2>/dev/null || die "locust ended before the outage: see $RUN/locust.log"
    BUSY=$(busy)
    if [[ -n $BUSY ]]; then
        echo "loadtest: not stopping PostgreSQL, busy: $BUSY" >&2
        printf '{"skipped": %s}\n' "$("$PY" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$BUSY")" >"$RUN/fault.json"
    else
        touch /tmp/PG_FAULT_RUNNING
        PG_STOPPED=1
        # Should this script be killed outright (no trap runs), a watchman in its own session
        # starts PostgreSQL again a minute after the planned end of the outage.
        setsid bash -c "sleep $((OUTAGE + 60)); pg_ctlcluster $PG_CLUSTER status >/dev/null 2>&1 ||
            { pg_ctlcluster $PG_CLUSTER start; rm -f /tmp/PG_FAULT_RUNNING; }" </dev/null >/dev/null 2>&1 &
        WATCHMAN_PID=$!
        STOP_REQUESTED=$(now)
        echo "loadtest: stopping PostgreSQL for $OUTAGE s…"
        # shellcheck disable=SC2086
        pg_ctlcluster $PG_CLUSTER stop -m fast
        STOPPED=$(now)
        # Down for LOAD_OUTAGE seconds in all, from the stop command to accepting connections
        # again: the fast shutdown took STOPPED - STOP_REQUESTED, a start takes about 2 s.
        sleep "$(awk -v a="$STOP_REQUESTED" -v b="$STOPPED" -v o="$OUTAGE" 'BEGIN { s = o - (b - a) - 2; print (s > 0 ? s : 0) }')"
        START_REQUESTED=$(now)
        # shellcheck disable=SC2086
        pg_ctlcluster $PG_CLUSTER start
        for _ in $(seq 300); do
            pg_ready && break
            sleep 0.2
        done
        pg_ready || die "PostgreSQL did not come back within a minute."
        READY=$(now)
        PG_STOPPED=0
        rm -f /tmp/PG_FAULT_RUNNING
        kill "$WATCHMAN_PID" 2>/dev/null || true
        echo "loadtest: PostgreSQL is back ($(awk -v a="$STOP_REQUESTED" -v b="$READY" 'BEGIN { printf "%.1f", b - a }') s after the stop)."
    fi
fi

wait "$LOCUST_PID" || true # 1 when any request failed: the report says which
LOCUST_PID=""
[[ $(wc -l <"$RUN/requests.csv") -gt 1 ]] || die "locust made no request: see $RUN/locust.log"

if [[ $FAULT == 1 && ! -e $RUN/fault.json ]]; then
    ALIVE=$(kill -0 "$GUNICORN_PID" 2>/dev/null && echo true || echo false)
    cat >"$RUN/fault.json" <<EOF
{"stop_requested": $STOP_REQUESTED, "stopped": $STOPPED, "start_requested": $START_REQUESTED,
 "ready": $READY, "stop_command": "pg_ctlcluster $PG_CLUSTER stop -m fast",
 "start_command": "pg_ctlcluster $PG_CLUSTER start", "gunicorn_pid": $GUNICORN_PID,
 "gunicorn_alive_after": $ALIVE, "gunicorn_started": $GUNICORN_STARTED,
 "error_page_text": "$ERROR_PAGE_TEXT"}
EOF
fi
TIMEOUTS=$(grep -c "WORKER TIMEOUT" "$RUN/gunicorn.log" || true)
SERVER_ERRORS=$(grep -c '" 50[0-9] ' "$RUN/gunicorn.log" || true)
kill -TERM "$GUNICORN_PID"
wait "$GUNICORN_PID" 2>/dev/null || true
GUNICORN_PID=""

echo "loadtest: checking for half-written data…"
CHECK_STATUS=0
CHECK_ARGS=(--run "$STAMP" --dir "$RUN")
[[ $KEEP == 1 ]] || CHECK_ARGS+=(--cleanup)
MEDIA_ROOT=$ROOT/bench-output/loadtest-media "$PY" -m loadtest.check "${CHECK_ARGS[@]}" \
    >"$RUN/check.md" 2>"$RUN/check.log" || CHECK_STATUS=$?
[[ -s $RUN/check.md ]] || die "the check failed: see $RUN/check.log"

if [[ $FAULT == 1 ]]; then
    COMMAND="LOAD_USERS=$USERS LOAD_DURATION=$DURATION LOAD_OUTAGE=$OUTAGE scripts/faulttest.sh"
else
    COMMAND="LOAD_USERS=$USERS LOAD_DURATION=$DURATION scripts/loadtest.sh"
fi
"$PY" -m loadtest.report --dir "$RUN" --out "$REPORT" \
    --title "$([[ $FAULT == 1 ]] && echo "Fault test" || echo "Load test") $(date '+%Y-%m-%d %H:%M')" \
    --about "Command: \`$COMMAND\` ($USERS users, spawn rate $SPAWN_RATE/s, locust $("$VENV/bin/locust" --version | awk '{print $2}'))." \
    --about "Server: gunicorn ($SERVER, gunicorn.conf.py), DJANGO_ENV=production, PostgreSQL database \`$DB_NAME\`; $TIMEOUTS worker timeouts, $SERVER_ERRORS answers 5xx in its log." \
    --about "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, load average before the run $LOADAVG." \
    --about "Locust's own tables: \`$RUN/locust.html\`, \`$RUN/locust_stats.csv\`; server log \`$RUN/gunicorn.log\`."
echo
echo "loadtest: report written to $REPORT"
exit "$CHECK_STATUS"
