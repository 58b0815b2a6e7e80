#!/usr/bin/env bash
# kafka.sh - a real Apache Kafka broker on loopback for tests and local runs: one KRaft node,
# broker and controller in one JVM, data in a folder of the caller's.
#
#   kafka.sh fetch               the pinned Kafka's jars into the cache (Maven Central), once
#   kafka.sh start DIR [PARTS]   format DIR/kafka (free ports), start, wait until it serves,
#                                create nearwire's topics ($NEARWIRE_TOPICS_FILE, else
#                                deploy/compose/topics.txt; PARTS partitions each when
#                                given); bootstrap in DIR/bootstrap,
#                                pid in DIR/pids/kafka.pid, log in DIR/logs/kafka.log
#   kafka.sh restart DIR         start it again on its data and ports (after a kill)
#   kafka.sh stop DIR            SIGTERM, then wait for a clean shutdown
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

launch() {
    nw_start "$D/pids/kafka.pid" "$D/logs/kafka.log" \
        java -Xms128m -Xmx"$HEAP" -XX:+UseSerialGC -cp "$CACHE/libs/*" \
        -Dlog4j2.configurationFile="$K/log4j2.properties" kafka.Kafka "$K/server.properties"
    # serving: the metadata of all topics answers (nearwire-tail on a topic that cannot exist)
    serving() {
        local said
        said=$("$NW_BIN/nearwire-tail" -b "$(cat "$K/bootstrap")" -t "__nearwire_probe" -T 2 \
            2>&1 >/dev/null) || true
        grep -q 'does not exist' <<<"$said"
    }
    NW_WAIT_PID=$(cat "$D/pids/kafka.pid") nw_wait_for 90 "Kafka to serve (see $D/logs/kafka.log)" serving
    cp "$K/bootstrap" "$D/bootstrap"
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
    cat >"$K/server.properties" <<EOF
# written by scripts/kafka.sh: one KRaft node, broker and controller, on loopback
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$bport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$K/data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# records up to the stages' 4 MiB inputs plus what they add (README "Guarantees")
message.max.bytes=5242880
num.network.threads=2
num.io.threads=2
# the log cleaner looks for compactable logs (news.stories) every second, not every 15
log.cleaner.backoff.ms=1000
EOF
    cat >"$K/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = %d{ISO8601} %p %c{1}: %m%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = out
EOF
    echo "127.0.0.1:$bport" >"$K/bootstrap"
    java_run kafka.tools.StorageTool format -t "$(java_run kafka.tools.StorageTool random-uuid)" \
        -c "$K/server.properties" >"$D/logs/kafka-format.log" 2>&1 ||
        { cat "$D/logs/kafka-format.log" >&2; return 1; }
    launch
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
    launch
    ;;
stop)
    [ -n "$D" ] || { echo "usage: kafka.sh stop DIR" >&2; exit 2; }
    nw_stop "$D/pids/kafka.pid" 30
    ;;
*)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
