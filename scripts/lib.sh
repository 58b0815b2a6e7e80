# lib.sh - shell helpers shared by the local stack, the demo and the integration tests:
# free ports, starting and stopping processes by pid file, bounded waits. Source it.

# A free TCP port on loopback (nothing answers a connect there), below the ephemeral range: a
# port an outgoing connection holds there looks free to the probe but cannot be bound (Kafka's
# controller once failed so, on a port a Redis Cluster bus link held).
nw_free_port() {
    local p low
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    for p in $(shuf -i 10000-$((low - 1)) -n 64); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

# nw_alive PIDFILE: the process recorded there is running (a zombie awaiting its reaper is not).
nw_alive() {
    local pid
    [ -f "$1" ] && pid=$(cat "$1") && kill -0 "$pid" 2>/dev/null &&
        [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

# nw_start PIDFILE LOGFILE CMD...: starts CMD in the background, detached from the terminal.
# The previous log of the same name is kept as LOGFILE.1.
nw_start() {
    local pidfile=$1 log=$2
    shift 2
    [ -f "$log" ] && mv -f "$log" "$log.1"
    nohup "$@" >>"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
}

# nw_stop PIDFILE [SECONDS]: SIGTERM, wait, then SIGKILL; removes the pid file.
nw_stop() {
    local pidfile=$1 wait=${2:-15} pid i
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < wait * 10; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$pidfile"
}

# nw_wait_for SECONDS WHAT CMD...: runs CMD until it succeeds, at most SECONDS of wall time
# (a deadline, not a count of tries: a check that itself takes a minute, like reading whole
# topics, once made a 180-s wait last an hour).
nw_wait_for() {
    local secs=$1 what=$2 deadline=$((SECONDS + $1))
    shift 2
    while :; do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        if [ -n "${NW_WAIT_PID:-}" ] && ! kill -0 "$NW_WAIT_PID" 2>/dev/null; then
            break # the process we wait for is gone
        fi
        [ "$SECONDS" -lt "$deadline" ] || break
        sleep 0.2
    done
    echo "timed out after ${secs}s waiting for $what" >&2
    return 1
}

nw_http_ok() {
    curl -fsS --max-time 2 "$1" >/dev/null
}

nw_redis_ok() {
    [ "$(redis-cli -p "$1" PING 2>/dev/null)" = "PONG" ]
}

# nw_start_redis DIR PORT [REDIS-ARG...]: a throwaway redis-server on loopback, without
# persistence unless the extra arguments turn it on (e.g. --appendonly yes).
nw_start_redis() {
    local dir=$1 port=$2
    shift 2
    nw_start "$dir/pids/redis.pid" "$dir/logs/redis.log" \
        redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" "$@"
    NW_WAIT_PID=$(cat "$dir/pids/redis.pid") nw_wait_for 15 "redis-server on port $port" \
        nw_redis_ok "$port"
}

# nw_start_redis_any DIR: like nw_start_redis on a free port, trying another port when the
# chosen one turns out to be taken (a port used by an outgoing connection looks free to a
# probe). Extra arguments go to redis-server. Sets NW_REDIS_PORT.
nw_start_redis_any() {
    local i
    for i in 1 2 3 4 5; do
        NW_REDIS_PORT=$(nw_free_port) || return 1
        if nw_start_redis "$1" "$NW_REDIS_PORT" "${@:2}" 2>/dev/null; then
            return 0
        fi
        nw_stop "$1/pids/redis.pid" 1
    done
    echo "could not start redis-server on a free port (see $1/logs/redis.log)" >&2
    return 1
}

# nw_start_store DIR single|cluster: the Redis a test runs on: one redis-server on a free port,
# or a Redis Cluster of 3 masters and 3 replicas (scripts/redis_cluster.sh). Sets REDIS (its
# URL) and REDIS_MASTERS (the masters' ports, to read every key from).
nw_start_store() {
    if [ "$2" = cluster ]; then
        "$NW_ROOT/scripts/redis_cluster.sh" start "$1" >/dev/null || return 1
        REDIS=$(cat "$1/redis_url")
        REDIS_MASTERS=$(for p in $(cat "$1/rc/ports"); do
            redis-cli -p "$p" role | head -1 | grep -q master && echo "$p"; done)
        [ -n "$REDIS_MASTERS" ]
    else
        nw_start_redis_any "$1" || return 1
        REDIS="redis://127.0.0.1:$NW_REDIS_PORT"
        REDIS_MASTERS=$NW_REDIS_PORT
    fi
}

# nw_start_broker DIR PARTITIONS [BROKER-ARG...]: nearwire-broker; its bootstrap lands in
# DIR/bootstrap.
nw_start_broker() {
    local dir=$1 parts=$2
    shift 2
    rm -f "$dir/bootstrap"
    nw_start "$dir/pids/broker.pid" "$dir/logs/broker.log" \
        "$NW_BIN/nearwire-broker" --partitions "$parts" --write-bootstrap "$dir/bootstrap" "$@"
    nw_wait_for 15 "nearwire-broker" test -s "$dir/bootstrap"
}

# nw_start_kafka DIR [PARTITIONS]: a real Apache Kafka broker (scripts/kafka.sh: one KRaft
# node on loopback, the jars fetched once from Maven Central) with nearwire's topics; its
# bootstrap lands in DIR/bootstrap, its pid in DIR/pids/kafka.pid.
nw_start_kafka() {
    "$NW_ROOT/scripts/kafka.sh" start "$1" "${2:-}"
}

# nw_start_test_broker DIR PARTITIONS: the broker a test runs on, its bootstrap in
# DIR/bootstrap: Apache Kafka when NW_TEST_BROKER=kafka (make test's default where Java is),
# else nearwire-broker. nw_stop_test_broker DIR stops either.
nw_start_test_broker() {
    if [ "${NW_TEST_BROKER:-mock}" = kafka ]; then
        nw_start_kafka "$1" "$2" >/dev/null
    else
        nw_start_broker "$1" "$2"
    fi
}

nw_stop_test_broker() {
    nw_stop "$1/pids/broker.pid" 5
    [ -f "$1/pids/kafka.pid" ] && "$NW_ROOT/scripts/kafka.sh" stop "$1" >/dev/null 2>&1
    return 0
}

# nw_start_stage DIR STAGE BOOTSTRAP REDIS_URL [--set k=v ...]: the stage binds its HTTP
# endpoint to a free port itself (no race with other processes picking ports); read it with
# nw_stage_port. NW_INSTANCE=-2 (say) starts another instance: pid and log STAGE-2. Its
# in-flight marker goes to DIR/state.
nw_start_stage() {
    local dir=$1 stage=$2 bootstrap=$3 redis=$4 name=$2${NW_INSTANCE:-}
    shift 4
    mkdir -p "$dir/state"
    NEARWIRE_KAFKA_BOOTSTRAP=$bootstrap NEARWIRE_REDIS_URL=$redis NEARWIRE_HTTP_PORT=0 \
        NEARWIRE_STATE_DIR=$dir/state NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists NEARWIRE_ENRICH_STOPLISTS=$NW_ROOT/config/stoplists \
        NEARWIRE_ENRICH_GAZETTEER=$NW_ROOT/config/gazetteer nw_start "$dir/pids/$name.pid" "$dir/logs/$name.log" \
        "$NW_BIN/nearwire-$stage" --config "$NW_ROOT/config/$stage.conf" "$@"
}

nw_logged_port() {
    grep -m1 -oE 'event=http_listening addr=[^ ]+:[0-9]+' "$1" 2>/dev/null | grep -oE '[0-9]+$'
}

# nw_stage_port DIR STAGE: the HTTP port the stage logged, waiting up to 15 s for it.
nw_stage_port() {
    local log=$1/logs/$2.log
    nw_wait_for 15 "nearwire-$2 to listen (see $log)" nw_logged_port "$log" || return 1
    nw_logged_port "$log"
}

# nw_start_pipeline DIR BOOTSTRAP REDIS_URL [--set k=v ...]: one instance of each stage on that
# broker and Redis, waiting until each is ready; PORT[stage] gets its HTTP port.
nw_start_pipeline() {
    local dir=$1 boot=$2 redis=$3 s
    shift 3
    declare -gA PORT
    for s in "${NW_STAGES[@]}"; do
        nw_start_stage "$dir" "$s" "$boot" "$redis" "$@"
    done
    for s in "${NW_STAGES[@]}"; do
        PORT[$s]=$(nw_stage_port "$dir" "$s")
        nw_wait_for 60 "$s ready" nw_http_ok "http://127.0.0.1:${PORT[$s]}/readyz"
    done
}

# nw_stage_metric STAGE NAME: the sum of the stage's series of a metric (PORT from
# nw_start_pipeline).
nw_stage_metric() {
    curl -fsS "http://127.0.0.1:${PORT[$1]}/metrics" |
        awk -v m="$2" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%d\n", s }'
}

NW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NW_BIN=${NW_BIN:-$NW_ROOT/build/bin}
NW_STAGES=(clean fingerprint cluster enrich)

# nw_count_messages BOOTSTRAP TOPIC: how many messages the topic holds now.
nw_count_messages() {
    "$NW_BIN/nearwire-tail" -b "$1" -t "$2" --from-beginning --timeout 3 --envelope | wc -l
}

# nw_feed_in_order BOOTSTRAP JSONL_FILE: sends one document at a time and waits until it has
# come out of the pipeline on news.enriched. (Decisions do not depend on the order; this makes
# each step of a test or demo happen before the next.)
nw_feed_in_order() {
    local bootstrap=$1 file=$2 line id
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        id=$(jq -r .id <<<"$line")
        printf '%s\n' "$line" | "$NW_BIN/nearwire-ingest" -q -b "$bootstrap" -
        nw_wait_for 60 "$id on news.enriched" _nw_enriched "$bootstrap" "$id" || {
            echo "document did not come out of the pipeline within 60s" >&2
            return 1
        }
    done <"$file"
}

_nw_enriched() { # BOOTSTRAP ID: the article (not a revision record) is on news.enriched
    "$NW_BIN/nearwire-tail" -b "$1" -t news.enriched --from-beginning --to-end --timeout 20 2>/dev/null |
        jq -e -s --arg id "$2" 'any(.[]; .id == $id and .revised_by == null)' >/dev/null
}

# nw_run_dir NAME: a fresh folder for one run of a script in T (with pids/ and logs/), and an
# EXIT trap that stops the stages, broker and redis-server started in it, then removes it
# (kept with NW_KEEP_LOGS=1).
nw_run_dir() {
    T=$(mktemp -d "/tmp/nearwire-$1.XXXXXX")
    mkdir -p "$T/pids" "$T/logs"
    trap _nw_run_dir_cleanup EXIT
}
_nw_run_dir_cleanup() {
    local c
    for c in "${NW_STAGES[@]}" broker redis; do nw_stop "$T/pids/$c.pid" 5; done
    for c in "$T"/pids/redis-*.pid "$T"/*/pids/redis-*.pid; do # Redis Cluster nodes
        [ -e "$c" ] && nw_stop "$c" 5
    done
    [ -n "${NW_KEEP_LOGS:-}" ] && echo "logs kept in $T/logs" >&2 || rm -rf "$T"
}

# nw_peers_python SPEC...: the python of build/peers, a virtualenv for the peers that evals and
# benchmarks run beside nearwire (never a dependency of the stages), with SPEC... (pip
# requirements, pinned) installed from PyPI the first time
nw_peers_python() {
    local venv=$NW_ROOT/build/peers
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q "$@" >&2
    echo "$venv/bin/python"
}

# nw_reuters_docs OUT: Reuters-21578's articles with text, as input documents (text as body).
nw_reuters_docs() {
    zcat "$NW_ROOT/tests/data/reuters21578.jsonl.gz" |
        jq -c 'select(.text != "") | .body = .text | del(.text)' >"$1"
}
