#!/usr/bin/env bash
# seeds_check.sh CLUSTERED_JSONL - the seeds' expected final decisions (tests/data/seeds/README.md):
# 000-003 one story named after 002 (published first), 004 alone, 001 dup_of 000, 003 dup_of
# 002, 000 a story sibling of 002 and no duplicate.
set -uo pipefail
f=$(mktemp)
trap 'rm -f "$f"' EXIT
python3 "$(dirname "$0")/final_state.py" "$1" >"$f"
get() { jq -r --arg p "$1" "select(.id | startswith(\$p)) | $2" "$f"; }
bad=0
expect() {
    if [ "$2" != "$3" ]; then
        echo "  seeds: $1: expected '$3', got '$2'"
        bad=1
    fi
}
expect "one story for 000-003" "$(for i in 000 001 002 003; do get $i .story_id; done | sort -u | wc -l)" 1
expect "the story is 002's" "$(get 000 .story_id)" "002_21eaf0559e8ada84"
expect "004 alone" "$(get 004 .story_id)" "004_3336bd7ffc0a815a"
expect "001 dup_of" "$(get 001 .dup_of)" "000_cb190c1c7f2c8ca2"
expect "003 dup_of" "$(get 003 .dup_of)" "002_21eaf0559e8ada84"
expect "000 relation" "$(get 000 .relation)" "story"
expect "002 relation" "$(get 002 .relation)" "new"
[ $bad = 0 ] && echo "seeds: 5 documents, all decisions as expected (2 duplicate pairs, 2 stories)"
exit $bad
