/* article_store.h - each article's card for nearwire-api: what the API shows and explains
 * matches with (id, title, source, url, published_at, lang and the cleaned text, cut to
 * enrich.text_max_bytes), one zstd frame of the card's JSON per article under P a:<h> (h: the
 * 64-bit hash of its id, as the signature record's key), with the window's TTL. enrich writes, the
 * API reads. Every command names one key, so it runs on Redis Cluster. */
#ifndef NW_ARTICLE_STORE_H
#define NW_ARTICLE_STORE_H

#include <stddef.h>

#include "../core/nw_err.h"
#include "redis_client.h"

typedef struct nw_article_store nw_article_store;

/* r is the caller's Redis layer, borrowed. */
nw_article_store *nw_article_store_new(nw_redis *r, const char *prefix, long long window_s,
                                       nw_err *err);
void nw_article_store_free(nw_article_store *s);

/* Writes the cards of n articles (ids[i] -> cards[i], lens[i] bytes) in one round trip. */
int nw_article_store_put(nw_article_store *s, const char *const *ids, const char *const *cards,
                         const size_t *lens, size_t n, nw_err *err);

/* Reads the cards of n articles in one round trip: cards[i] is the card's bytes
 * (NUL-terminated, lens[i] long) or NULL when the article has none (never stored, or past the
 * window). Valid until the next call. */
int nw_article_store_get(nw_article_store *s, const char *const *ids, size_t n, const char **cards,
                         size_t *lens, nw_err *err);

#endif
