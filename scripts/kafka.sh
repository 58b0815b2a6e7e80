#!/usr/bin/env bash
# kafka.sh - a real Apache Kafka on loopback for tests and local runs: one KRaft node (broker
# and controller in one JVM), or a cluster of such nodes, data in a folder of the caller's.
#
#   kafka.sh fetch               the pinned Kafka's jars into the cache (Maven Central), once
#   kafka.sh start DIR [PARTS]   format DIR/kafka (free ports), start, wait until it serves,
#                                create nearwire's topics ($NEARWIRE_TOPICS_FILE, else
#                                deploy/compose/topics.txt; PARTS partitions each when
#                                given); bootstrap in DIR/bootstrap,
#                                pid in DIR/pids/kafka.pid, log in DIR/logs/kafka.log
#   kafka.sh restart DIR         start it again on its data and ports (after a kill)
#   kafka.sh stop DIR            SIGTERM, then wait for a clean shutdown (a cluster: every node)
#   kafka.sh start-cluster DIR N [PARTS]
#                                N nodes (3: a quorum of three controllers, every one a broker
#                                too) in DIR/kafka-1..N, topics replicated N times with
#                                min.insync.replicas N-1; bootstrap (all nodes) in DIR/bootstrap,
#                                pids DIR/pids/kafka-I.pid, logs DIR/logs/kafka-I.log
#   kafka.sh restart-node DIR I  start node I again on its data and ports (after a kill)
#
# The jars come from Maven Central through mvn (org.apache.kafka:kafka_2.13 and a log4j
# binding for its SLF4J logging) into $NEARWIRE_CACHE (default ~/.cache/nearwire), never into
# the repository. Needs Java 17 and Maven (scripts/setup.sh installs them).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

KAFKA_VERSION=${NEARWIRE_KAFKA_VERSION:-4.1.1}
LOG4J_VERSION=2.24.3
CACHE=${NEARWIRE_CACHE:-$HOME/.cache/nearwire}/kafka-$KAFKA_VERSION
HEAP=${NEARWIRE_KAFKA_HEAP:-512m}

fetch() {
    [ -f "$CACHE/libs/kafka_2.13-$KAFKA_VERSION.jar" ] && return 0
    mkdir -p "$CACHE"
    cat >"$CACHE/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>nearwire</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
    echo "kafka.sh: fetching Apache Kafka $KAFKA_VERSION from Maven Central into $CACHE" >&2
    rm -rf "$CACHE/libs.tmp"
    mvn -q -B -f "$CACHE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$CACHE/libs.tmp" >"$CACHE/mvn.log" 2>&1 ||
        { tail -20 "$CACHE/mvn.log" >&2; echo "kafka.sh: mvn could not fetch Kafka" >&2; return 1; }
    rm -rf "$CACHE/libs"
    mv "$CACHE/libs.tmp" "$CACHE/libs"
}

java_run() { # CLASS ARGS...: a Kafka main class with the cached jars and our log4j2 config
    java -cp "$CACHE/libs/*" -Dlog4j2.configurationFile="$K/log4j2.properties" "$@"
}

# serving BOOTSTRAP: the metadata of all topics answers (nearwire-tail on a topic that cannot
# exist)
serving() {
    local said
    said=$("$NW_BIN/nearwire-tail" -b "$1" -t "__nearwire_probe" -T 2 2>&1 >/dev/null) || true
    grep -q 'does not exist' <<<"$said"
}

# launch [NAME]: starts the node configured in $K (pid and log named NAME, default kafka)
launch() {
    local name=${1:-kafka}
    nw_start "$D/pids/$name.pid" "$D/logs/$name.log" \
        java -Xms128m -Xmx"$HEAP" -XX:+UseSerialGC -cp "$CACHE/libs/*" \
        -Dlog4j2.configurationFile="$K/log4j2.properties" kafka.Kafka "$K/server.properties"
}

# launch_and_wait [NAME]: launch, then waits until it serves
launch_and_wait() {
    launch "$@"
    NW_WAIT_PID=$(cat "$D/pids/${1:-kafka}.pid") nw_wait_for 120 \
        "Kafka to serve (see $D/logs/${1:-kafka}.log)" serving "$(cat "$K/bootstrap")"
}

write_log4j() { # the brokers log warnings and worse
    cat >"$1/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = %d{ISO8601} %p %c{1}: %m%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = out
EOF
}

# write_props NODE N VOTERS BPORT CPORT: $K/server.properties for node NODE of N (N = 1: one
# node, nothing replicated), broker and controller on loopback
write_props() {
    local node=$1 n=$2 voters=$3 bport=$4 cport=$5
    cat >"$K/server.properties" <<EOF
# written by scripts/kafka.sh: node $node of $n, broker and controller, on loopback
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$bport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$K/data
default.replication.factor=$n
min.insync.replicas=$((n > 1 ? n - 1 : 1))
offsets.topic.replication.factor=$n
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=$n
transaction.state.log.min.isr=$((n > 1 ? n - 1 : 1))
# only an in-sync replica becomes leader: acknowledged writes stay
unclean.leader.election.enable=false
# a broker silent for 4 s is fenced and its partitions get new leaders (Kafka's default: 9 s)
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# records up to the stages' 4 MiB inputs plus what they add (README "Guarantees")
message.max.bytes=5242880
replica.fetch.max.bytes=5242880
num.network.threads=2
num.io.threads=2
# the log cleaner looks for compactable logs (news.stories) every second, not every 15
log.cleaner.backoff.ms=1000
EOF
    write_log4j "$K"
}

# start_cluster N [PARTS]: N combined nodes, every one a controller voter, formatted with one
# cluster id and started together (a quorum needs a majority of its voters); topics
# replicated N times
start_cluster() {
    local n=$1 i voters= bootstrap= id
    fetch
    mkdir -p "$D/pids" "$D/logs"
    local bport=() cport=()
    for ((i = 1; i <= n; i++)); do
        bport[i]=$(nw_free_port)
        cport[i]=$(nw_free_port)
        voters+="${voters:+,}$i@127.0.0.1:${cport[i]}"
        bootstrap+="${bootstrap:+,}127.0.0.1:${bport[i]}"
    done
    K=$D/kafka-1
    mkdir -p "$K"
    write_log4j "$K"
    id=$(java_run kafka.tools.StorageTool random-uuid)
    for ((i = 1; i <= n; i++)); do
        K=$D/kafka-$i
        rm -rf "$K"
        mkdir -p "$K/data"
        write_props "$i" "$n" "$voters" "${bport[i]}" "${cport[i]}"
        echo "$bootstrap" >"$K/bootstrap"
        java_run kafka.tools.StorageTool format -t "$id" -c "$K/server.properties" \
            >"$D/logs/kafka-$i-format.log" 2>&1 || { cat "$D/logs/kafka-$i-format.log" >&2; return 1; }
    done
    for ((i = 1; i <= n; i++)); do
        K=$D/kafka-$i
        launch "kafka-$i"
    done
    nw_wait_for 180 "the Kafka cluster to serve (see $D/logs/kafka-*.log)" serving "$bootstrap"
    echo "$bootstrap" >"$D/bootstrap"
    local parts=()
    [ -n "${2:-}" ] && parts=(-p "$2")
    "$NW_BIN/nearwire-topics" -b "$bootstrap" -r "$n" "${parts[@]}" \
        "${NEARWIRE_TOPICS_FILE:-$NW_ROOT/deploy/compose/topics.txt}" >"$D/logs/kafka-topics.log"
}

start() {
    fetch
    mkdir -p "$D/pids" "$D/logs"
    K=$D/kafka
    rm -rf "$K"
    mkdir -p "$K/data"
    local bport cport
    bport=$(nw_free_port)
    cport=$(nw_free_port)
    write_props 1 1 "1@127.0.0.1:$cport" "$bport" "$cport"
    echo "127.0.0.1:$bport" >"$K/bootstrap"
    java_run kafka.tools.StorageTool format -t "$(java_run kafka.tools.StorageTool random-uuid)" \
        -c "$K/server.properties" >"$D/logs/kafka-format.log" 2>&1 ||
        { cat "$D/logs/kafka-format.log" >&2; return 1; }
    launch_and_wait
    cp "$K/bootstrap" "$D/bootstrap"
    local parts=()
    [ -n "${1:-}" ] && parts=(-p "$1")
    "$NW_BIN/nearwire-topics" -b "$(cat "$K/bootstrap")" "${parts[@]}" \
        "${NEARWIRE_TOPICS_FILE:-$NW_ROOT/deploy/compose/topics.txt}" >"$D/logs/kafka-topics.log"
}

D=${2:-}
case ${1:-} in
fetch) fetch ;;
start)
    [ -n "$D" ] || { echo "usage: kafka.sh start DIR [PARTITIONS]" >&2; exit 2; }
    start "${3:-}"
    ;;
restart)
    [ -n "$D" ] || { echo "usage: kafka.sh restart DIR" >&2; exit 2; }
    K=$D/kafka
    launch_and_wait
    ;;
start-cluster)
    [ -n "$D" ] && [ -n "${3:-}" ] || { echo "usage: kafka.sh start-cluster DIR N [PARTITIONS]" >&2; exit 2; }
    start_cluster "$3" "${4:-}"
    ;;
restart-node)
    [ -n "$D" ] && [ -n "${3:-}" ] || { echo "usage: kafka.sh restart-node DIR I" >&2; exit 2; }
    K=$D/kafka-$3
    launch_and_wait "kafka-$3"
    ;;
stop)
    [ -n "$D" ] || { echo "usage: kafka.sh stop DIR" >&2; exit 2; }
    for f in "$D/pids/kafka.pid" "$D"/pids/kafka-*.pid; do
        [ -e "$f" ] && nw_stop "$f" 30
    done
    ;;
*)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
