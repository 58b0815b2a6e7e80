#!/usr/bin/env bash
# test_real_kafka.sh - the pipeline on a real Apache Kafka broker (scripts/kafka.sh: one KRaft
# node on loopback, Kafka 4.1.1 fetched once from Maven Central), idempotent producers on as
# in production. While Reuters articles stream through, the broker process is killed with
# SIGKILL and started again on its data: nothing acknowledged is lost, every re-delivered
# document gets the same decision, every stage is ready again; a stage killed with SIGKILL
# owns its partitions again within seconds (static membership); then the seeds get their
# decisions on the same broker; news.stories is compacted to one record per story; partitions
# added to news.raw under the running stages are consumed. (Every other
# test runs on nearwire-broker, librdkafka's mock cluster, whose defects shaped them: it loses
# everything on restart, so a real broker outage could not be tested there.)
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

REDIS_ARGS=()
# static group membership (KIP-345): one id per instance (ids are per consumer group); the
# stages see added partitions within 2 s (30 s by default)
STAGE_ARGS=(--set kafka.group.instance.id=test-1 --set kafka.topic.metadata.refresh.interval.ms=2000)
INGEST_ARGS=()
# news.stories' segments roll every second here, so the cleaner has closed segments to compact
topics=$(mktemp /tmp/nearwire-topics.XXXXXX)
sed 's/^news\.stories .*/& segment.ms=1000 min.cleanable.dirty.ratio=0.01/' \
    "$NW_ROOT/deploy/compose/topics.txt" >"$topics"
NEARWIRE_TOPICS_FILE=$topics FAULT_BROKER=kafka fault_setup
rm -f "$topics"
echo "     Apache Kafka $(sed -n 's/^KAFKA_VERSION=\${NEARWIRE_KAFKA_VERSION:-\(.*\)}$/\1/p' "$NW_ROOT/scripts/kafka.sh") at $BOOT"
fault_start_all

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
check "a stage restarted after SIGKILL owns its partitions again before the dead one's 6 s session timeout (static membership)" \
    awk -v t="$took" 'BEGIN { exit !(t < 5) }'

# a consumer fenced by another member with its static id (what a coordinator's restart can
# also do to a live member) is fatal to it: the stage puts a new consumer in its place instead
# of polling the dead one for ever (it once stalled there, in a run of this test); the seeds
# below then go through that clean
NW_INSTANCE=-2 nw_start_stage "$T" clean "$BOOT" "$REDIS_URL" "${STAGE_ARGS[@]}"
check "a second member with clean's static id fences the first" \
    nw_wait_for 30 "clean to be fenced" grep -q 'event=kafka_consumer_fatal' "$T/logs/clean.log"
nw_stop "$T/pids/clean-2.pid" 5
check "the fenced clean replaces its consumer and keeps running" \
    nw_wait_for 30 "clean's new consumer" grep -q 'event=kafka_consumer_renewed' "$T/logs/clean.log"

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
check "clean is still the first instance, alive" nw_alive "$T/pids/clean.pid"

# compaction: outside each partition's active segment (never cleaned; its base offset is the
# newest segment file's name) no story has two records left; and the cleaner did remove
# records (offsets the partitions wrote but no longer hold)
stories_left() { # prints "offsets-written records-left stories stories-with-two-closed-records"
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.stories -o beginning -e -J -T 60 |
        jq -r '[.partition, .offset, .key] | @tsv' >"$T/stories.tsv"
    local d
    for d in "$T/kafka/data"/news.stories-*; do
        echo "${d##*-} $(find "$d" -name '*.log' -printf '%f\n' | sort | tail -1 | sed 's/^0*\([0-9]\)/\1/; s/\.log$//')"
    done >"$T/active.txt"
    awk 'NR == FNR { active[$1] = $2; next }
         { n++; keys[$3] = 1; if ($2 < active[$1]) closed[$3]++; if ($2 >= end[$1]) end[$1] = $2 + 1 }
         END { for (p in end) w += end[p]; for (k in keys) { s++; if (closed[k] > 1) dup++ }
               print w + 0, n + 0, s + 0, dup + 0 }' "$T/active.txt" "$T/stories.tsv"
}
compacted() { stories_left | awk '{ exit !($4 == 0 && $2 < $1) }'; }
nw_wait_for 60 "the log cleaner to compact news.stories" compacted
read -r written left stories dup < <(stories_left)
echo "     news.stories: $written records written for $stories stories, $left left after the cleaner"
check "news.stories is compacted: one record per story outside the active segments" \
    test "$dup" -eq 0 -a "$left" -lt "$written"

# partitions added to news.raw under the running stages: what lands in them comes out
printf 'news.raw 24\n' >"$T/grow.txt"
"$NW_BIN/nearwire-topics" -b "$BOOT" --grow "$T/grow.txt" >"$T/logs/grow.log" 2>&1
check "news.raw grows from 16 to 24 partitions" grep -q '^grown *news.raw' "$T/logs/grow.log"
zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" | tail -400 |
    jq -c 'select(.text != "") | {id: (.id + "-grown"), source, title, body: .text}' >"$T/grown.jsonl"
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/grown.jsonl" || die "the articles for the new partitions are sent"
"$NW_BIN/nearwire-tail" -b "$BOOT" -t news.raw -o beginning -e -J -T 60 |
    jq -r 'select(.partition >= 16) | .key' | sort -u >"$T/grown.ids"
new_out() {
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched -o beginning -e -T 60 | jq -r .id |
        sort -u | comm -12 - "$T/grown.ids" | wc -l
}
all_grown_out() { [ "$(new_out)" -eq "$(wc -l <"$T/grown.ids")" ]; }
nw_wait_for 90 "the articles of the new partitions on news.enriched" all_grown_out
echo "     $(wc -l <"$T/grown.ids") articles landed in news.raw's new partitions 16-23; $(new_out) came out"
check "the stages consume the added partitions" \
    test "$(wc -l <"$T/grown.ids")" -gt 0 -a "$(new_out)" -eq "$(wc -l <"$T/grown.ids")"
finish
