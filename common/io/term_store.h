/* term_store.h - document frequencies of terms over the rolling window, in Redis, shared by
 * every enrich instance. Keys (prefix P, in one Redis Cluster slot through the {df} tag):
 *   P{df}:<gen>    hash term -> documents of window generation gen that use it
 *   P{df}:n:<gen>  documents counted in generation gen
 *   P{df}:seen:<doc id>  marks a document counted (a replay is not counted twice)
 * Generations are window-long; a term's frequency is its count in this generation and the
 * last, so the window rolls without a scan. One script call per document, all of a batch in
 * one pipelined round trip. */
#ifndef NW_TERM_STORE_H
#define NW_TERM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/nw_err.h"
#include "../enrich/keywords.h"

typedef struct nw_term_store nw_term_store;

typedef struct nw_term_doc {
    const char *doc_id;
    const nw_term *terms;
    size_t nterms;
    /* results */
    long long *df; /* caller-provided, nterms long: documents in the window using each term */
    long long ndocs; /* documents in the window */
} nw_term_doc;

nw_term_store *nw_term_store_new(const char *redis_url, const char *prefix, long long window_s,
                                 int timeout_ms, nw_err *err);
void nw_term_store_free(nw_term_store *s);

/* Counts each document's terms once (unless already counted) and reads their frequencies.
 * NW_OK or NW_E_RETRY. */
int nw_term_store_update(nw_term_store *s, nw_term_doc *docs, size_t n, int64_t now_s,
                         nw_err *err);

#endif
