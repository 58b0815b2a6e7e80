/* term_store.h - document frequencies of terms over the rolling window, in Redis, shared by
 * every enrich instance. Keys (prefix P):
 *   P df:<gen>       hash term -> documents of window generation gen that use it
 *   P df:n:<gen>     documents counted in generation gen
 *   P df:seen:<gen>:<shard>  marks documents counted (a replay is not counted twice): a hash
 *                    of 8-byte id hashes -> "0": claimed, "1": counted, or what the caller
 *                    marked it with since; one of NW_COUNTED_SHARDS keys per generation, read
 *                    in this generation and the last, expiring with the generation
 * Generations are window-long; a term's frequency is its count in this generation and the
 * last, so the window rolls without a scan. A batch takes two pipelined round trips of native
 * commands: claim every document (HSETNX, and HGET here and in the last generation), then one
 * HINCRBY per distinct term of the new documents and one HMGET per generation for every distinct
 * term of the batch. */
#ifndef NW_TERM_STORE_H
#define NW_TERM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/nw_err.h"
#include "../enrich/keywords.h"
#include "redis_client.h"

typedef struct nw_term_store nw_term_store;

typedef struct nw_term_doc {
    const char *doc_id;
    const nw_term *terms;
    size_t nterms;
    /* results */
    long long *df;   /* caller-provided, nterms long: documents in the window using each term */
    long long ndocs; /* documents in the window */
    int replay;      /* counted before: not counted again; mark says what it was marked with */
    char mark[24];
} nw_term_doc;

/* r is the stage's Redis layer, borrowed. */
nw_term_store *nw_term_store_new(nw_redis *r, const char *prefix, long long window_s, nw_err *err);
void nw_term_store_free(nw_term_store *s);

/* Counts each document's terms once (unless already counted) and reads their frequencies.
 * NW_OK, NW_E_NOMEM or NW_E_RETRY. */
int nw_term_store_update(nw_term_store *s, nw_term_doc *docs, size_t n, int64_t now_s, nw_err *err);

/* Marks counted documents with what their replays must know (values[i], up to 23 bytes;
 * NULL leaves docs[i] as it is), in one round trip. NW_OK or NW_E_RETRY. */
int nw_term_store_mark(nw_term_store *s, const nw_term_doc *docs, size_t n,
                       const char *const *values, nw_err *err);

#endif
