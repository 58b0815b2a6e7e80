/* sig_store.h - the rolling near-duplicate signature store in Redis (DESIGN.md section 3).
 * Keys (prefix P, every one with the window as TTL):
 *   P seq            id counter, allocated in blocks (INCRBY)   P i:<doc id> -> integer id
 *   P s:<n>          signature blob: shingles, first seen, 16-bit MinHash, doc id
 *   P d:<n>          "<story first ms>\t<story id>\t<decision JSON>" for candidates and replays
 *   P b:<band>:<key> set of integer ids (an LSH bucket)
 * Match-and-insert is race-free across instances: the signature is written before the
 * buckets, and each bucket is read-and-added by one single-key script (Redis Cluster safe).
 * Replaying a doc id returns the stored decision unchanged. Not thread-safe: one per thread. */
#ifndef NW_SIG_STORE_H
#define NW_SIG_STORE_H

#include <stdint.h>

#include "../core/buf.h"
#include "../core/nw_err.h"
#include "../match/decide.h"
#include "../sketch/minhash.h"

#define NW_STORE_MAX_CANDIDATES 64
#define NW_STORE_MAX_BANDS 64

typedef struct nw_store_params {
    const char *redis_url; /* borrowed */
    const char *prefix;    /* borrowed */
    long long window_s;
    unsigned bands, rows;
    int timeout_ms;
    nw_match_params match;
} nw_store_params;

typedef struct nw_store nw_store;

/* A candidate as read back from the store; strings point into the store's buffers and stay
 * valid until the next call. */
typedef struct nw_store_outcome {
    int replay;           /* 1: 'stored' holds the decision made the first time */
    const char *stored;   /* the stored decision JSON (replay only) */
    size_t stored_len;
    int64_t n;            /* integer id of this document */
    int64_t first_seen_ms;
    nw_candidate cands[NW_STORE_MAX_CANDIDATES];
    size_t ncands;
    nw_decision decision;
    const char *story_id; /* chosen story (a candidate's, or this document's id) */
    int64_t story_first_ms;
} nw_store_outcome;

nw_store *nw_store_new(const nw_store_params *p, nw_err *err);
void nw_store_free(nw_store *s);
int nw_store_ready(nw_store *s);

/* Claims the doc id, or finds it already decided (replay). Then, unless a replay, inserts the
 * signature and buckets and decides against the verified candidates. */
int nw_store_match_insert(nw_store *s, const char *doc_id, const uint16_t *sig,
                          uint32_t shingles, int64_t now_ms, nw_store_outcome *out, nw_err *err);

/* Stores the decision rendered for out (after nw_store_match_insert, not for replays). */
int nw_store_save_decision(nw_store *s, const nw_store_outcome *out, const char *json,
                           size_t len, nw_err *err);

#endif
