#!/usr/bin/env bash
# test_real_kafka.sh - the pipeline on a real Apache Kafka broker (scripts/kafka.sh: one KRaft
# node on loopback, Kafka 4.1.1 fetched once from Maven Central), idempotent producers on as
# in production. While Reuters articles stream through, the broker process is killed with
# SIGKILL and started again on its data: nothing acknowledged is lost, every re-delivered
# document gets the same decision, every stage is ready again; a stage killed with SIGKILL
# owns its partitions again within seconds (static membership); then the seeds get their
# decisions on the same broker. (Every other
# test runs on nearwire-broker, librdkafka's mock cluster, whose defects shaped them: it loses
# everything on restart, so a real broker outage could not be tested there.)
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

REDIS_ARGS=()
# static group membership (KIP-345): one id per instance (ids are per consumer group)
STAGE_ARGS=(--set kafka.group.instance.id=test-1)
INGEST_ARGS=()
FAULT_BROKER=kafka fault_setup
echo "     Apache Kafka $(sed -n 's/^KAFKA_VERSION=\${NEARWIRE_KAFKA_VERSION:-\(.*\)}$/\1/p' "$NW_ROOT/scripts/kafka.sh") at $BOOT"
for s in "${NW_STAGES[@]}"; do fault_start "$s"; done
fault_all_ready 60 || die "every stage ready"

fault_feed "${NW_FAULT_DOCS:-6000}" 1000
sleep 2
kill -KILL "$(cat "$T/pids/kafka.pid")"
sleep 3
"$NW_ROOT/scripts/kafka.sh" restart "$T" || die "Kafka restarts on its data"
check "every stage is ready again after the broker came back" fault_all_ready 60
fault_verdict "a SIGKILLed and restarted Kafka broker"

# a stage killed with SIGKILL and started again under its static member id has its
# partitions back at once; a dynamic member waited for the dead one's session timeout (44 s
# at the default 45 s; 6 s here)
kill -KILL "$(cat "$T/pids/clean.pid")"
t0=$(date +%s.%N)
fault_start clean
nw_wait_for 30 "clean's partitions after its restart" grep -q 'event=partitions_assigned' "$T/logs/clean.log"
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "     clean had its partitions back ${took} s after it was started again"
check "a stage restarted after SIGKILL owns its partitions again within 3 s (static membership)" \
    awk -v t="$took" 'BEGIN { exit !(t < 3) }'

# the seeds, after all that: each article's decision as finally stored (its highest revision,
# revision records included)
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$NW_ROOT/tests/data/seeds/seeds.jsonl"
seeds_out() {
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched -o beginning -e -T 60 |
        jq -c 'select(.id | test("^00[0-4]_")) | {id, cluster}' >"$T/seeds.jsonl"
    [ "$(jq -r .id "$T/seeds.jsonl" | sort -u | wc -l)" -eq 5 ]
}
nw_wait_for 60 "the five seeds on news.enriched" seeds_out
jq -s -c 'group_by(.id) | map(max_by(.cluster.revision)) | .[]' "$T/seeds.jsonl" >"$T/final.jsonl"
decision() { jq -r --arg id "$1" 'select(.id | startswith($id)) | "\(.cluster.relation) \(.cluster.dup_of // "-" | .[0:3])"' "$T/final.jsonl"; }
check "the seeds on real Kafka: 001 a duplicate of 000, 003 of 002, 004 new" \
    eq "$(decision 001) | $(decision 003) | $(decision 004)" "duplicate 000 | duplicate 002 | new -"
check "000-003 in one story, 004 alone" \
    eq "$(jq -r .cluster.story_id "$T/final.jsonl" | sort | uniq -c | awk '{print $1}' | sort | tr '\n' ' ')" "1 4 "
finish
