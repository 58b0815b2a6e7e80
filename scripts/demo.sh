#!/usr/bin/env bash
# demo.sh - starts the local stack, sends the five seed articles together, and prints each
# article's final decision (its latest revision: decisions do not depend on arrival order) with
# its story and what it duplicates; ends with the story browser's URL. Leaves the stack running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$NW_ROOT/scripts/stack.sh" up
source "${NEARWIRE_STACK_DIR:-$NW_ROOT/.nearwire}/env"
echo
echo "sending tests/data/seeds/seeds.jsonl, all five together..."
"$NW_BIN/nearwire-ingest" -q -b "$NEARWIRE_KAFKA_BOOTSTRAP" "$NW_ROOT/tests/data/seeds/seeds.jsonl"
for id in $(jq -r .id "$NW_ROOT/tests/data/seeds/seeds.jsonl"); do
    nw_wait_for 60 "$id on news.enriched" _nw_enriched "$NEARWIRE_KAFKA_BOOTSTRAP" "$id"
done
sleep 1 # revisions ride with the batch that made them
echo
"$NW_BIN/nearwire-tail" -b "$NEARWIRE_KAFKA_BOOTSTRAP" -t news.enriched --from-beginning \
    --to-end --timeout 10 |
    jq -s -r 'group_by(.id) | map((map(select(.revised_by == null)) | first) as $a
                | (max_by(.cluster.revision).cluster) as $c | $a + {cluster: $c})
            | sort_by(.cluster.ordered_at) | .[]
            | [.id, (.source // "-"), .cluster.story_id, (.cluster.dup_of // "-"),
               .cluster.relation, (.cluster.containment | tostring), (.enrich.agency // "-"),
               (.title // "-")[0:50]] | @tsv' |
    { printf 'ID\tSOURCE\tSTORY\tDUP_OF\tRELATION\tCONTAINMENT\tAGENCY\tTITLE\n'; cat; } |
    column -t -s $'\t'
echo
echo "stories (latest summary each, from news.stories):"
"$NW_BIN/nearwire-tail" -b "$NEARWIRE_KAFKA_BOOTSTRAP" -t news.stories --from-beginning \
    --to-end --timeout 10 | jq -s -c 'group_by(.story_id) | map(max_by(.size)) | .[] |
    {story_id, size, sources, first_id, headline}'
story=$(jq -r 'select(.id | startswith("000")) | .id' "$NW_ROOT/tests/data/seeds/seeds.jsonl")
story=$("$NW_BIN/nearwire-query" --api "$NEARWIRE_API" --json article "$story" | jq -r .cluster.story_id)
cat <<MSG

The stack is still running (make status). Try:
  source .nearwire/env
  build/bin/nearwire-query story $story
  build/bin/nearwire-query explain 000_cb190c1c7f2c8ca2 001_73dd3d837b8d3d39
  build/bin/nearwire-ingest some/articles/      # .txt, .html or .jsonl
  build/bin/nearwire-tail -t news.enriched --from-beginning --count 5
  curl \$NEARWIRE_METRICS_CLUSTER/metrics
Stop it with: make down

Open the story browser (the seed story, its four sources, and 001 beside 000 with the
passages they share lit):
  $NEARWIRE_API/#/story/$story/compare/000_cb190c1c7f2c8ca2/001_73dd3d837b8d3d39
MSG
