#!/usr/bin/env bash
# test_redis_failover.sh - a Redis Cluster master SIGKILLed while 10,000 Reuters articles stream
# through the four stages, their stores on 3 masters and 3 replicas (scripts/redis_cluster.sh)
# with redis.wait_replicas=1 (every round waits until the replica holds its writes). Asserts:
# the replica is promoted and serves the dead master's slots; cluster and enrich report not
# ready while the slots have no master and are ready again after; the usual verdict (nothing
# lost, re-deliveries agree: faultlib.sh); and the final stories and groups of copies are
# exactly those of one redis-server fed the same articles (clean | fingerprint | cluster
# --pipe). Site lines are off here: which articles teach a site's lines depends on arrival
# order, not on Redis.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

FAULT_REDIS=cluster
REDIS_ARGS=()
STAGE_ARGS=(--set redis.wait_replicas="${NW_FAILOVER_WAIT:-1}")
# site lines, common text and common anchors are learned in arrival order (README "Same
# articles, same answer")
export NEARWIRE_CLEAN_REPEATED_AFTER=0 NEARWIRE_CLUSTER_COMMON_AFTER=0
export NEARWIRE_CLUSTER_ANCHOR_DF_MAX=0 NEARWIRE_CLUSTER_BANDS=8
INGEST_ARGS=()
fault_setup
fault_start_all

store_stages_not_ready() { fault_not_ready cluster && fault_not_ready enrich; }
role_of() { redis-cli -p "$1" role 2>/dev/null | head -1; }
promoted() { [ "$(role_of "$replica")" = master ] && redis-cli -p "$replica" cluster info | grep -q '^cluster_state:ok'; }

fault_feed "${NW_FAULT_DOCS:-10000}" 800
sleep 4
victim=$(cut -d' ' -f1 "$T/rc/ports")
victim_id=$(redis-cli -p "$victim" cluster myid)
replica=$(for p in $(cat "$T/rc/ports"); do
    redis-cli -p "$p" cluster nodes | grep -q "myself,slave $victim_id" && echo "$p"; done)
[ -n "$replica" ] || die "the victim's replica is known"
kill -KILL "$(cat "$T/pids/redis-$victim.pid")"
killed_at=$(date +%s.%N)
check "cluster and enrich report not ready while the dead master's slots have none" \
    nw_wait_for 15 "readiness to drop" store_stages_not_ready
check "the replica is promoted and the cluster whole again" nw_wait_for 30 "the failover" promoted
echo "     failover: the replica serves $(awk -v a="$killed_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after the kill"
check "every stage is ready again after the failover" fault_all_ready 30

fault_verdict "a master killed and its replica promoted"
check "the stages lived through it" \
    eq "$(for s in "${NW_STAGES[@]}"; do nw_alive "$T/pids/$s.pid" && echo "$s"; done | wc -l)" 4
p=$(nw_stage_port "$T" cluster)
echo "     cluster stage: $(curl -fsS "http://127.0.0.1:$p/metrics" |
    grep -E '^nearwire_redis_(redirects_total|wait_short_total|errors_total)' | tr '\n' ' ')"

fault_same_as_one_pass
finish
