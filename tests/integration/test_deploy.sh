#!/usr/bin/env bash
# test_deploy.sh - deploy/ checked without a container engine: every YAML parses; the
# Dockerfile, compose file, Prometheus config and Kubernetes manifests agree with the stages'
# real config keys, defaults, ports, endpoints, commands and version (tests/deploy/
# check_deploy.py); promtool accepts the alerts and the Prometheus config, and every alert
# passes its unit test (tests/deploy/alerts_test.yaml); the dashboard is
# JSON; the systemd unit restarts on failure. (Metric names of the dashboard and alerts are
# checked against a live scrape in test_pipeline.sh.)
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"
D=$NW_ROOT/deploy

alerts_tested() { # each alert name of alerts.yaml appears in the test file
    local a missing=0
    for a in $(sed -n 's/^ *- alert: //p' "$D/prometheus/alerts.yaml"); do
        grep -q "alertname: $a\$" "$NW_ROOT/tests/deploy/alerts_test.yaml" || { echo "     untested: $a" >&2; missing=1; }
    done
    return $missing
}
check "manifests agree with the binaries (keys, ports, probes, commands, topics, image)" \
    /usr/bin/python3 "$NW_ROOT/tests/deploy/check_deploy.py" config "$NW_BIN"
check "promtool accepts the alerting rules" promtool check rules "$D/prometheus/alerts.yaml"
check "every alert fires on its case and not on the near miss (promtool test rules)" \
    promtool test rules "$NW_ROOT/tests/deploy/alerts_test.yaml"
check "every alert has a test case" alerts_tested
check "promtool accepts the Prometheus config" promtool check config "$D/prometheus/prometheus.yml"
check "the Grafana dashboard is JSON with panels" \
    test "$(jq '[.panels[].targets[]] | length' "$D/grafana/nearwire.json")" -gt 10
unit_ok() {
    grep -q '^Restart=on-failure' "$1" && grep -q '^EnvironmentFile=' "$1" && grep -q '^User=nearwire' "$1"
}
check "the systemd unit restarts on failure, reads the env file, runs unprivileged" \
    unit_ok "$D/systemd/nearwire@.service"
check "the image runs as a non-root user" grep -q '^USER 10001' "$D/docker/Dockerfile"
finish
