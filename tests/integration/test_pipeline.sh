#!/usr/bin/env bash
# test_pipeline.sh - the whole pipeline on real parts: redis-server and a broker (Apache Kafka
# with NW_TEST_BROKER=kafka, else nearwire-broker) on free loopback ports, the four stages, the five seed articles fed in file order, then bad
# messages, a copy of 004 and a roundup of 000 and 004. Asserts stories, duplicates, entities,
# keywords, merged stories, dead letters, metrics (promtool), health
# and graceful shutdown. Everything is torn down on exit, pass or fail. NW_PIPELINE_REDIS=cluster
# runs it on a Redis Cluster of 3 masters and 3 replicas (scripts/redis_cluster.sh) instead.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-it.XXXXXX)
mkdir -p "$T/pids" "$T/logs"

cleanup() {
    local c
    for c in "${NW_STAGES[@]}"; do
        nw_stop "$T/pids/$c.pid" 5
    done
    nw_stop_test_broker "$T"
    nw_stop "$T/pids/redis.pid" 5
    "$NW_ROOT/scripts/redis_cluster.sh" stop "$T"
    if [ "$failed" -gt 0 ] || [ "${KEEP_LOGS:-}" ]; then
        echo "logs kept in $T/logs" >&2
        tail -n 20 "$T"/logs/*.log >&2
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT

nw_start_store "$T" "${NW_PIPELINE_REDIS:-single}" || die "Redis starts (${NW_PIPELINE_REDIS:-single})"
redis_masters=$REDIS_MASTERS
nw_start_test_broker "$T" 16 || die "the broker starts (${NW_TEST_BROKER:-mock})"
BOOT=$(cat "$T/bootstrap")
declare -A PORT
for s in "${NW_STAGES[@]}"; do
    nw_start_stage "$T" "$s" "$BOOT" "$REDIS" --set "redis.prefix=it:"
done
for s in "${NW_STAGES[@]}"; do
    PORT[$s]=$(nw_stage_port "$T" "$s") || die "nearwire-$s listens"
    nw_wait_for 60 "$s ready" nw_http_ok "http://127.0.0.1:${PORT[$s]}/readyz" ||
        die "nearwire-$s becomes ready"
done
check "/readyz answers JSON" eq "$(curl -fsS "http://127.0.0.1:${PORT[clean]}/readyz" | jq -c .)" '{"ready":true}'
check "every stage answers /livez and /readyz" \
    bash -c "for p in ${PORT[*]}; do curl -fsS http://127.0.0.1:\$p/livez >/dev/null || exit 1; done"

nw_feed_in_order "$BOOT" "$NW_ROOT/tests/data/seeds/seeds.jsonl" || die "seeds flow through"

# bad input: not JSON, no id, a valid article after them (the pipeline must keep going)
# (sent with headers in our namespace: a sender must not pass off a reason as the stage's)
printf '%s\n' '{not json' '{"body":"no id here"}' |
    "$NW_BIN/nearwire-ingest" -q -b "$BOOT" -H nw.reason=spoofed -H trace=t1 -
grep '^{"id": "004' "$NW_ROOT/tests/data/seeds/seeds.jsonl" |
    sed 's/"id": "004_3336bd7ffc0a815a"/"id": "005-copy-of-004"/' |
    "$NW_BIN/nearwire-ingest" -q -b "$BOOT" -
# a roundup quoting both the AP story and the Reuters one joins their stories
jq -c -s '{id: "006-roundup", source: "Roundup Daily", published_at: "Wed, 08 Aug 2007 16:00:00 +0200",
           content_type: "text/plain", title: "Roundup", body: (.[0].body + "\n\n" + .[4].body)}' \
    "$NW_ROOT/tests/data/seeds/seeds.jsonl" | "$NW_BIN/nearwire-ingest" -q -b "$BOOT" -
# seven articles, then the revisions their late links made: read to the end once all seven are in
originals() {
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched --from-beginning --to-end --timeout 20 \
        >"$T/enriched.all.jsonl" 2>/dev/null
    jq -r 'select(.revised_by == null) | .id' "$T/enriched.all.jsonl" | sort -u | wc -l
}
seven() { [ "$(originals)" = 7 ]; }
nw_wait_for 60 "seven articles enriched" seven
"$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq --from-beginning --count 2 --timeout 30 \
    --envelope >"$T/dlq.jsonl"
jq -c 'select(.revised_by == null)' "$T/enriched.all.jsonl" >"$T/enriched.jsonl"
python3 "$NW_ROOT/tests/eval/final_state.py" "$T/enriched.all.jsonl" >"$T/final.jsonl"

field() { jq -r --arg id "$1" "select(.id | startswith(\$id)) | $2" "$T/enriched.jsonl"; }
final() { jq -r --arg id "$1" "select(.id | startswith(\$id)) | $2" "$T/final.jsonl"; }
check "seven articles enriched" eq "$(wc -l <"$T/enriched.jsonl")" 7
check "000 001 002 003 share one story" \
    eq "$(for i in 000 001 002 003; do final $i .story_id; done | sort -u | wc -l)" 1
check "the story is 002's, published first" eq "$(final 000 .story_id)" "002_21eaf0559e8ada84"
check "001 duplicates 000" eq "$(final 001 .dup_of)" "000_cb190c1c7f2c8ca2"
check "003 duplicates 002" eq "$(final 003 .dup_of)" "002_21eaf0559e8ada84"
check "000 is the same story as 002, not a duplicate" eq "$(final 000 '.dup_of, .relation')" $'null\nstory'
check "002 and 004 are new" eq "$(final 002 .relation)$(final 004 .relation)" "newnew"
check "002, published before 000 but sent after it, revised 000 and 001" \
    eq "$(jq -r 'select(.revised_by | . != null and startswith("002")) | .id[0:3]' "$T/enriched.all.jsonl" | sort | tr '\n' ' ')" "000 001 "
check "the copy of 004 duplicates it" eq "$(final 005 .dup_of)" "004_3336bd7ffc0a815a"
check "user fields pass through" eq "$(field 002 .source)" "Fox News"
check "clean dropped the paywall appeal of 003" \
    eq "$(field 003 '[.clean.dropped[] | select(.reason == "appeal")] | length')" 1
check "enrich parsed the AP dateline" eq "$(field 000 '.enrich.dateline + " " + .enrich.agency')" "TEHRAN, Iran AP"
# (revision records reach enrich by other partitions than the article after them: the count
# of four shows on whichever of the story's records enrich handles last)
check "enrich counts the story" eq "$(jq -s 'map(select(.id | test("^00[0-3]")) | .enrich.story.size) | max' "$T/enriched.all.jsonl")" 4
check "story sources" eq "$(field 003 '.enrich.story.sources | join(",")')" \
    "Associated Press,Fox News,The Jerusalem Post,The New York Sun"
check "enrich parsed the Reuters dateline" eq "$(field 004 '.enrich.dateline + " " + .enrich.agency')" "TEHRAN Reuters"
entity_names() { jq -r '.enrich.entities | .people[].name, .people[].aliases[], .places[].name, .organizations[].name' "$T/enriched.jsonl" | sort -u; }
check "the seeds name Khamenei, al-Maliki, Larijani, Iran, Iraq, Tehran and Baghdad" eq \
    "$(for n in 'Ali Khamenei' 'al-Maliki' 'Ali Larijani' Iran Iraq Tehran Baghdad; do grep -qx -- "$n" <(entity_names) || echo "$n"; done)" ""
check "entities carry counts and aliases" eq "$(field 000 '.enrich.entities.people[] | select(.name == "Nouri al-Maliki") | "\(.count) \(.aliases | index("al-Maliki") != null)"')" "10 true"
check "the Oil Ministry is an organisation" eq "$(field 000 '.enrich.entities.organizations[].name' | grep -c 'Oil Ministry')" 1
check "keywords come ranked, from the article's words" \
    eq "$(field 000 '[.enrich.keywords[].term] | (length == 10) and (index("khamenei") != null) and (index("the") == null)')" true
check "publication time in UTC" eq "$(field 006 .enrich.published_at) $(field 000 .enrich.published_at)" \
    "2007-08-08T14:00:00.000Z 2006-09-13T20:19:00.000Z"
check "reading time and language" eq "$(field 000 '"\(.enrich.reading_minutes) \(.enrich.lang)"')" "3 en"
# (the story's size when enrich meets the roundup: 5, or up to 7 if the revision records
# moving 004 and its copy, keyed to other partitions, reach enrich first)
check "the roundup joins the AP story and merges the Reuters story into it" \
    eq "$(field 006 '.cluster.story_id + " " + (.cluster.merged_from | join(",")) + " " +
        (.enrich.story.size >= 5 and .enrich.story.size <= 7 | tostring)')" \
    "002_21eaf0559e8ada84 004_3336bd7ffc0a815a true"
check "the roundup's link moves 004 and its copy into that story (revisions)" \
    eq "$(final 004 .story_id) $(final 005 .story_id)" "002_21eaf0559e8ada84 002_21eaf0559e8ada84"
check "dead letters carry stage and reason" \
    eq "$(jq -r '.headers["nw.stage"] + ":" + .headers["nw.reason"]' "$T/dlq.jsonl" | sort | tr '\n' ' ')" \
    "clean:invalid_json clean:missing_id "
check "input headers in the nw. namespace are renamed, others kept" \
    eq "$(jq -r '[.headers["orig.nw.reason"], .headers.trace] | join(" ")' "$T/dlq.jsonl" | sort -u)" "spoofed t1"
check "dead letters keep the original bytes" \
    eq "$(jq -r 'select(.headers["nw.reason"] == "invalid_json") | .value' "$T/dlq.jsonl")" "{not json"
metrics=$(curl -fsS "http://127.0.0.1:${PORT[clean]}/metrics")
check "clean counts dead letters by reason" \
    grep -q '^nearwire_messages_dlq_total{reason="invalid_json"} 1$' <<<"$metrics"
check "clean counts messages in" grep -q '^nearwire_messages_in_total 9$' <<<"$metrics"
check "reasons not met yet are exported at 0 (rate() and dashboards see the series)" \
    grep -q '^nearwire_messages_dlq_total{reason="crashed"} 0$' <<<"$metrics"
# every stage's exposition passes Prometheus' own linter and has what operators look for
promtool_gaps() {
    local s out
    for s in "${NW_STAGES[@]}"; do
        out=$(curl -fsS "http://127.0.0.1:${PORT[$s]}/metrics") || { echo "$s:unreachable"; continue; }
        printf '%s\n' "$out" >"$T/scrape.$s"
        promtool check metrics <<<"$out" >"$T/promtool.$s" 2>&1 || echo "$s:promtool($(head -c 300 "$T/promtool.$s"))"
        for m in nearwire_messages_in_total nearwire_messages_out_total nearwire_processing_seconds_bucket \
            nearwire_message_age_seconds_bucket nearwire_consumer_lag_messages nearwire_build_info \
            nearwire_kafka_brokers_up process_resident_memory_bytes process_cpu_seconds_total \
            process_open_fds process_start_time_seconds; do
            grep -q "^$m[{ ]" <<<"$out" || echo "$s:$m"
        done
    done
    for s in cluster enrich; do
        out=$(curl -fsS "http://127.0.0.1:${PORT[$s]}/metrics")
        for m in nearwire_redis_roundtrip_seconds_bucket nearwire_redis_errors_total; do
            grep -q "^$m[{ ]" <<<"$out" || echo "$s:$m"
        done
    done
    out=$(curl -fsS "http://127.0.0.1:${PORT[cluster]}/metrics")
    for m in nearwire_store_documents nearwire_store_bytes; do
        grep -q "^$m[{ ]" <<<"$out" || echo "cluster:$m"
    done
}
# (consumer lag comes with librdkafka's statistics, every 5 s)
no_gaps() { [ -z "$(promtool_gaps)" ]; }
nw_wait_for 12 "every metric series" no_gaps
check "every stage's /metrics passes promtool check metrics and has the operators' series" \
    eq "$(promtool_gaps | tr '\n' ' ')" ""
check "the Grafana dashboard and the alerts use only metrics the stages export" \
    /usr/bin/python3 "$NW_ROOT/tests/deploy/check_deploy.py" metrics "$T"/scrape.*
store_documents() {
    curl -fsS "http://127.0.0.1:${PORT[cluster]}/metrics" | awk '$1 == "nearwire_store_documents" { print $2 }'
}
seven_stored() { [ "$(store_documents)" = 7 ]; }
nw_wait_for 25 "the store's size gauges" seven_stored
check "cluster reports the documents in its store" eq "$(store_documents)" 7
decisions() {
    curl -fsS "http://127.0.0.1:${PORT[cluster]}/metrics" |
        awk -F'[{}" ]+' '$1 == "nearwire_decisions_total" { printf "%s=%s ", $3, $4 }'
}
check "cluster counts its decisions by relation" eq "$(decisions)" "new=3 story=0 duplicate=4 "
check "cluster reports its store" \
    grep -q '^nearwire_store_inserts_total 7$' <<<"$(curl -fsS "http://127.0.0.1:${PORT[cluster]}/metrics")"
"$NW_BIN/nearwire-tail" -b "$BOOT" -t news.stories --from-beginning --timeout 5 >"$T/stories.jsonl"
check "stories topic has the story summary" \
    eq "$(jq -s -r 'map(select(.story_id == "002_21eaf0559e8ada84" and .size == 4)) | last |
        "\(.first_id) \(.sources | join(","))"' "$T/stories.jsonl")" \
    "002_21eaf0559e8ada84 Associated Press,Fox News,The Jerusalem Post,The New York Sun"
check "the story record names the story merged into it" \
    eq "$(jq -s -r 'map(select(.story_id == "002_21eaf0559e8ada84")) | max_by(.size) |
        "\(.size) \(.merged_from | join(",")) \(.last_id)"' "$T/stories.jsonl")" \
    "7 000_cb190c1c7f2c8ca2,004_3336bd7ffc0a815a 006-roundup"
check "every store key has a TTL" \
    eq "$(for p in $redis_masters; do redis-cli -p "$p" --scan --pattern 'it:*' |
        while read -r k; do redis-cli -p "$p" TTL "$k"; done; done | awk '$1 < 0' | wc -l)" 0

# the schemas in config/schema stay in step with the code: every required field is there
schema_gaps() {
    local S=$NW_ROOT/config/schema
    jq -r --slurpfile raw "$S/raw.schema.json" --slurpfile cl "$S/clean.schema.json" \
        --slurpfile fp "$S/fingerprinted.schema.json" --slurpfile cu "$S/clustered.schema.json" \
        --slurpfile en "$S/enriched.schema.json" '
        def missing($schema; $obj): $schema.required - ($obj | keys);
        . as $d
        | [missing($cl[0]; $d), missing($fp[0]; $d), missing($cu[0]; $d), missing($en[0]; $d),
           missing($cl[0].properties.clean; $d.clean), missing($fp[0].properties.fp; $d.fp),
           missing($cu[0].properties.cluster; $d.cluster), missing($en[0].properties.enrich; $d.enrich),
           missing($en[0].properties.enrich.properties.story; $d.enrich.story)]
        | flatten | .[]' "$T/enriched.jsonl"
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.stories --from-beginning --timeout 5 |
        jq -r --slurpfile st "$S/story.schema.json" '$st[0].required - keys | .[]'
}
check "outputs carry every field their JSON Schema requires" eq "$(schema_gaps | sort -u | tr '\n' ' ')" ""

# records over librdkafka's 1 MB default: a 2 MB article goes through all four stages; a 4.5 MB
# message (over max.message.bytes, 4 MiB) is dead-lettered, truncated to 4 MiB and saying so
python3 -c 'import json
print(json.dumps({"id": "big-2mb", "body": "A long paragraph of words. " * 75000}))
print(json.dumps({"id": "junk-4.5mb", "body": "junk " * 900000}))' >"$T/big.jsonl"
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/big.jsonl" || echo "     ingest of the big records failed" >&2
big_through() {
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched --from-beginning --to-end --timeout 20 |
        jq -e -s 'any(.[]; .id == "big-2mb")' >/dev/null
}
nw_wait_for 60 "the 2 MB article through" big_through
check "a 2 MB article comes out of enrich" big_through
check "a 4.5 MB message is dead-lettered as oversize, truncated to 4 MiB, saying so" eq \
    "$("$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq --from-beginning --to-end --timeout 20 --envelope |
        jq -r 'select(.headers["nw.reason"] == "oversize") | "\(.headers["nw.truncated"]) \(.value | length)"')" \
    "$(($(sed -n 2p "$T/big.jsonl" | wc -c) - 1)) 4194304"
check "every stage is alive after them" \
    bash -c "for p in ${PORT[*]}; do curl -fsS http://127.0.0.1:\$p/livez >/dev/null || exit 1; done"

graceful=0
for s in "${NW_STAGES[@]}"; do
    pid=$(cat "$T/pids/$s.pid")
    kill -TERM "$pid"
    wait "$pid" || graceful=1
done
check "stages exit 0 on SIGTERM" eq "$graceful" 0
check "shutdown was logged as clean" eq "$(grep -l 'event=stopped clean=true' "$T"/logs/{clean,fingerprint,cluster,enrich}.log | wc -l)" 4

finish
