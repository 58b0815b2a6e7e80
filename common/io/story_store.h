/* story_store.h - per-story aggregates in Redis, updated atomically as articles arrive so
 * several enrich instances agree. Keys (prefix P, TTL = the window, refreshed on update):
 *   P sh:<story>       hash: first_id, first_seen, headline, agency, last_id and last_seen
 *                      (once they differ from first); "d:<id>" per article (the size: a
 *                      replayed article is counted once), "s:<source>" per source and
 *                      "m:<story>" per story that joined this one (cluster.merged_from), all
 *                      with empty values: one key per story, a listpack while it is small
 *   P sr:<shard>       recently active stories: sorted set, score = last update (ms), 16
 *                      shards by story id (one key would put every update on one node)
 * "First" is the earliest first_seen (ties: smallest id), not arrival order at enrich. */
#ifndef NW_STORY_STORE_H
#define NW_STORY_STORE_H

#include <stddef.h>

#include "../core/nw_err.h"
#include "redis_client.h"

#define NW_STORY_MAX_SOURCES 64
#define NW_STORY_MAX_MERGED 32

typedef struct nw_story_update {
    const char *story_id, *doc_id;
    const char *source;        /* may be NULL */
    const char *headline;      /* may be NULL */
    const char *agency;        /* may be NULL */
    const char *first_seen;    /* the article's, RFC 3339 UTC (sorts as text) */
    const char *const *merged; /* other stories this article linked (may be NULL) */
    int revision; /* the article joined this story late: counted, but no source or headline */
    size_t nmerged;
    long long active_ms; /* when the update happened (the recent-stories index's score) */
} nw_story_update;

/* Strings point into the store's last replies; valid until the next update. */
typedef struct nw_story_view {
    long long size;
    const char *sources[NW_STORY_MAX_SOURCES]; /* sorted */
    size_t nsources;
    const char *merged[NW_STORY_MAX_MERGED]; /* sorted */
    size_t nmerged;
    const char *first_id, *first_seen, *headline, *agency, *last_id, *last_seen;
    const char **members; /* nw_story_store_read with members: the article ids, sorted */
    size_t nmembers;
} nw_story_view;

/* A story in the recent-stories index. */
typedef struct nw_story_recent {
    const char *story_id;
    long long active_ms;
} nw_story_recent;

typedef struct nw_story_store nw_story_store;

/* r is the stage's Redis layer, borrowed. */
nw_story_store *nw_story_store_new(nw_redis *r, const char *prefix, long long window_s,
                                   nw_err *err);
void nw_story_store_free(nw_story_store *s);
/* Updates n stories in one pipelined round trip; v[i] answers u[i]. Views stay valid until
 * the next call. */
int nw_story_store_update(nw_story_store *s, const nw_story_update *u, nw_story_view *v, size_t n,
                          nw_err *err);

/* Reads n stories as they stand (one round trip); a story that does not exist (never, or
 * past the window) has v[i].first_id NULL. With members, each view lists its articles too.
 * Views stay valid until the next call. */
int nw_story_store_read(nw_story_store *s, const char *const *stories, size_t n, nw_story_view *v,
                        int members, nw_err *err);

/* The stories last active at or after since_ms, most recent first, at most limit: *out points
 * to them (valid until the next call), *n says how many. */
int nw_story_store_recent(nw_story_store *s, long long since_ms, size_t limit,
                          const nw_story_recent **out, size_t *n, nw_err *err);

#endif
