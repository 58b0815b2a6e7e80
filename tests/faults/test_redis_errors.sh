#!/usr/bin/env bash
# test_redis_errors.sh - error replies inside a pipeline do not poison the connection. While
# 4k Reuters articles stream through, redis-server refuses every write (maxmemory below what
# it holds, noeviction: each write in a pipeline answers OOM while the reads around it
# succeed), then takes writes again. Before, a stage stopped reading a pipeline's replies at
# the first error and kept the connection, so every later round read earlier answers: enrich
# kept failing for minutes after the cause was gone. Asserts the stages recover within 10 s
# of maxmemory being lifted (1-1.5 s here, ASan included: the retry backoff is at most 0.8 s;
# the bound leaves room for a slower machine, the figure is printed), that the errors were counted
# (nearwire_redis_errors_total) and the stall seen alike by /readyz and nearwire_ready. Then
# NOREPLICAS, NOPERM replies, killed connections and a busy server, each recovered from; and
# the usual verdict (faultlib.sh): nothing lost.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

REDIS_ARGS=()
STAGE_ARGS=()
INGEST_ARGS=()
fault_setup
fault_start_all

fault_feed "${NW_FAULT_DOCS:-18000}" 500
sleep 2
used=$(redis-cli -p "$REDIS_PORT" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p' | tr -d '\r')
redis-cli -p "$REDIS_PORT" config set maxmemory-policy noeviction >/dev/null
redis-cli -p "$REDIS_PORT" config set maxmemory "$((used / 2))" >/dev/null
sleep 3
# the out-of-memory answers reached the stages as retries
retried() { grep -q 'event=step_retry.*OOM' "$T"/logs/cluster.log "$T"/logs/enrich.log; }
check "the stages met the OOM error replies and retried" nw_wait_for 10 "OOM retries" retried
metric_sum() { # metric_sum STAGE NAME
    curl -fsS "http://127.0.0.1:$(nw_stage_port "$T" "$1")/metrics" |
        awk -v m="$2" '$1 == m { s += $2 } END { print s + 0 }'
}
# an alert must see the stall: the gauge says what the probe says (it once stayed at 1).
# (cluster: it always has a backlog here; enrich may sit idle behind it, ready and right)
stalled_both_ways() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(nw_stage_port "$T" cluster)/readyz")
    [ "$code" = 503 ] && [ "$(metric_sum cluster nearwire_ready)" = 0 ]
}
check "during the stall cluster's /readyz answers 503 and its nearwire_ready is 0" \
    nw_wait_for 10 "readiness and its gauge to drop" stalled_both_ways
readyz_body() { curl -s "http://127.0.0.1:$(nw_stage_port "$T" cluster)/readyz"; }
says_why() { readyz_body | jq -e '.ready == false and (.reason | test("retrying"))' >/dev/null; }
check "/readyz says why it is not ready" nw_wait_for 10 "a reason on /readyz" says_why
check "error replies are counted in nearwire_redis_errors_total" \
    test "$(($(metric_sum cluster nearwire_redis_errors_total) + $(metric_sum enrich nearwire_redis_errors_total)))" -gt 0
# recovered: a new batch of each store stage succeeds (its output counter moves)
progress() {
    local c e
    c=$(metric_sum cluster nearwire_messages_out_total)
    e=$(metric_sum enrich nearwire_messages_out_total)
    [ "$c" -gt "$c0" ] && [ "$e" -gt "$e0" ]
}
c0=$(metric_sum cluster nearwire_messages_out_total)
e0=$(metric_sum enrich nearwire_messages_out_total)
redis-cli -p "$REDIS_PORT" config set maxmemory 0 >/dev/null
lifted=$(date +%s.%N)
check "cluster and enrich produce again within 10 s of the cause going away" \
    nw_wait_for 10 "progress after maxmemory is lifted" progress
awk -v a="$lifted" -v b="$(date +%s.%N)" 'BEGIN { printf "     recovered %.1f s after maxmemory was lifted\n", b - a }'

# The other ways a Redis answers badly mid-pipeline, each for 2 s while the feed runs: writes
# refused for want of replicas (NOREPLICAS), a permission error reply (ACL: NOPERM), every
# connection killed, the server busy in a slow command (DEBUG SLEEP, past redis.timeout_ms).
# Each time both stages must produce again within 10 s of the cause going away.
rcli() { redis-cli -p "$REDIS_PORT" "$@" >/dev/null; }
recovers_from() { # NAME APPLY-COMMAND LIFT-COMMAND
    local name=$1 apply=$2 lift=$3 t
    $apply
    sleep 2
    c0=$(metric_sum cluster nearwire_messages_out_total)
    e0=$(metric_sum enrich nearwire_messages_out_total)
    $lift
    t=$(date +%s.%N)
    check "recovered from $name within 10 s of its end" nw_wait_for 10 "progress after $name" progress
    awk -v a="$t" -v b="$(date +%s.%N)" -v n="$name" 'BEGIN { printf "     %s: produced again %.1f s after it ended\n", n, b - a }'
}
noreplicas() { rcli config set min-replicas-to-write 1; }
replicas_ok() { rcli config set min-replicas-to-write 0; }
noperm() { rcli acl setuser default resetkeys; }
perm_ok() { rcli acl setuser default allkeys; }
kill_all() { for _ in 1 2 3 4; do rcli client kill type normal skipme yes; sleep 0.5; done; }
nothing() { :; }
busy() { redis-cli -p "$REDIS_PORT" debug sleep 2.5 >/dev/null & BUSY=$!; }
busy_over() { wait "$BUSY"; } # DEBUG SLEEP answers when the server is free again
recovers_from "NOREPLICAS" noreplicas replicas_ok
recovers_from "NOPERM error replies" noperm perm_ok
recovers_from "killed connections" kill_all nothing
recovers_from "a server busy for 2.5 s" busy busy_over
fault_verdict "OOM, NOREPLICAS, NOPERM, killed connections and a busy server"
finish
