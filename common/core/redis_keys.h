/* redis_keys.h - the name of every Redis key nearwire writes, in one place. Each begins with
 * the store's prefix (redis.prefix; clean's site lines add "lines:" to it). No name carries a
 * hash tag, so a Redis Cluster spreads them over all its slots. Each function writes the name
 * into out (cap bytes, truncated if it must be) and returns out. Pure.
 *
 *   s:<h>               a document's signature record (h: 64-bit hash of its id, hex)
 *   bs:<shard>          a bucket shard: LSH entries of this window generation and the last,
 *                       each entry ending in its generation's byte (sketch/lsh.h)
 *   b:<gen>:<shard>     a bucket shard of one generation, before 2026-12-04: read, not written
 *   bl                  the last generation whose b:<gen>:<shard> keys may hold entries
 *   n:<gen>             documents inserted in a generation (the size gauges)
 *   c:<gen>:<shard>     common text: 65,472 byte counters of the counting sketch of
 *                       shingles' articles (match/common_text.h), a document's generation
 *   sa:<h>, sm:<h>      story links: a document's story parent; a story root's members
 *   sh:<story>          a story's aggregate: one hash (story_store.h)
 *   sr:<shard>          recently active stories (sorted set by last activity), 16 shards
 *   a:<h>               an article's card for nearwire-api: title, source, text (article_store.h)
 *   df:seen:<gen>:<shard>  documents counted in the term (or site-line) frequencies in a
 *                       generation: a hash of id hash (8 bytes) -> mark, NW_COUNTED_SHARDS keys
 *   df:<gen>, df:n:<gen>  term frequencies of a generation, and its documents counted */
#ifndef NW_REDIS_KEYS_H
#define NW_REDIS_KEYS_H

#include <stddef.h>
#include <stdint.h>

char *nw_key_record(char *out, size_t cap, const char *prefix, uint64_t h);
char *nw_key_bucket_shard(char *out, size_t cap, const char *prefix, unsigned shard);
char *nw_key_bucket(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard);
char *nw_key_bucket_layout(char *out, size_t cap, const char *prefix);
char *nw_key_common(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard);
char *nw_key_inserted(char *out, size_t cap, const char *prefix, int64_t gen);
/* kind: "sa" (a document's parent) or "sm" (a root's members) */
char *nw_key_link(char *out, size_t cap, const char *prefix, const char *kind, uint64_t h);
char *nw_key_story(char *out, size_t cap, const char *prefix, const char *story);
/* shard: 0 .. NW_RECENT_SHARDS-1, from the story id (nw_recent_shard) */
#define NW_RECENT_SHARDS 16
unsigned nw_recent_shard(const char *story);
char *nw_key_recent(char *out, size_t cap, const char *prefix, unsigned shard);
char *nw_key_article(char *out, size_t cap, const char *prefix, uint64_t h);
/* shard: 0 .. NW_COUNTED_SHARDS-1, the top bits of the id's hash: 4,096 keys a generation keep
 * each a small listpack-encoded hash up to half a million documents a generation */
#define NW_COUNTED_SHARDS 4096
char *nw_key_counted(char *out, size_t cap, const char *prefix, int64_t gen, unsigned shard);
char *nw_key_df(char *out, size_t cap, const char *prefix, int64_t gen);
char *nw_key_df_docs(char *out, size_t cap, const char *prefix, int64_t gen);

#endif
