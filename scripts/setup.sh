#!/usr/bin/env bash
# setup.sh [fuzz] - installs the Debian packages nearwire needs to build, test and run locally.
# Idempotent: installs only what is missing; no prompts. Needs root or sudo for apt-get.
set -euo pipefail

PACKAGES=(build-essential pkg-config librdkafka-dev libyajl-dev libhiredis-dev libcmocka-dev
          libmicrohttpd-dev libxxhash-dev libutf8proc-dev libzstd-dev libgumbo-dev libxml2-dev redis-server jq curl
          prometheus python3-yaml clang-format time openjdk-17-jre-headless maven chromium
          chromium-driver)
# prometheus: promtool, which the tests run on /metrics and deploy/prometheus;
# python3-yaml: tests/deploy/check_deploy.py reads the manifests of deploy/;
# clang-format: make format, and make check's format-check; time: peak memory in the tests;
# openjdk-17-jre-headless, maven: the real Apache Kafka broker of scripts/kafka.sh (fetched
# from Maven Central into ~/.cache/nearwire, never into the repository); chromium,
# chromium-driver: the story browser's test drives the page in headless Chromium
# `setup.sh fuzz`: also what make fuzz needs (clang and its libFuzzer runtime)
if [ "${1:-}" = fuzz ]; then
    PACKAGES+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
