# faultlib.sh - what every fault scenario shares: a private redis-server, broker and the four
# stages (fast group session timeouts, so a dead member's partitions move on quickly), a feed
# of Reuters articles with a few bad messages riding along, and the verdict: the ids on
# news.enriched plus news.dlq are exactly the ids ingested, and a document delivered more
# than once carries the same decision each time. Source after scripts/lib.sh and testlib.sh;
# call fault_setup first.

# fault_setup: sets T (work dir), REDIS_PORT, BOOT and CONTROL (the broker's fault-command
# pipe); redis-server's extra arguments come from the array REDIS_ARGS, the stages' from
# STAGE_ARGS, nearwire-ingest's from INGEST_ARGS (both may be empty). FAULT_BROKER=kafka (by
# default NW_TEST_BROKER) runs a real Apache Kafka broker instead of nearwire-broker (no
# CONTROL then; FAULT_BROKER=mock for a scenario that needs it); kafka-cluster three
# of them, topics replicated 3 times with min.insync.replicas 2 (scripts/kafka.sh). FAULT_REDIS=cluster
# puts the stores on a Redis Cluster of 3 masters and 3 replicas (scripts/redis_cluster.sh;
# REDIS_PORT is then one of its nodes). REDIS_URL is what the stages are given.
fault_setup() {
    T=$(mktemp -d /tmp/nearwire-faults.XXXXXX)
    mkdir -p "$T/pids" "$T/logs"
    trap fault_cleanup EXIT
    if [ "${FAULT_REDIS:-single}" = cluster ]; then
        NW_REDIS_CLUSTER_ARGS="${REDIS_ARGS[*]}" "$NW_ROOT/scripts/redis_cluster.sh" start "$T" \
            >/dev/null || die "a Redis Cluster starts"
        REDIS_URL=$(cat "$T/redis_url")
        REDIS_PORT=$(cut -d' ' -f1 "$T/rc/ports")
    else
        nw_start_redis_any "$T" "${REDIS_ARGS[@]}" || die "redis-server starts"
        REDIS_PORT=$NW_REDIS_PORT
        REDIS_URL=redis://127.0.0.1:$REDIS_PORT
    fi
    FAULT_BROKER=${FAULT_BROKER:-${NW_TEST_BROKER:-mock}}
    if [ "$FAULT_BROKER" = kafka-cluster ]; then
        CONTROL=
        "$NW_ROOT/scripts/kafka.sh" start-cluster "$T" 3 16 ||
            die "a cluster of three Apache Kafka brokers starts (scripts/kafka.sh)"
    elif [ "$FAULT_BROKER" = kafka ]; then
        CONTROL=
        nw_start_kafka "$T" 16 || die "Apache Kafka starts (scripts/kafka.sh)"
    else
        CONTROL=$T/control
        nw_start_broker "$T" 16 --control "$CONTROL" || die "nearwire-broker starts"
    fi
    BOOT=$(cat "$T/bootstrap")
}

fault_cleanup() {
    local c
    for c in "${NW_STAGES[@]}"; do nw_stop "$T/pids/$c.pid" 5; done
    for c in "${NW_STAGES[@]}"; do nw_stop "$T/pids/$c-2.pid" 5; done
    "$NW_ROOT/scripts/kafka.sh" stop "$T" >/dev/null 2>&1
    for c in broker redis; do nw_stop "$T/pids/$c.pid" 30; done
    nw_stop "$T/ref/pids/redis.pid" 5
    "$NW_ROOT/scripts/redis_cluster.sh" stop "$T"
    if [ "$failed" -gt 0 ] || [ -n "${NW_KEEP_LOGS:-}" ]; then
        echo "logs kept in $T/logs" >&2
    else
        rm -rf "$T"
    fi
}

# fault_start STAGE: (re)starts a stage and waits until it listens
fault_start() {
    nw_start_stage "$T" "$1" "$BOOT" "$REDIS_URL" \
        --set kafka.session.timeout.ms=6000 --set kafka.heartbeat.interval.ms=500 \
        "${STAGE_ARGS[@]}"
    nw_wait_for 30 "$1 listens" nw_logged_port "$T/logs/$1.log" || die "nearwire-$1 restarts"
}

# fault_start_all: starts every stage and waits until all are ready
fault_start_all() {
    local s
    for s in "${NW_STAGES[@]}"; do fault_start "$s"; done
    fault_all_ready 60 || die "every stage ready"
}

# fault_kill_each SECONDS: each stage in turn, SECONDS apart, SIGKILLed and started again
fault_kill_each() {
    local s
    for s in "${NW_STAGES[@]}"; do
        sleep "$1"
        kill -KILL "$(cat "$T/pids/$s.pid")"
        fault_start "$s"
    done
}

# fault_ready STAGE: its /readyz answers 200 now
fault_ready() {
    local p
    p=$(nw_stage_port "$T" "$1") && nw_http_ok "http://127.0.0.1:$p/readyz"
}

fault_not_ready() { ! fault_ready "$1"; }

# fault_all_ready SECONDS: every stage ready within SECONDS
fault_all_ready() {
    local s
    for s in "${NW_STAGES[@]}"; do
        nw_wait_for "$1" "$s ready" fault_ready "$s" || return 1
    done
}

# fault_feed N RATE: writes N Reuters articles (with their 1987 publication times, which order
# them whatever order they arrive in) and 3 bad messages to $T/in.jsonl and starts ingesting
# them at RATE per second in the background; its pid in FEEDER.
fault_feed() {
    N=$1
    zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" |
        jq -c 'select(.text != "") | {id, source, title, body: .text, published_at: (.published + "Z")}' |
        head -"$N" >"$T/in.jsonl"
    printf '%s\n' '{"id":"bad-1"' '{"id":"bad-2","body":""}' '{"body":"no id"}' >>"$T/in.jsonl"
    "$NW_BIN/nearwire-ingest" -q -b "$BOOT" --rate "$2" "${INGEST_ARGS[@]}" "$T/in.jsonl" \
        2>"$T/logs/ingest.log" &
    FEEDER=$!
}

_fault_have_all() {
    local e d
    e=$("$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched --from-beginning --to-end --timeout 120 |
        jq -r .id | sort -u | wc -l)
    d=$("$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq --from-beginning --to-end --timeout 120 --envelope |
        jq -r '.headers["nw.source.offset"] + ":" + .headers["nw.source.partition"] + ":" + .headers["nw.stage"]' |
        sort -u | wc -l)
    [ $((e + d)) -ge $((N + 3)) ]
}

# fault_verdict WHAT: waits for everything to come out, then checks nothing was lost, nothing
# unexpected appeared and re-deliveries agree; prints the scenario's figures.
fault_verdict() {
    wait "$FEEDER" || die "every document was accepted by the broker"
    nw_wait_for "${NW_FAULT_WAIT:-180}" "all $((N + 3)) documents to come out" _fault_have_all || true
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched --from-beginning --to-end --timeout 120 >"$T/out.jsonl"
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.dlq --from-beginning --to-end --timeout 120 --envelope >"$T/dlq.jsonl"
    grep -o '"id": *"[^"]*"' "$T/in.jsonl" | sed 's/.*"\([^"]*\)"$/\1/' | sort -u >"$T/want.ids"
    jq -r .id "$T/out.jsonl" | sort -u >"$T/got.ids"
    local lost copies differ reasons
    lost=$(comm -23 <(grep -v '^bad-' "$T/want.ids") "$T/got.ids" | wc -l)
    # (revision records re-state decisions later articles changed: not deliveries; a replay
    # emits the record as now stored, so one revision of an id must always read the same)
    copies=$(($(jq -c 'select(.revised_by == null) | .id' "$T/out.jsonl" | wc -l) - $(wc -l <"$T/got.ids")))
    differ=$(jq -c '[.id, .cluster.revision, .cluster]' "$T/out.jsonl" | sort -u |
        jq -r '"\(.[0]) \(.[1])"' | uniq -d | wc -l)
    reasons=$(jq -r '.headers["nw.reason"]' "$T/dlq.jsonl" | sort -u | tr '\n' ' ')
    echo "     $N documents through $1: lost $lost, delivered more than once $copies, decisions differing $differ"
    check "no document lost through $1" eq "$lost" 0
    check "re-delivered documents got identical decisions" eq "$differ" 0
    check "the bad messages are dead-lettered with reasons" eq "$reasons" "empty_body invalid_json missing_id "
    check "nothing unexpected on news.enriched" eq "$(comm -13 "$T/want.ids" "$T/got.ids" | wc -l)" 0
}

# fault_same_as_one_pass: the final state on news.enriched ($T/out.jsonl, after
# fault_verdict: per article its story and what it duplicates) is the one a single pass of the
# same articles through the stages' --pipe modes on a fresh redis-server gives (decisions
# follow the publication order, not the arrival order: README "Same articles, same answer").
# Run with site lines, common text and anchors off (NEARWIRE_CLEAN_REPEATED_AFTER=0,
# NEARWIRE_CLUSTER_COMMON_AFTER=0, NEARWIRE_CLUSTER_ANCHOR_DF_MAX=0 with
# NEARWIRE_CLUSTER_BANDS=8): which of a site's articles teach its lines, which articles a
# shingle's count has seen, and which 32 documents an anchor has when it names none as common,
# do depend on arrival.
fault_same_as_one_pass() {
    local final=$NW_ROOT/tests/eval/final_state.py differ
    mkdir -p "$T/ref/pids" "$T/ref/logs"
    nw_start_redis_any "$T/ref" || die "redis-server starts (the one-pass reference)"
    "$NW_BIN/nearwire-clean" --pipe --set clean.repeated_after=0 <"$T/in.jsonl" 2>/dev/null |
        "$NW_BIN/nearwire-fingerprint" --pipe 2>/dev/null |
        "$NW_BIN/nearwire-cluster" --pipe --set "redis.url=redis://127.0.0.1:$NW_REDIS_PORT" \
            >"$T/ref/out.jsonl" 2>"$T/logs/one-pass.log"
    for f in "$T/ref/out.jsonl" "$T/out.jsonl"; do
        python3 "$final" "$f" | jq -c '[.id, .story_id, .dup_of]' >"$f.final"
    done
    check "the one-pass reference decided every article" eq "$(wc -l <"$T/ref/out.jsonl.final")" "$N"
    differ=$(diff "$T/out.jsonl.final" "$T/ref/out.jsonl.final" | grep -c '^>')
    echo "     final decisions (story, dup_of) differing from one pass on one redis-server:" \
        "$differ of $N ($(jq -r '.[2] // empty' "$T/ref/out.jsonl.final" | wc -l) duplicates)"
    check "every final decision is the one pass's" eq "$differ" 0
}
