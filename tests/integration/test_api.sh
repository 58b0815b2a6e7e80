#!/usr/bin/env bash
# test_api.sh - nearwire-api and nearwire-query on the real stack: redis-server, nearwire-broker
# and the four stages fed the five seed articles all together. Asserts the seed story and its
# members, articles' decisions, the recent-stories list, a match that names the original
# without changing the store, explain's shared passages, the errors (400, 404, 405, 413) and
# hostile requests (huge and deep bodies, long URLs, bad bytes, 500 random requests from
# tests/fuzz/api_requests.py, many at once) with the
# server's memory watched, metrics and graceful shutdown; then the story browser in headless
# Chromium (tests/browser/browser_check.py), with screenshots kept in build/screenshots/.
# NW_API_REDIS=cluster runs it all on a Redis Cluster of 3 masters and 3 replicas.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../testlib.sh"

nw_run_dir api
SHOTS=${NW_SCREENSHOTS:-$NW_ROOT/build/screenshots}
stop_api() { nw_stop "$T/pids/api.pid" 5; }
trap 'stop_api; _nw_run_dir_cleanup' EXIT

nw_start_store "$T" "${NW_API_REDIS:-single}" || die "Redis starts (${NW_API_REDIS:-single})"
store_keys() { for p in $REDIS_MASTERS; do redis-cli -p "$p" dbsize; done | awk '{n += $1} END {print n}'; }
nw_start_broker "$T" 4 || die "nearwire-broker starts"
BOOT=$(cat "$T/bootstrap")
for s in "${NW_STAGES[@]}"; do
    nw_start_stage "$T" "$s" "$BOOT" "$REDIS" --set "redis.prefix=api:"
done
for s in "${NW_STAGES[@]}"; do
    port=$(nw_stage_port "$T" "$s") || die "nearwire-$s listens"
    nw_wait_for 60 "$s ready" nw_http_ok "http://127.0.0.1:$port/readyz" || die "nearwire-$s is ready"
done
NEARWIRE_REDIS_URL=$REDIS NEARWIRE_HTTP_PORT=0 NEARWIRE_CLEAN_STOPLISTS=$NW_ROOT/config/stoplists \
    nw_start "$T/pids/api.pid" "$T/logs/api.log" "$NW_BIN/nearwire-api" \
    --config "$NW_ROOT/config/api.conf" --set redis.prefix=api:
api_url() { grep -m1 -oE 'event=api_listening url=[^ ]+' "$T/logs/api.log" | sed 's/.*url=//; s|/$||'; }
nw_wait_for 15 "nearwire-api listens" api_url || die "nearwire-api listens"
API=$(api_url)
nw_wait_for 15 "nearwire-api ready" nw_http_ok "$API/readyz" || die "nearwire-api is ready"
Q() { "$NW_BIN/nearwire-query" --api "$API" "$@"; }

S0=000_cb190c1c7f2c8ca2 S1=001_73dd3d837b8d3d39 S2=002_21eaf0559e8ada84
S3=003_ff29192445ed483d S4=004_3336bd7ffc0a815a
"$NW_BIN/nearwire-ingest" -q -b "$BOOT" "$NW_ROOT/tests/data/seeds/seeds.jsonl" || die "seeds sent"
settled() { # the seed story holds 000-003 and 000's record names it
    [ "$(curl -fsS "$API/v1/stories/$S2" | jq -r '[.members[].id] | sort | join(",")')" = "$S0,$S1,$S2,$S3" ] &&
        [ "$(curl -fsS "$API/v1/articles/$S0" | jq -r .cluster.story_id)" = "$S2" ]
}
nw_wait_for 60 "the seed story settles" settled || die "the seed story settles in the API"

# -- the questions
curl -fsS "$API/v1/stories/$S2" >"$T/story.json"
check "GET /v1/stories/<the seed story> lists 000-003 with their relations" \
    jqtrue '[.members[] | [.id[0:3], .cluster.relation]] == [["002","new"],["003","duplicate"],["000","story"],["001","duplicate"]]' "$T/story.json"
check "the story has four sources, its headline and agency" \
    jqtrue '.size == 4 and (.sources | length) == 4 and .headline != null and .agency == "AP" and .first_id == "'$S2'"' "$T/story.json"
check "members come in publication order with their cards" \
    jqtrue '[.members[].cluster.ordered_at] == ([.members[].cluster.ordered_at] | sort) and all(.members[]; .source != null and .text == null)' "$T/story.json"
check "paging: offset 1 limit 2 gives the second and third members" \
    eq "$(curl -fsS "$API/v1/stories/$S2?offset=1&limit=2" | jq -r '([.members[].id[0:3]] | join(",")) + " " + (.members_total | tostring)')" "003,000 4"
check "GET /v1/articles/001: duplicate of 000 in the seed story" \
    eq "$(curl -fsS "$API/v1/articles/$S1" | jq -r '[.cluster.relation, .cluster.dup_of, .cluster.story_id, .source] | join(" ")')" \
    "duplicate $S0 $S2 The New York Sun"
check "?text=1 adds the cleaned text" \
    jqtrue '(.text | length) > 1000 and .text_cut == false' <(curl -fsS "$API/v1/articles/$S3?text=1")
check "004 is alone in its own story" \
    eq "$(curl -fsS "$API/v1/articles/$S4" | jq -r '.cluster.story_id + " " + .cluster.relation')" "$S4 new"
# cards are zstd frames in Redis (the largest thing the window keeps per article); a card
# written as plain JSON (before 2026-12-04) still reads: 004's is put back that way
card_heads() {
    local p k
    for p in $REDIS_MASTERS; do
        redis-cli -p "$p" --scan --pattern 'api:a:*' | while read -r k; do
            redis-cli -c -p "$p" --raw getrange "$k" 0 3 | head -c 4 | od -An -tx1 | tr -d ' \n'
            echo
        done
    done | sort | uniq -c | awk '{ print $1, $2 }'
}
check "the five cards are stored compressed (zstd frames)" eq "$(card_heads)" "5 28b52ffd"
card_key() { # the card's key: api:a:<XXH3-64 of the id, hex>
    python3 -c 'import ctypes, sys
x = ctypes.CDLL("libxxhash.so.0")
x.XXH3_64bits.restype, x.XXH3_64bits.argtypes = ctypes.c_uint64, [ctypes.c_char_p, ctypes.c_size_t]
i = sys.argv[1].encode()
print("api:a:%016x" % x.XXH3_64bits(i, len(i)))' "$1"
}
curl -fsS "$API/v1/articles/$S4?text=1" >"$T/card4.json"
jq -c '{id, title, source, url, published_at, lang, text, text_bytes: (.text | utf8bytelength), cut: false}' \
    "$T/card4.json" | redis-cli -c -p "${REDIS_MASTERS%% *}" -x set "$(card_key "$S4")" >/dev/null
check "a card stored as plain JSON is read as before" \
    eq "$(curl -fsS "$API/v1/articles/$S4?text=1" | jq -c '[.title, .source, .text]')" \
    "$(jq -c '[.title, .source, .text]' "$T/card4.json")"
check "(it was plain JSON)" eq "$(redis-cli -c -p "${REDIS_MASTERS%% *}" --raw getrange "$(card_key "$S4")" 0 0)" "{"
check "GET /v1/stories lists both stories, the seed story first by activity or tie" \
    jqtrue '[.stories[].story_id] | sort == ["'$S2'","'$S4'"]' <(curl -fsS "$API/v1/stories?since=1h")
check "since after the last activity lists none" \
    jqtrue '.stories == []' <(curl -fsS "$API/v1/stories?since=$(($(date +%s) * 1000 + 60000))")

# -- match: names the original, writes nothing
jq -r "select(.id == \"$S1\") | .body" "$NW_ROOT/tests/data/seeds/seeds.jsonl" >"$T/001.txt"
keys_before=$(store_keys)
curl -fsS -X POST -H 'Content-Type: text/plain' --data-binary @"$T/001.txt" "$API/v1/match" >"$T/match1.json"
curl -fsS -X POST -H 'Content-Type: text/plain' --data-binary @"$T/001.txt" "$API/v1/match" >"$T/match2.json"
check "POST /v1/match with 001's text names 000 as what it duplicates" \
    jqtrue '.relation == "duplicate" and .story_id == "'$S2'" and any(.matches[]; .id == "'$S0'" and .relation == "duplicate" and .containment > 0.6)' "$T/match1.json"
check "a match inserts nothing: the store has the same keys, a second ask the same answer" \
    eq "$(store_keys) $(jq -c 'del(.id)' "$T/match1.json" | md5sum)" \
    "$keys_before $(jq -c 'del(.id)' "$T/match2.json" | md5sum)"
jq -c "select(.id == \"$S3\") | {title, source, published_at, body, content_type}" \
    "$NW_ROOT/tests/data/seeds/seeds.jsonl" >"$T/003.json"
check "an article as JSON (003, a page) matches 002 as its original" \
    jqtrue '.dup_of == "'$S3'" or any(.matches[]; .id == "'$S2'" and .relation == "duplicate")' \
    <(curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @"$T/003.json" "$API/v1/match")
check "an unrelated text matches nothing" \
    jqtrue '.relation == "new" and .matches == [] and .story_id == null' \
    <(curl -fsS -X POST --data-binary 'The league final ended in a draw after extra time, and the cup goes to penalties next week.' "$API/v1/match")

# -- explain
curl -fsS "$API/v1/explain?a=$S0&b=$S1" >"$T/explain.json"
check "explain(000, 001): the shared paragraphs, scores and the stored decision" \
    jqtrue '(.passages | length) >= 5 and .containment > 0.6 and .jaccard > 0.4 and .stored.relation == "duplicate"' "$T/explain.json"
check "explain: the lead sentence is a shared passage in both texts" \
    jqtrue 'any(.passages[]; (.a.text | test("Supreme Iranian leader Ayatollah Ali Khamenei told the visiting Iraqi prime minister")) and (.b.text | test("Supreme Iranian leader")))' "$T/explain.json"
check "explain: each text's segments put it back together, passages marked" \
    jqtrue '([.a.segments[].text] | add | length) == .a.text_bytes and ([.b.segments[] | select(.passage != null)] | length) >= 5' "$T/explain.json"
check "explain(000, 004): different events share no passage" \
    jqtrue '.passages == [] and .containment < 0.1' <(curl -fsS "$API/v1/explain?a=$S0&b=$S4")

# -- nearwire-query
check "nearwire-query story: the table lists the four members" \
    eq "$(Q story "$S2" | grep -cE '^[0-9]{4}-.*(new|story|duplicate)')" 4
check "nearwire-query match reads a file and names 000" bash -c "'$NW_BIN/nearwire-query' --api '$API' match '$T/001.txt' | grep -q '$S0'"
check "nearwire-query --json article prints the API's answer" \
    eq "$(Q --json article "$S1" | jq -r .cluster.dup_of)" "$S0"
check "nearwire-query explain prints the shared passages" bash -c "'$NW_BIN/nearwire-query' --api '$API' explain $S0 $S1 | grep -q 'shared passages'"
Q article no-such-article >/dev/null 2>"$T/q404.err"
check "nearwire-query: an unknown article exits 1 and says why" \
    eq "$? $(grep -c 'HTTP 404 not_found' "$T/q404.err")" "1 1"
"$NW_BIN/nearwire-query" --api http://127.0.0.1:1 stories >/dev/null 2>&1
check "nearwire-query: no API exits 2" eq "$?" 2

# -- errors
code() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
check "unknown article: 404 with a JSON reason" \
    eq "$(code "$API/v1/articles/nope") $(jq -r .error "$T/body")" "404 not_found"
check "unknown story: 404" eq "$(code "$API/v1/stories/nope")" 404
check "explain of an unknown article: 404" eq "$(code "$API/v1/explain?a=$S0&b=nope")" 404
check "an id over 256 bytes: 400" eq "$(code "$API/v1/articles/$(printf 'x%.0s' {1..300})")" 400
check "an id that is not UTF-8: 400" eq "$(code "$API/v1/articles/%FF%FE")" 400
check "explain without b: 400" eq "$(code "$API/v1/explain?a=$S0")" 400
check "a bad since: 400" eq "$(code "$API/v1/stories?since=yesterday-ish")" 400
check "a limit over api.max_page: 400" eq "$(code "$API/v1/stories?limit=100000")" 400
check "POST to an article: 405" eq "$(code -X POST "$API/v1/articles/$S0")" 405
check "GET /v1/match: 405" eq "$(code "$API/v1/match")" 405
check "an unknown path: 404" eq "$(code "$API/v2/nothing")" 404
check "an empty match: 400" eq "$(code -X POST --data-binary '' "$API/v1/match")" 400
check "a match that is not UTF-8: 400" eq "$(code -X POST --data-binary $'\xff\xfe' "$API/v1/match")" 400
check "an article without body or text: 400" \
    eq "$(code -X POST -H 'Content-Type: application/json' --data-binary '{"title":"x"}' "$API/v1/match")" 400
check "malformed article JSON: 400 invalid_json" \
    eq "$(code -X POST -H 'Content-Type: application/json' --data-binary '{"body": ' "$API/v1/match") $(jq -r .error "$T/body")" "400 invalid_json"

# -- hostile requests, the server's memory watched
rss() { awk '/VmRSS/ {print $2}' "/proc/$(cat "$T/pids/api.pid")/status"; }
rss0=$(rss)
head -c 3000000 /dev/zero | tr '\0' a >"$T/big.txt"
check "a 3 MB body: 413 (announced length)" \
    eq "$(code -X POST -H 'Content-Type: text/plain' --data-binary @"$T/big.txt" "$API/v1/match")" 413
check "a 3 MB chunked body: 413 (read, not kept)" \
    eq "$(code -X POST -H 'Transfer-Encoding: chunked' -H 'Content-Type: text/plain' --data-binary @"$T/big.txt" "$API/v1/match")" 413
python3 -c 'print("[" * 200000 + "]" * 200000)' >"$T/deep.json"
check "an article nested 200,000 deep: 400 too_complex" \
    eq "$(code -X POST -H 'Content-Type: application/json' --data-binary @"$T/deep.json" "$API/v1/match") $(jq -r .error "$T/body")" \
    "400 too_complex"
python3 -c 'import json; print(json.dumps({"body": "word " * 200000}))' >"$T/long.json"
check "a 1 MB one-word-repeated article matches nothing, quickly enough to answer" \
    eq "$(code -X POST -H 'Content-Type: application/json' --data-binary @"$T/long.json" "$API/v1/match")" 200
long_url=$(printf 'a%.0s' {1..40000})
check "a 40 KB URL is refused, not served" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$API/v1/articles/$long_url')\" -ge 400 ]"
check "percent-encoded NUL and control bytes in an id: 400 or 404, never a crash" \
    bash -c "c=\$(curl -s -o /dev/null -w '%{http_code}' '$API/v1/articles/a%00b%0a'); [ \"\$c\" = 400 ] || [ \"\$c\" = 404 ]"
for i in $(seq 1 40); do # random bytes as request lines
    head -c 200 /dev/urandom | tr -d '\n' | { cat; printf '\r\n\r\n'; } |
        timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/${API##*:}; cat >&3; cat <&3 >/dev/null" 2>/dev/null
done
many=()
for i in $(seq 1 30); do
    curl -s -o /dev/null "$API/v1/explain?a=$S0&b=$S1" &
    many+=($!)
done
wait "${many[@]}" # (a bare wait would wait for the stack too)
check "500 random requests (tests/fuzz/api_requests.py) all get the API's own answers" \
    python3 "$NW_ROOT/tests/fuzz/api_requests.py" "$API" 500 1
check "after garbage and 30 requests at once it still answers" \
    eq "$(curl -fsS "$API/v1/articles/$S1" | jq -r .cluster.dup_of)" "$S0"
if ldd "$NW_BIN/nearwire-api" | grep libasan >/dev/null; then # (not grep -q: SIGPIPE under pipefail)
    echo "     (memory not checked under ASan: its quarantine holds freed memory)"
else
    check "and its memory stayed bounded (under 64 MB more than before)" \
        bash -c "[ $(($(rss) - rss0)) -lt 65536 ]"
fi

# -- metrics and health
curl -fsS "$API/metrics" >"$T/metrics.txt"
check "/metrics counts requests by route and status" \
    grep -q 'nearwire_api_requests_total{route="match",code="200"}' "$T/metrics.txt"
check "/metrics is valid Prometheus text" promtool check metrics <"$T/metrics.txt"
check "/livez answers" nw_http_ok "$API/livez"

# -- the story browser in headless Chromium
check "the story browser works in headless Chromium (screenshots in ${SHOTS#$NW_ROOT/})" \
    python3 "$NW_ROOT/tests/browser/browser_check.py" "$API" "$S2" "$S1" "$S0" \
    "Supreme Iranian leader Ayatollah Ali Khamenei told the visiting Iraqi prime minister" "$SHOTS"

# -- graceful shutdown
pid=$(cat "$T/pids/api.pid")
kill -TERM "$pid"
nw_wait_for 10 "nearwire-api exits" bash -c "! kill -0 $pid"
check "SIGTERM stops nearwire-api, logging it" grep -q 'event=api_stopping' "$T/logs/api.log"

finish
