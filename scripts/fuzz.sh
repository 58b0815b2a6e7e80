#!/usr/bin/env bash
# fuzz.sh [SECONDS] - builds the libFuzzer harnesses of tests/fuzz with clang (ASan + UBSan)
# and runs each for SECONDS (default 60) on a copy of its seed corpus (tests/fuzz/corpus/NAME).
# Inputs up to 1 MiB; a run over 20 s or 2 GB RSS fails like a crash (the structure-aware
# harness, fuzz_shapes, makes multi-megabyte pages and messages from a few bytes, so a
# superlinear path shows as a timeout). Crashes are written to build-fuzz/crashes/; the run
# fails if any harness fails. FUZZ_ONLY="shapes doc" runs only those.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
secs=${1:-${FUZZ_SECONDS:-60}}
cd "$NW_ROOT"
scripts/setup.sh fuzz
make --no-print-directory BUILD=build-fuzz CC=clang SANITIZE=address,undefined OPT="-O1 -g" \
    EXTRA_CFLAGS=-fsanitize=fuzzer-no-link build-fuzz/libnearwire.a
mkdir -p build-fuzz/crashes
status=0
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    name=${name#fuzz_}
    [ -z "${FUZZ_ONLY:-}" ] || [[ " $FUZZ_ONLY " == *" $name "* ]] || continue
    clang -std=c11 -D_GNU_SOURCE -O1 -g -Icommon $(pkg-config --cflags yajl gumbo hiredis) \
        -fsanitize=fuzzer,address,undefined "$src" tests/fuzz/shapes.c stages/clean/clean_step.c \
        build-fuzz/libnearwire.a \
        $(pkg-config --libs rdkafka yajl gumbo hiredis libmicrohttpd libxxhash libutf8proc libzstd) -lpthread -lm -o "build-fuzz/fuzz_$name"
    rm -rf "build-fuzz/corpus-$name"
    mkdir -p "build-fuzz/corpus-$name"
    [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "build-fuzz/corpus-$name"
    echo "== fuzz_$name for ${secs}s"
    if ! "build-fuzz/fuzz_$name" -max_total_time="$secs" -max_len=1048576 -timeout=20 -rss_limit_mb=2048 \
        -artifact_prefix="build-fuzz/crashes/$name-" "build-fuzz/corpus-$name" \
        2>"build-fuzz/fuzz_$name.log"; then
        echo "fuzz_$name FAILED: see build-fuzz/fuzz_$name.log and build-fuzz/crashes/"
        status=1
    fi
    tail -1 "build-fuzz/fuzz_$name.log"
done
exit $status
