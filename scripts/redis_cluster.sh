#!/usr/bin/env bash
# redis_cluster.sh start DIR [MASTERS [REPLICAS]] | stop DIR | url DIR - a Redis Cluster on
# loopback for development, tests and benchmarks: MASTERS masters (3) with REPLICAS replicas
# each (1), every node a redis-server
# with cluster mode on, its own folder DIR/rc/PORT (nodes.conf) and pid file
# DIR/pids/redis-PORT.pid. A node is declared failed after 2 s without answering
# (cluster-node-timeout), so a failover takes a few seconds. `start` waits until every node
# says cluster_state:ok and writes the seed URL (the masters) to DIR/redis_url.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() {
    echo "usage: $0 start DIR [MASTERS [REPLICAS]] | stop DIR | url DIR" >&2
    exit 2
}

# ports PORT COUNT: COUNT consecutive ports from PORT, and their cluster bus ports (+10000),
# all free
ports_free() {
    local p
    for ((p = $1; p < $1 + $2; p++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$((p + 10000))") 2>/dev/null && return 1
    done
    return 0
}

cluster_ok() { # every node of the cluster agrees it is whole
    local p
    for p in $(cat "$1/rc/ports"); do
        redis-cli -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
    done
}

# start_nodes DIR N: N redis-servers in cluster mode on consecutive free ports below the
# ephemeral range (a port an outgoing connection holds looks free to a probe), bus ports too
start_nodes() {
    local dir=$1 n=$2 base= p i
    for i in $(seq 1 20); do
        base=$(shuf -i 20000-22700 -n 1)
        ports_free "$base" "$n" && break
        base=
    done
    [ -n "$base" ] || { echo "redis_cluster.sh: no $n free consecutive ports" >&2; return 1; }
    seq "$base" $((base + n - 1)) | tr '\n' ' ' >"$dir/rc/ports"
    for p in $(cat "$dir/rc/ports"); do
        mkdir -p "$dir/rc/$p"
        nw_start "$dir/pids/redis-$p.pid" "$dir/logs/redis-$p.log" \
            redis-server --port "$p" --bind 127.0.0.1 --dir "$dir/rc/$p" --save '' \
            --appendonly no --cluster-enabled yes --cluster-config-file nodes.conf \
            --cluster-node-timeout 2000 "${NW_REDIS_CLUSTER_ARGS[@]}"
    done
    for p in $(cat "$dir/rc/ports"); do
        NW_WAIT_PID=$(cat "$dir/pids/redis-$p.pid") nw_wait_for 15 "redis-server on port $p" \
            nw_redis_ok "$p" 2>/dev/null || return 1
    done
}

start() {
    local dir=$1 masters=${2:-3} replicas=${3:-1} n base p i
    n=$((masters * (1 + replicas)))
    mkdir -p "$dir/pids" "$dir/logs" "$dir/rc"
    for i in 1 2 3; do # another set of ports when one was taken after all
        start_nodes "$dir" "$n" && break
        stop "$dir"
        rm -rf "$dir/rc" && mkdir -p "$dir/rc"
        [ "$i" -lt 3 ] || { echo "redis_cluster.sh: the nodes did not start (see $dir/logs)" >&2; return 1; }
    done
    base=$(cut -d' ' -f1 "$dir/rc/ports")
    # shellcheck disable=SC2046
    redis-cli --cluster create $(for p in $(cat "$dir/rc/ports"); do echo "127.0.0.1:$p"; done) \
        --cluster-replicas "$replicas" --cluster-yes >"$dir/logs/redis-cluster-create.log" 2>&1 || {
        echo "redis_cluster.sh: redis-cli --cluster create failed (see $dir/logs/redis-cluster-create.log)" >&2
        return 1
    }
    nw_wait_for 30 "the cluster to agree it is whole" cluster_ok "$dir" || return 1
    # the seeds: the masters as created (any one would do; all are tried)
    echo "redis://$(for ((i = 0; i < masters; i++)); do echo "127.0.0.1:$((base + i))"; done | paste -sd,)" \
        >"$dir/redis_url"
    echo "Redis Cluster: $masters masters, $((masters * replicas)) replicas on 127.0.0.1:$base-$((base + n - 1))"
}

stop() {
    local f
    for f in "$1"/pids/redis-*.pid; do
        [ -e "$f" ] && nw_stop "$f" 5
    done
    return 0
}

NW_REDIS_CLUSTER_ARGS=(${NW_REDIS_CLUSTER_ARGS:-})
case ${1:-} in
    start) [ $# -ge 2 ] || usage; start "$2" "${3:-3}" "${4:-1}" ;;
    stop) [ $# -eq 2 ] || usage; stop "$2" ;;
    url) [ $# -eq 2 ] || usage; cat "$2/redis_url" ;;
    *) usage ;;
esac
