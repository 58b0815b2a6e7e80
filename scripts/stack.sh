#!/usr/bin/env bash
# stack.sh up|down|status - the local development stack: redis-server, a broker, one
# instance of each stage and nearwire-api (the story browser; port 8090 unless taken or
# NEARWIRE_API_PORT says), all on loopback, state under .nearwire/ (env, pids/, logs/). The
# broker (NEARWIRE_BROKER, `make up BROKER=...`) is a real Apache Kafka (kafka:
# scripts/kafka.sh, its data kept under .nearwire/kafka across `down` and `up`) or
# nearwire-broker (mock: the in-memory development Kafka). By default: the one a running
# stack has, else Kafka when Java and Maven (or the fetched jars) are here, else mock. Redis
# (NEARWIRE_REDIS, `make up REDIS=...`) is one redis-server (single, the default) or a Redis
# Cluster of 3 masters and 3 replicas (cluster: scripts/redis_cluster.sh). `up` is
# idempotent: it starts only what is not running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

D=${NEARWIRE_STACK_DIR:-$NW_ROOT/.nearwire}
PARTITIONS=${NEARWIRE_PARTITIONS:-16}
default_broker() {
    if nw_alive "$D/pids/broker.pid"; then
        echo mock
    elif nw_alive "$D/pids/kafka.pid"; then
        echo kafka
    elif command -v java >/dev/null &&
        { command -v mvn >/dev/null || compgen -G "${NEARWIRE_CACHE:-$HOME/.cache/nearwire}/kafka-*/libs" >/dev/null; }; then
        echo kafka
    else
        echo mock
    fi
}
BROKER=${NEARWIRE_BROKER:-$(default_broker)}
case $BROKER in
    mock) BROKER_PID=broker ;;
    kafka) BROKER_PID=kafka ;;
    *) echo "stack.sh: NEARWIRE_BROKER is mock or kafka, not \"$BROKER\"" >&2; exit 2 ;;
esac

REDIS_KIND=${NEARWIRE_REDIS:-}
if [ -z "$REDIS_KIND" ]; then # the kind a running stack has, else one server
    REDIS_KIND=single
    compgen -G "$D/pids/redis-*.pid" >/dev/null && REDIS_KIND=cluster
fi
case $REDIS_KIND in
    single | cluster) ;;
    *) echo "stack.sh: NEARWIRE_REDIS is single or cluster, not \"$REDIS_KIND\"" >&2; exit 2 ;;
esac

cluster_alive() { # every node of the local Redis Cluster runs
    local f n=0
    for f in "$D"/pids/redis-*.pid; do
        [ -e "$f" ] || return 1
        nw_alive "$f" || return 1
        n=$((n + 1))
    done
    [ "$n" -gt 0 ]
}

# start_redis: the Redis the stack asked for, unless it runs; sets REDIS_URL
start_redis() {
    local redis_port
    if [ "$REDIS_KIND" = cluster ]; then
        if nw_alive "$D/pids/redis.pid"; then
            echo "stack.sh: the stack runs one redis-server; 'make down' first" >&2
            exit 1
        fi
        if ! cluster_alive; then
            "$NW_ROOT/scripts/redis_cluster.sh" stop "$D"
            rm -rf "$D/rc" "$D"/pids/redis-*.pid
            echo "starting a Redis Cluster (3 masters, 3 replicas)"
            "$NW_ROOT/scripts/redis_cluster.sh" start "$D"
        fi
        REDIS_URL=$(cat "$D/redis_url")
        return
    fi
    if cluster_alive; then
        echo "stack.sh: the stack runs a Redis Cluster; 'make down' first" >&2
        exit 1
    fi
    redis_port=$(port_of NEARWIRE_REDIS_URL)
    redis_port=${redis_port:-$(nw_free_port)}
    if ! nw_alive "$D/pids/redis.pid"; then
        echo "starting redis-server on 127.0.0.1:$redis_port"
        nw_start_redis "$D" "$redis_port"
    fi
    REDIS_URL=redis://127.0.0.1:$redis_port
}

port_of() { # the port of a URL or host:port saved in the env file, if any
    local v=${!1:-}
    [ -n "$v" ] && echo "${v##*:}" || true
}

up() {
    mkdir -p "$D/pids" "$D/logs"
    [ -f "$D/env" ] && source "$D/env"
    local broker_fresh=0 s port redis_was
    redis_was=${NEARWIRE_REDIS_URL:-}
    start_redis
    local other=broker
    [ "$BROKER_PID" = broker ] && other=kafka
    if nw_alive "$D/pids/$other.pid"; then
        echo "stack.sh: the stack runs the other broker ($other); 'make down' first" >&2
        exit 1
    fi
    if ! nw_alive "$D/pids/$BROKER_PID.pid"; then
        if [ "$BROKER" = kafka ] && [ -f "$D/kafka/server.properties" ]; then
            echo "starting Apache Kafka on its data in $D/kafka"
            "$NW_ROOT/scripts/kafka.sh" restart "$D"
        elif [ "$BROKER" = kafka ]; then
            echo "starting Apache Kafka ($PARTITIONS partitions per topic; fetched once from Maven Central)"
            nw_start_kafka "$D" "$PARTITIONS"
        else
            echo "starting nearwire-broker ($PARTITIONS partitions per topic; the in-memory development broker)"
            nw_start_broker "$D" "$PARTITIONS"
        fi
        broker_fresh=1
    fi
    local bootstrap
    bootstrap=$(cat "$D/bootstrap")
    {
        echo "# written by 'make up'; source it to use the local stack (the tools read these)"
        echo "export NEARWIRE_KAFKA_BOOTSTRAP=$bootstrap"
        echo "export NEARWIRE_REDIS_URL=$REDIS_URL"
    } >"$D/env.new"
    for s in "${NW_STAGES[@]}"; do
        if { [ "$broker_fresh" = 1 ] || [ "$redis_was" != "$REDIS_URL" ]; } && nw_alive "$D/pids/$s.pid"; then
            nw_stop "$D/pids/$s.pid" # it points at the old broker or Redis
        fi
        if ! nw_alive "$D/pids/$s.pid"; then
            echo "starting nearwire-$s"
            # on Kafka, static membership: a restarted stage has its partitions in 0.2 s, not 44
            local member=()
            [ "$BROKER" = kafka ] && member=(--set "kafka.group.instance.id=local-$s")
            nw_start_stage "$D" "$s" "$bootstrap" "$REDIS_URL" "${member[@]}"
        fi
    done
    for s in "${NW_STAGES[@]}"; do
        port=$(nw_stage_port "$D" "$s") || { echo "see $D/logs/$s.log" >&2; exit 1; }
        echo "export NEARWIRE_METRICS_${s^^}=http://127.0.0.1:$port" >>"$D/env.new"
    done
    [ "$redis_was" != "$REDIS_URL" ] && nw_stop "$D/pids/api.pid"
    start_api
    mv "$D/env.new" "$D/env"
    source "$D/env"
    for s in "${NW_STAGES[@]}"; do
        local var="NEARWIRE_METRICS_${s^^}"
        if ! nw_wait_for 60 "nearwire-$s to be ready" ready_or_gone "$s" "${!var}"; then
            exit 1
        fi
        if ! nw_alive "$D/pids/$s.pid"; then
            echo "nearwire-$s exited while starting (was it still stopping? run 'make up' again);" \
                "see $D/logs/$s.log" >&2
            exit 1
        fi
    done
    echo "local stack ready; settings in $D/env, logs in $D/logs/"
}

api_url() { grep -oE 'event=api_listening url=[^ ]+' "$D/logs/api.log" 2>/dev/null | tail -1 | sed 's/.*url=//; s|/$||'; }

# start_api: nearwire-api on the stack's Redis, unless it runs; its URL goes to the env file
start_api() {
    local port=${NEARWIRE_API_PORT:-8090}
    if ! nw_alive "$D/pids/api.pid"; then
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            port=$(nw_free_port) # 8090 is taken by something else
        fi
        echo "starting nearwire-api"
        NEARWIRE_REDIS_URL=$REDIS_URL NEARWIRE_HTTP_PORT=$port \
            NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists nw_start "$D/pids/api.pid" \
            "$D/logs/api.log" "$NW_BIN/nearwire-api" --config "$NW_ROOT/config/api.conf"
        nw_wait_for 15 "nearwire-api to listen" api_url || { echo "see $D/logs/api.log" >&2; exit 1; }
    fi
    echo "export NEARWIRE_API=$(api_url)" >>"$D/env.new"
}

ready_or_gone() { # succeeds when the stage is ready, or when it is no longer running
    nw_http_ok "$2/readyz" || ! nw_alive "$D/pids/$1.pid"
}

down() {
    local c
    for c in api "${NW_STAGES[@]}" broker kafka redis; do
        if nw_alive "$D/pids/$c.pid"; then
            echo "stopping $c"
        fi
        nw_stop "$D/pids/$c.pid" 30
    done
    if cluster_alive; then
        echo "stopping the Redis Cluster"
    fi
    "$NW_ROOT/scripts/redis_cluster.sh" stop "$D"
}

status() {
    [ -f "$D/env" ] && source "$D/env"
    printf '%-12s %-8s %-8s %s\n' COMPONENT PID STATE ADDRESS
    local c addr state pid
    local broker=broker
    nw_alive "$D/pids/kafka.pid" && broker=kafka
    for c in redis "$broker" "${NW_STAGES[@]}" api; do
        case $c in
            redis) addr=${NEARWIRE_REDIS_URL:-} ;;
            broker | kafka) addr=${NEARWIRE_KAFKA_BOOTSTRAP:-} ;;
            api) addr=${NEARWIRE_API:-} ;;
            *) v="NEARWIRE_METRICS_${c^^}"; addr=${!v:-} ;;
        esac
        pid=$(cat "$D/pids/$c.pid" 2>/dev/null || echo -)
        if nw_alive "$D/pids/$c.pid"; then state=running; else state=stopped; fi
        if [ "$c" = redis ] && [ "$REDIS_KIND" = cluster ]; then
            pid=cluster
            if cluster_alive; then state=running; else state=stopped; fi
        fi
        if [ "$state" = running ] && [[ $addr == http* ]] && ! nw_http_ok "$addr/readyz"; then
            state=notready
        fi
        printf '%-12s %-8s %-8s %s\n' "$c" "$pid" "$state" "$addr"
    done
}

case ${1:-} in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
