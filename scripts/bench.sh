#!/usr/bin/env bash
# bench.sh - the performance figures of README "Performance", on this machine:
#   1. clean and fingerprint throughput on Reuters-21578 (pure core, one core); clean on the
#      181 benchmark pages beside the HTML parsers alone (gumbo, libxml2's tree and SAX);
#   2. store match+insert throughput, Redis bytes and commands per document (100k documents),
#      on one redis-server and on a Redis Cluster of 3 masters;
#   3. the whole pipeline over redis-server and the development broker, then (with Java) a
#      real Apache Kafka, at least once and exactly once: sustained documents/s for 20k
#      Reuters articles, end-to-end latency at 1k documents/s, and the latency of one article
#      sent to the fresh stack once it is ready (first traffic) and to the idle stack after;
#   4. nearwire-api's routes over what the first pipeline run stored (tests/bench/bench_api.py);
#   5. with PEERS=1 (`make bench PEERS=1`): datasketch's MinHash LSH on Redis beside
#      fingerprint | cluster on the same 5,000 cleaned Reuters articles (tests/bench/
#      peer_datasketch.py, from PyPI into build/peers);
# then one table of every figure with its goal (tests/bench/bench_summary.py).
# Figures vary with the machine and its load; run it on an idle machine.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
B=$NW_ROOT/build/bench
nw_run_dir bench

nw_reuters_docs "$T/reuters.jsonl"
# everything printed is also kept for the summary table at the end
exec 3>&1
exec > >(tee "$T/bench.log")
TEE_PID=$!

echo "== pure core, one core, Reuters-21578 ($(wc -l <"$T/reuters.jsonl") articles with text)"
"$B/bench_core" 3 <"$T/reuters.jsonl"
echo "== pure core, one core, the article-extraction-benchmark's 181 HTML pages"
python3 "$NW_ROOT/tests/eval/clean_benchmark.py" prepare "$NW_ROOT/tests/data/article-extraction-benchmark" "$T/pages.jsonl"
"$B/bench_core" 3 parsers <"$T/pages.jsonl" | grep -E "^(clean|gumbo|libxml2)"

echo
echo "== signature store against one local redis-server"
nw_start_redis_any "$T"
port=$NW_REDIS_PORT
for threads in 1 2; do
    redis-cli -p "$port" FLUSHALL >/dev/null
    "$B/bench_store" "redis://127.0.0.1:$port" 100000 500 3 "$threads" 32 2>/dev/null
done
echo "-- without the common-text counters (cluster.common_after=0)"
redis-cli -p "$port" FLUSHALL >/dev/null
"$B/bench_store" "redis://127.0.0.1:$port" 100000 500 3 1 32 0 0 2>/dev/null
echo "-- bands only (cluster.anchor_df_max=0, cluster.bands=8)"
redis-cli -p "$port" FLUSHALL >/dev/null
"$B/bench_store" "redis://127.0.0.1:$port" 100000 500 8 1 0 2>/dev/null
echo "-- on a Redis Cluster of 3 masters (no replicas; this machine's 2 cores are shared by all)"
"$NW_ROOT/scripts/redis_cluster.sh" start "$T/rc" 3 0 >/dev/null
for threads in 1 2; do
    for p in $(cat "$T/rc/rc/ports"); do redis-cli -p "$p" FLUSHALL >/dev/null; done
    "$B/bench_store" "$(cat "$T/rc/redis_url")" 100000 500 3 "$threads" 32 2>/dev/null
done
"$NW_ROOT/scripts/redis_cluster.sh" stop "$T/rc"
echo "-- on 3 masters with a replica each: without and with redis.wait_replicas=1"
"$NW_ROOT/scripts/redis_cluster.sh" start "$T/rcr" 3 1 >/dev/null
for wait in 0 1; do
    for p in $(cat "$T/rcr/rc/ports"); do redis-cli -p "$p" FLUSHALL >/dev/null 2>&1; done
    "$B/bench_store" "$(cat "$T/rcr/redis_url")" 100000 500 3 1 32 "$wait" 2>/dev/null | head -1
done
"$NW_ROOT/scripts/redis_cluster.sh" stop "$T/rcr"

# pipeline NAME: the whole pipeline on a fresh broker (NAME mock: nearwire-broker; kafka: a
# real Apache Kafka, scripts/kafka.sh; kafka-eos: the same with processing.guarantee =
# exactly_once) in $T/NAME, then everything of it stopped again
pipeline() {
    local d=$T/$1 s args=()
    mkdir -p "$d/pids" "$d/logs"
    redis-cli -p "$port" FLUSHALL >/dev/null
    if [ "$1" = mock ]; then nw_start_broker "$d" 16; else nw_start_kafka "$d" 16 >/dev/null; fi
    [ "$1" = kafka-eos ] &&
        args=(--set processing.guarantee=exactly_once --set kafka.group.instance.id=bench-1)
    BOOT=$(cat "$d/bootstrap")
    PIPE_DIR=$d
    for s in "${NW_STAGES[@]}"; do
        nw_start_stage "$d" "$s" "$BOOT" "redis://127.0.0.1:$port" "${args[@]}"
    done
    declare -gA PORT
    for s in "${NW_STAGES[@]}"; do
        PORT[$s]=$(nw_stage_port "$d" "$s")
        nw_wait_for 60 "$s ready" nw_http_ok "http://127.0.0.1:${PORT[$s]}/readyz"
    done
    one_article first "the first article on the fresh stack, once every stage is ready"
    pipeline_figures
    for s in "${NW_STAGES[@]}" broker kafka; do nw_stop "$d/pids/$s.pid" 30; done
    if [ "$1" = mock ]; then api_figures "$d"; fi
}

# api_figures DIR: nearwire-api over the store the pipeline run left
api_figures() {
    local url
    NEARWIRE_REDIS_URL=redis://127.0.0.1:$port NEARWIRE_HTTP_PORT=0 \
        NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists nw_start "$1/pids/api.pid" \
        "$1/logs/api.log" "$NW_BIN/nearwire-api" --config "$NW_ROOT/config/api.conf"
    nw_wait_for 15 "nearwire-api" grep -q api_listening "$1/logs/api.log"
    url=$(grep -oE 'url=[^ ]+' "$1/logs/api.log" | head -1 | sed 's/url=//; s|/$||')
    python3 "$NW_ROOT/tests/bench/bench_api.py" "$url"
    nw_stop "$1/pids/api.pid" 10
}

# news.enriched also carries revision records: the run is through once cluster has decided
# every article and enrich has taken them and the revisions (counters, cheap to poll); the time
# of that goes to ALL_OF_AT, and a second argument runs then. Then every output is read back from news.enriched (not timed: a
# reader of the whole topic from its start is not part of the pipeline's throughput).
stage_metric() {
    curl -fsS "http://127.0.0.1:${PORT[$1]}/metrics" |
        awk -v m="$2" 'index($1, m) == 1 { s += $2 } END { printf "%d\n", s }'
}
cluster_metric() { stage_metric cluster "$1"; }
enriched() {
    [ "$(cluster_metric nearwire_decisions_total)" -ge "$1" ] &&
        [ "$(stage_metric enrich nearwire_messages_in_total)" -ge \
            $(($1 + $(cluster_metric nearwire_store_revisions_total))) ]
}
all_of() {
    nw_wait_for 300 "enrich takes $1 articles" enriched "$1"
    ALL_OF_AT=$(date +%s.%N)
    ${2:+$2}
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched --from-beginning --timeout 300 \
        --count $(($1 + $(cluster_metric nearwire_store_revisions_total))) >/dev/null
}

# cpu_seconds: "NAME SECONDS" a line for each process of the pipeline run in $PIPE_DIR (the
# stages, the broker or Kafka's JVM) and redis-server: user + system CPU so far, from /proc
cpu_seconds() {
    local name pid tick
    tick=$(getconf CLK_TCK)
    for name in "${NW_STAGES[@]}" broker kafka redis; do
        if [ "$name" = redis ]; then
            pid=$(redis-cli -p "$port" info server | tr -d '\r' | sed -n 's/^process_id://p')
        else
            pid=$(cat "$PIPE_DIR/pids/$name.pid" 2>/dev/null) || continue
        fi
        [ -r "/proc/$pid/stat" ] || continue
        # fields after the command's closing parenthesis: utime and stime are the 12th and 13th
        sed 's/.*) //' "/proc/$pid/stat" | awk -v n="$name" -v t="$tick" '{ print n, ($12 + $13) / t }'
    done
}

used_memory() { redis-cli -p "$port" info memory | tr -d '\r' | sed -n 's/^used_memory://p'; }

# stage_seconds: "STAGE BUSY REDIS" a line per stage: seconds spent on batches (processing and
# producing) and, of those, waiting for Redis round trips, from each stage's /metrics so far
stage_seconds() {
    local s
    for s in "${NW_STAGES[@]}"; do
        curl -fsS "http://127.0.0.1:${PORT[$s]}/metrics" | awk -v s="$s" '
            $1 == "nearwire_processing_seconds_sum" { busy = $2 }
            $1 == "nearwire_redis_roundtrip_seconds_sum" { redis = $2 }
            END { print s, busy + 0, redis + 0 }'
    done
}

at_the_end() {
    cpu_seconds >"$T/cpu.after"
    stage_seconds >"$T/busy.after"
}

pipeline_figures() {
    local n t0 t1
    n=$(wc -l <"$T/reuters.jsonl")
    used_memory >"$T/mem.before"
    cpu_seconds >"$T/cpu.before"
    stage_seconds >"$T/busy.before"
    t0=$(date +%s.%N)
    local TIMEFORMAT='ingest %U %S'
    { time "$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$T/reuters.jsonl"; } 2>"$T/cpu.ingest"
    all_of "$n" at_the_end
    t1=$ALL_OF_AT
    used_memory >"$T/mem.after"
    awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "throughput   %8.0f docs/s  (%d Reuters articles through all four stages: until enrich has taken the last, %.1f s)\n", n / (b - a), n, b - a }'
    # CPU per article by process over that run: where the 2 cores went
    awk -v n="$n" -v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
        FILENAME ~ /before/ { before[$1] = $2; next }
        FILENAME ~ /ingest/ { used["ingest"] = $2 + $3; order[++k] = "ingest"; next }
        { used[$1] = $2 - before[$1]; order[++k] = $1 }
        END { line = "cpu/article "; total = 0
              for (i = 1; i <= k; i++) { u = used[order[i]]; total += u
                  line = line sprintf(" %s %.0f us,", order[i], u / n * 1e6) }
              printf "%s total %.0f us  (CPU of each process over the run; %.2f of 2 cores busy)\n",
                     line, total / n * 1e6, total / wall }' \
        "$T/cpu.before" "$T/cpu.ingest" "$T/cpu.after"
    # what each stage's batches took, and how much of it was waiting for Redis: the stage the
    # pipeline waits on is the one busy for the whole run
    awk -v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
        FILENAME ~ /before/ { busy[$1] = $2; redis[$1] = $3; next }
        { line = line sprintf(" %s %.1f s (Redis %.1f s),", $1, $2 - busy[$1], $3 - redis[$1]) }
        END { printf "busy        %s of the run'"'"'s %.1f s  (each stage'"'"'s batches, and its waits for Redis round trips in them)\n", line, wall }' \
        "$T/busy.before" "$T/busy.after"
    echo "redis bytes  $(( ($(cat "$T/mem.after") - $(cat "$T/mem.before")) / n )) per article  (used_memory grown over the run: every stage's keys, the article cards included)"

    # latency: 10k more articles at 1k/s; enrich's message-age histogram (age of each message,
    # from its ingest timestamp, when enrich processes it) before and after gives the quantiles
    snap() { curl -fsS "http://127.0.0.1:${PORT[enrich]}/metrics" | grep '^nearwire_message_age_seconds_bucket'; }
    snap >"$T/before"
    head -10000 "$T/reuters.jsonl" | jq -c '.id += "-again"' >"$T/10k.jsonl"
    "$NW_BIN/nearwire-ingest" -q -b "$BOOT" --rate 1000 "$T/10k.jsonl"
    all_of $((n + 10000))
    snap >"$T/after"
    paste "$T/before" "$T/after" | awk '
        { match($1, /le="[^"]+"/); le = substr($1, RSTART + 4, RLENGTH - 5); n[++k] = $4 - $2; b[k] = le }
        END { total = n[k]
              for (i = 1; i <= k; i++) {
                  if (!p50 && n[i] >= 0.50 * total) p50 = b[i]
                  if (!p99 && n[i] >= 0.99 * total) p99 = b[i]
              }
              printf "latency      p50 <= %s s, p99 <= %s s  (raw -> enrich at 1k docs/s, %d messages; histogram bucket bounds)\n", p50, p99, total }'

    sleep 2
    one_article alone "one article sent to the idle stack"
}

# one_article NAME WHAT: one Reuters article (id suffixed -NAME) sent, and the seconds until it
# is read on news.enriched
one_article() {
    local file=$T/$1.jsonl t0 t1 took
    head -1 "$T/reuters.jsonl" | jq -c --arg s "-$1-${PIPE_DIR##*/}" '.id += $s' >"$file"
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t news.enriched -o end -c 1 -T 30 >"$T/$1.out" &
    local tailer=$!
    sleep 2 # (the tail has its partitions and sits at their ends)
    t0=$(date +%s.%N)
    "$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$file"
    wait "$tailer" || true
    t1=$(date +%s.%N)
    took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    printf '%-12s %s s  (%s, until read on news.enriched%s)\n' "$1" "$took" "$2" \
        "$(grep -q -- "-$1-" "$T/$1.out" || echo "; NOT SEEN")"
}

echo
echo "== whole pipeline: the development broker (16 partitions, lz4) + redis-server + the four stages"
pipeline mock
if command -v java >/dev/null; then
    echo
    echo "== whole pipeline: Apache Kafka (one KRaft node, scripts/kafka.sh; 16 partitions, lz4)"
    pipeline kafka
    echo
    echo "== the same with processing.guarantee = exactly_once (a transaction per batch and stage)"
    pipeline kafka-eos
else
    echo "(no Java here: the whole pipeline on Apache Kafka is not measured)"
fi

if [ "${PEERS:-0}" = 1 ]; then
    echo
    echo "== peers: the same 5,000 cleaned Reuters articles, one process each, a fresh redis-server"
    peer_py=$(nw_peers_python datasketch==2.0.0 redis==8.1.0)
    head -5000 "$T/reuters.jsonl" |
        "$NW_BIN/nearwire-clean" --pipe --set clean.repeated_after=0 2>/dev/null >"$T/clean5k.jsonl"
    redis-cli -p "$port" FLUSHALL >/dev/null
    m0=$(used_memory)
    t0=$(date +%s.%N)
    "$NW_BIN/nearwire-fingerprint" --pipe <"$T/clean5k.jsonl" 2>/dev/null |
        "$NW_BIN/nearwire-cluster" --pipe --set "redis.url=redis://127.0.0.1:$port" >/dev/null 2>&1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v m="$(($(used_memory) - m0))" -v n="$(wc -l <"$T/clean5k.jsonl")" \
        'BEGIN { printf "nearwire     %8.0f docs/s, %6.0f Redis bytes/doc  (fingerprint --pipe | cluster --pipe, %.1f s)\n", n / (b - a), m / n, b - a }'
    "$peer_py" "$NW_ROOT/tests/bench/peer_datasketch.py" "$T/clean5k.jsonl" "$port"
fi

exec >&3 3>&- # the tee has all of it once it ends
wait "$TEE_PID"
echo
echo "== summary"
python3 "$NW_ROOT/tests/bench/bench_summary.py" "$T/bench.log"
