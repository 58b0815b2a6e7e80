/* story_links.h - which articles share a story, as a union-find in Redis. Every article starts
 * as its own story; a relation between two articles joins their stories, and the joined
 * story is named after its earliest article (order.h), so the partition and every name depend
 * only on which articles are related, never on the order they arrived in. Keys (prefix P, TTL
 * = the window):
 *   P sa:<h>   string, present once the article's story joined another: the parent story,
 *              i64 order_ms | id. Set with NX: a story is linked once; racing linkers re-read.
 *   P sm:<h>   set of the ids linked under story <h>: what to revise when it joins another.
 * A linker writes sa: before it reads sm:, a joiner adds to sm: before it reads sa:, so of a
 * joiner and a linker racing on one story at least one sees the other. A batch at a time:
 * register nodes and edges, commit, then read each node's final story. Not thread-safe. */
#ifndef NW_STORY_LINKS_H
#define NW_STORY_LINKS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/nw_err.h"
#include "redis_client.h"

typedef struct nw_links nw_links;

/* 'r' is borrowed and must outlive the links. NULL when out of memory. */
nw_links *nw_links_new(nw_redis *r, const char *prefix, long long window_s);
void nw_links_free(nw_links *l);

/* Forgets the last batch. token names this one (the same documents give the same token): a
 * link found made under it is this batch's own from an attempt that failed after making it
 * (a retry after a Redis failover), and the stories it joined are collected as moved. */
void nw_links_begin(nw_links *l, uint64_t token);
/* The node of article 'id' (copied), added once; -1 when out of memory. */
int nw_links_node(nw_links *l, const char *id, int64_t order_ms);
/* The two articles are related: their stories become one. */
int nw_links_edge(nw_links *l, int a, int b);
/* Reads every node's story, links the stories the edges join, records the joins; retries
 * a race a few times. NW_OK, NW_E_RETRY (Redis) or NW_E_NOMEM. */
int nw_links_commit(nw_links *l, nw_err *err);

/* After a commit: the node's story (its earliest article) and that article's order time. */
const char *nw_links_story(const nw_links *l, int node, int64_t *order_ms);
/* The story the node belonged to before this batch's joins. */
const char *nw_links_story_before(const nw_links *l, int node);

/* After a commit: collects the articles under each story this batch joined into another (the
 * joined story's own article first, then breadth first through sm:, at most max_per_story),
 * whose records now name an older story. */
int nw_links_collect_moved(nw_links *l, size_t max_per_story, nw_err *err);
size_t nw_links_nmoved(const nw_links *l);
/* The i-th moved article's id; *story_node is the node naming its story now. */
const char *nw_links_moved(const nw_links *l, size_t i, int *story_node);

#endif
