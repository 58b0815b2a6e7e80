#!/usr/bin/env bash
# demo.sh - starts the local stack, feeds the five seed articles in order, and prints each
# article with its story and what it duplicates. Leaves the stack running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$NW_ROOT/scripts/stack.sh" up
source "${NEARWIRE_STACK_DIR:-$NW_ROOT/.nearwire}/env"
echo
echo "feeding tests/data/seeds/seeds.jsonl, one article at a time..."
nw_feed_in_order "$NEARWIRE_KAFKA_BOOTSTRAP" "$NW_ROOT/tests/data/seeds/seeds.jsonl"
echo
"$NW_BIN/nearwire-tail" -b "$NEARWIRE_KAFKA_BOOTSTRAP" -t news.enriched --from-beginning \
    --timeout 3 |
    jq -s -r 'sort_by(.cluster.first_seen) | .[] | [.id, (.source // "-"), .cluster.story_id, (.cluster.dup_of // "-"),
            .cluster.relation, (.cluster.containment | tostring), (.enrich.agency // "-"),
            (.title // "-")[0:50]] | @tsv' |
    { printf 'ID\tSOURCE\tSTORY\tDUP_OF\tRELATION\tCONTAINMENT\tAGENCY\tTITLE\n'; cat; } |
    column -t -s $'\t'
echo
echo "stories (latest summary each, from news.stories):"
"$NW_BIN/nearwire-tail" -b "$NEARWIRE_KAFKA_BOOTSTRAP" -t news.stories --from-beginning \
    --timeout 3 | jq -s -c 'group_by(.story_id) | map(max_by(.size)) | .[] |
    {story_id, size, sources, first_id, headline}'
cat <<MSG

The stack is still running (make status). Try:
  source .nearwire/env
  build/bin/nearwire-ingest some/articles/      # .txt, .html or .jsonl
  build/bin/nearwire-tail -t news.enriched --from-beginning --count 5
  curl \$NEARWIRE_METRICS_CLUSTER/metrics
Stop it with: make down
MSG
