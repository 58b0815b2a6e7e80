#!/usr/bin/env bash
# test_outages.sh - nothing is lost when the stages' dependencies fail under them. While 8k
# Reuters articles stream through: the broker goes down for 5 s (the mock cluster's own fault
# API), then fails produce, fetch and commit requests and answers 200 ms late, then
# redis-server is shut down and restarted on the same port and data directory. Asserts that
# every stage reports not ready while the broker is away and the cluster and enrich stages
# while Redis is, that all are ready again after, and the usual verdict (faultlib.sh).
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

# Redis as production should run it for the store: with an append-only file, so a restart
# keeps every decision and replays are still answered from it
REDIS_ARGS=(--appendonly yes --appendfsync everysec)
# Producers without idempotence here: librdkafka 2.0.2's mock cluster acknowledges a retried
# batch whose base sequence falls inside its window of the last five without writing it (its
# idempotence emulation checks the first sequence only), and after the broker drops
# connections mid-request that lost one acknowledged message in about one run in four.
# Without idempotence every retry is written (a duplicate at worst), which is what this test
# is about: nothing lost. Against real Kafka the stages keep idempotence on (the default).
STAGE_ARGS=(--set kafka.enable.idempotence=false)
INGEST_ARGS=(-X enable.idempotence=false)
FAULT_BROKER=mock fault_setup # the broker outage needs the mock cluster's fault API
fault_start_all

every_stage_not_ready() {
    local s
    for s in "${NW_STAGES[@]}"; do fault_not_ready "$s" || return 1; done
}
store_stages_not_ready() { fault_not_ready cluster && fault_not_ready enrich; }

fault_feed "${NW_FAULT_DOCS:-8000}" 800
sleep 2

echo down >"$CONTROL"
check "every stage reports not ready while the broker is down" \
    nw_wait_for 15 "readiness to drop" every_stage_not_ready
sleep 3
echo up >"$CONTROL"
check "every stage is ready again once the broker is back" fault_all_ready 30

printf '%s\n' "errors produce 20" "errors fetch 20" "errors commit 5" "rtt 200" >"$CONTROL"
sleep 3
echo "rtt 0" >"$CONTROL"

redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1
check "cluster and enrich report not ready while Redis is down" \
    nw_wait_for 15 "readiness to drop" store_stages_not_ready
sleep 2
nw_start_redis "$T" "$REDIS_PORT" "${REDIS_ARGS[@]}" || die "redis-server restarts on its port"
check "cluster and enrich are ready again once Redis is back" fault_all_ready 30

fault_verdict "a broker outage, request errors and a Redis restart"
check "the stages lived through it all" \
    eq "$(for s in "${NW_STAGES[@]}"; do nw_alive "$T/pids/$s.pid" && echo "$s"; done | wc -l)" 4
finish
