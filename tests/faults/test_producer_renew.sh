#!/usr/bin/env bash
# test_producer_renew.sh - processing.guarantee = exactly_once when a stage's transactional
# producer hits a fatal error that is not fencing (after a broker restart librdkafka 2.0 can
# lose its sequence numbers: OUT_OF_ORDER_SEQUENCE_NUMBER; here the development broker fails
# transaction commits with TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which librdkafka treats as
# fatal): the stage replaces its producer in the process instead of exiting, and the messages
# of the lost transaction are read again: nothing lost, re-delivered articles decided the same,
# every stage still running and ready. (The development broker, librdkafka 2.0's mock
# cluster, keeps no transaction markers: a read-committed reader sees an aborted transaction's
# records there too, so "each record once" is test_exactly_once.sh's check, on Apache Kafka,
# where a broker restart sometimes causes this fatal error for real.)
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
source "$(dirname "$0")/faultlib.sh"

REDIS_ARGS=()
STAGE_ARGS=(--set processing.guarantee=exactly_once --set kafka.group.instance.id=renew-1)
INGEST_ARGS=()
FAULT_BROKER=mock fault_setup
fault_start_all
fault_feed "${NW_FAULT_DOCS:-2000}" 1000
sleep 1
echo "errors end-txn 2 TRANSACTIONAL_ID_AUTHORIZATION_FAILED" >"$CONTROL"
fault_verdict "two transaction commits failed with a fatal error"

renewed=0
for s in "${NW_STAGES[@]}"; do
    check "$s still runs" kill -0 "$(cat "$T/pids/$s.pid")"
    p=$(nw_stage_port "$T" "$s") &&
        renewed=$((renewed + $(curl -fsS "http://127.0.0.1:$p/metrics" |
            awk '/^nearwire_kafka_producer_renewals_total / { n += $2 } END { print n + 0 }')))
done
echo "     producers renewed: $renewed ($(grep -l kafka_producer_renewed "$T"/logs/*.log | xargs -n1 basename | tr '\n' ' '))"
check "a new producer took over where the fatal errors struck" test "$renewed" -ge 1
check "every stage is ready" fault_all_ready 30
for t in news.clean news.fingerprinted; do
    "$NW_BIN/nearwire-tail" -b "$BOOT" -t "$t" --from-beginning --to-end --timeout 60 | jq -r .id >"$T/$t.ids"
    check "$t holds every article" eq "$(sort -u "$T/$t.ids" | wc -l)" "$N"
done
finish
