#!/usr/bin/env bash
# test_startup.sh - wrong settings fail fast and say why, without leaking secrets: a Redis
# host that does not answer and a wrong password make clean, cluster and enrich exit 1 within
# startup.timeout.ms with one clear line (before, they retried silently until traffic came);
# so does any stage when no broker answers or a topic it reads or writes does not exist;
# out-of-range numbers and unknown choices stop a stage at start naming their source; exactly-once
# without a stable instance id is refused; no password reaches a log line or --print-config.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

T=$(mktemp -d /tmp/nearwire-startup.XXXXXX)
mkdir -p "$T/pids" "$T/logs"
cleanup() {
    redis-cli -p "$NW_REDIS_PORT" -a s3cret-pw --no-auth-warning shutdown nosave >/dev/null 2>&1
    nw_stop "$T/pids/redis.pid" 5
    nw_stop "$T/pids/broker.pid" 5
    [ "$failed" -gt 0 ] && tail -n 5 "$T"/*.log >&2
    rm -rf "$T"
}
trap cleanup EXIT
nw_start_redis_any "$T" || die "redis-server starts"
redis-cli -p "$NW_REDIS_PORT" config set requirepass s3cret-pw >/dev/null
closed=$(nw_free_port)

# run STAGE LOG [--set k=v ...]: the stage against no broker (it must stop before Kafka)
run() {
    local stage=$1 log=$2
    shift 2
    NEARWIRE_ENRICH_STOPLISTS=$NW_ROOT/config/stoplists NEARWIRE_ENRICH_GAZETTEER=$NW_ROOT/config/gazetteer \
        timeout 30 "$NW_BIN/nearwire-$stage" --config "$NW_ROOT/config/$stage.conf" \
        --set kafka.bootstrap=127.0.0.1:1 --set state.dir="$T/state" \
        --set startup.timeout.ms=2000 "$@" >"$log" 2>&1
}
for s in clean cluster enrich; do # (clean counts its sites' repeated lines in Redis)
    run "$s" "$T/$s-host.log" --set redis.url="redis://127.0.0.1:$closed"
    check "$s exits 1 when Redis does not answer" eq "$?" 1
    check "$s says which address and why" \
        grep -q "event=redis_unreachable addr=127.0.0.1:$closed detail=\"cannot connect" "$T/$s-host.log"
    check "$s ends with one clear line" grep -q 'event=dependencies_unreachable' "$T/$s-host.log"

    run "$s" "$T/$s-auth.log" --set redis.url="redis://:wrong-pw@127.0.0.1:$NW_REDIS_PORT"
    check "$s exits 1 on a wrong Redis password" eq "$?" 1
    check "$s says AUTH failed" grep -q 'event=redis_unreachable.*AUTH' "$T/$s-auth.log"
    check "$s never prints the password" bash -c "! grep -q wrong-pw '$T/$s-auth.log'"
done

# Kafka: no broker, or a topic that does not exist (a typo once ran against an empty topic)
run clean "$T/kafka-down.log" --set kafka.bootstrap="127.0.0.1:$closed" \
    --set redis.url="redis://:s3cret-pw@127.0.0.1:$NW_REDIS_PORT"
check "a stage exits 1 when no broker answers within startup.timeout.ms" eq "$?" 1
check "and says which bootstrap" grep -q "event=kafka_unreachable waited_s=[0-9]* bootstrap=127.0.0.1:$closed" "$T/kafka-down.log"
nw_start_broker "$T" 2 || die "broker starts"
bootstrap=$(cat "$T/bootstrap")
run enrich "$T/topic.log" --set kafka.bootstrap="$bootstrap" --set topic.stories=news.storeis \
    --set redis.url="redis://:s3cret-pw@127.0.0.1:$NW_REDIS_PORT"
check "a stage exits 1 when a topic it writes does not exist" eq "$?" 1
check "and names it" grep -q 'level=error .*event=topics_missing .*missing=news.storeis' "$T/topic.log"

"$NW_BIN/nearwire-fingerprint" --set processing.guarantee=exacty_once >"$T/guarantee.log" 2>&1
check "an unknown processing.guarantee stops the stage with status 2, naming the choices" \
    bash -c "[ $? = 2 ] && grep -q 'is not one of at_least_once, exactly_once' '$T/guarantee.log'"
run fingerprint "$T/eos.log" --set kafka.bootstrap="$bootstrap" --set processing.guarantee=exactly_once
check "exactly_once without a stable instance id: exit 1" eq "$?" 1
check "and says which id to set" grep -q 'event=kafka_config .*set kafka.group.instance.id' "$T/eos.log"
NEARWIRE_LOG_FORMAT=json run cluster "$T/json.log" --set redis.url="redis://:wrong-pw@127.0.0.1:$NW_REDIS_PORT"
check "log.format=json: every line is one JSON object with the same fields" \
    jqtrue -s 'length >= 2 and all(.[]; (.event | type) == "string" and (.ts | type) == "string")
            and any(.[]; .event == "dependencies_unreachable" and .waited_s >= 0)' "$T/json.log"
"$NW_BIN/nearwire-cluster" --set cluster.dup_containment=1.7 >"$T/range.log" 2>&1
check "an out-of-range setting stops the stage with status 2" eq "$?" 2
check "and names the key, the value, the range and where it came from" \
    grep -qx 'nearwire-cluster: --set: cluster.dup_containment = 1.7 is out of range 0..1' "$T/range.log"
NEARWIRE_KAFKA_SASL_JAAS_CONFIG='org.x required password="jaas-pw";' NEARWIRE_REDIS_URL='rediss://u:url-pw@h' \
    "$NW_BIN/nearwire-cluster" --set kafka.ssl.key.pem=PEMDATA --print-config >"$T/print.log" 2>&1
check "--print-config masks URL passwords, JAAS and key PEMs" \
    bash -c "! grep -q 'jaas-pw\|url-pw\|PEMDATA' '$T/print.log' && grep -q 'rediss://u:\*\*\*@h' '$T/print.log'"
finish
