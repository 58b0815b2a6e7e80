#!/usr/bin/env bash
# test_kafka_cluster.sh - three Apache Kafka brokers (KRaft, every one a controller too; topics
# replicated 3 times, min.insync.replicas 2; the stages' producers idempotent with acks=all)
# and two instances of every stage. While 10,000 Reuters articles stream through, the broker
# that leads the most partitions is SIGKILLed and restarted on its data 5 s later. Asserts:
# every stage ready again after, the usual verdict (nothing lost, re-deliveries agree:
# faultlib.sh), every final decision the one a single pass gives, and how long articles took
# around the kill. Site lines are off here: which articles teach a site's lines depends on
# arrival.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

FAULT_BROKER=kafka-cluster
REDIS_ARGS=()
STAGE_ARGS=()
INGEST_ARGS=()
# site lines, common text and common anchors are learned in arrival order (README "Same
# articles, same answer")
export NEARWIRE_CLEAN_REPEATED_AFTER=0 NEARWIRE_CLUSTER_COMMON_AFTER=0
export NEARWIRE_CLUSTER_ANCHOR_DF_MAX=0 NEARWIRE_CLUSTER_BANDS=8
fault_setup
for s in "${NW_STAGES[@]}"; do
    fault_start "$s"
    NW_INSTANCE=-2 nw_start_stage "$T" "$s" "$BOOT" "$REDIS_URL" \
        --set kafka.session.timeout.ms=6000 --set kafka.heartbeat.interval.ms=500
done
fault_all_ready 90 || die "every stage ready"

fault_feed "${NW_FAULT_DOCS:-10000}" 800
sleep 4
read -r victim victim_addr led < <("$NW_BIN/nearwire-topics" -b "$BOOT" --leaders | head -1)
echo "     killing broker $victim ($victim_addr), the leader of $led partitions"
kill -KILL "$(cat "$T/pids/kafka-$victim.pid")"
sleep 5
"$NW_ROOT/scripts/kafka.sh" restart-node "$T" "$victim" || die "the killed broker restarts on its data"
check "every stage is ready again after the broker came back" fault_all_ready 60

fault_verdict "a broker of three SIGKILLed and restarted"
check "both instances of every stage lived through it" \
    eq "$(for s in "${NW_STAGES[@]}"; do for i in "" -2; do nw_alive "$T/pids/$s$i.pid" && echo "$s$i"; done; done | wc -l)" 8
# when each article was first decided (cluster.first_seen, kept on news.enriched) and how long
# after it reached news.raw
"$NW_BIN/nearwire-tail" -b "$BOOT" -t news.raw --from-beginning --to-end --timeout 60 --envelope |
    jq -r 'select((.value | type) == "object") | "\(.value.id) \(.timestamp)"' | sort -k1,1 >"$T/raw.at"
jq -r 'select(.revised_by == null) | .cluster.first_seen as $f | ($f | capture("(?<s>.*)\\.(?<ms>[0-9]+)Z$")) as $t |
    "\(.id) \(($t.s + "Z" | fromdateiso8601) * 1000 + ($t.ms | tonumber))"' "$T/out.jsonl" |
    sort -k1,1 | awk '!seen[$1]++' >"$T/decided.at"
join "$T/raw.at" "$T/decided.at" | awk '{print ($3 - $2) / 1000}' | sort -n >"$T/took"
# a stall shows as the longest gap between two first decisions (the feed outruns this many
# processes on 2 cores, so a backlog is always waiting: the decisions' pace is the work's)
gap=$(cut -d' ' -f2 "$T/decided.at" | sort -n | awk 'NR > 1 && $1 - p > g {g = $1 - p} {p = $1} END {print g / 1000}')
echo "     decisions stalled at most ${gap} s (the longest gap between two first decisions);" \
    "raw -> decided p50 $(awk '{a[NR]=$1} END {print a[int(NR/2)]}' "$T/took") s," \
    "p99 $(awk '{a[NR]=$1} END {print a[int(NR*0.99)]}' "$T/took") s"
fault_same_as_one_pass
finish
