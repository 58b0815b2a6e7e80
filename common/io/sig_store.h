/* sig_store.h - the rolling near-duplicate signature store in Redis (DESIGN.md section 3),
 * batch at a time. A document is known by h, the 64-bit hash of its id. Keys (prefix P):
 *   P s:<h hex>   string: header, 8-bit MinHash, doc id; then its decision, appended once made.
 *                 TTL = the window, so a document older than the window is never matched.
 *   P n:<gen>     integer: documents inserted in window generation gen (for metrics).
 *   P b:<shard>   sorted set (small: a listpack) of bucket entries
 *                 <band u8><bin value u32><h u64>, scored by insertion time in seconds; a
 *                 bucket is the lexicographic range of one (band, value). TTL = the window,
 *                 refreshed on write; entries older than the window are pruned by score.
 * Match-and-insert per document: SET s: NX GET (claims the id, writes the signature before any
 * bucket, and returns the earlier record on a replay), then per band ZADD, EXPIRE and
 * ZRANGEBYLEX, all native commands: since every document adds to a bucket before it reads it,
 * of two documents racing on one bucket the later reader sees the other (race-free across
 * instances, one key per command, Redis Cluster ready). A whole batch goes in three pipelined
 * round trips: insert + read buckets, read candidate records, append decisions.
 * Not thread-safe: one store per thread. */
#ifndef NW_SIG_STORE_H
#define NW_SIG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/nw_err.h"
#include "../match/decide.h"
#include "../sketch/minhash.h"

#define NW_STORE_MAX_CANDIDATES 32
#define NW_STORE_MAX_BANDS 32

typedef struct nw_store_params {
    const char *redis_url; /* borrowed */
    const char *prefix;    /* borrowed */
    long long window_s;
    unsigned bands;        /* one MinHash bin per band (r = 1) */
    unsigned shards;       /* bucket sorted sets */
    unsigned bucket_limit; /* members read per bucket at most */
    int timeout_ms;
    nw_match_params match;
} nw_store_params;

/* One document of a batch. Inputs first; the rest is filled by the store. Strings point into
 * the store's buffers and stay valid until the next batch. */
typedef struct nw_store_doc {
    const char *doc_id;
    const uint32_t *sig; /* NW_MINHASH_BINS values */
    uint32_t shingles;
    /* results */
    int replay;         /* 1: 'stored' holds the decision emitted the first time */
    const char *stored;
    size_t stored_len;
    int64_t first_seen_ms;
    nw_candidate cands[NW_STORE_MAX_CANDIDATES];
    size_t ncands;
    nw_decision decision;
    const char *story_id; /* a candidate's story, or this document's id (a new story) */
    int64_t story_first_ms;
    int collision; /* another id with the same 64-bit hash holds the slot (never seen yet) */
    int repeat;    /* the same id came earlier in this batch: answered with its decision */
} nw_store_doc;

typedef struct nw_store nw_store;

nw_store *nw_store_new(const nw_store_params *p, nw_err *err);
void nw_store_free(nw_store *s);
int nw_store_ready(nw_store *s);

/* At most every 10 s: sets nearwire_store_documents, _bytes, _max_bytes and _keys from Redis
 * (INFO memory, DBSIZE and the per-generation insert counters that nw_store_save keeps). */
void nw_store_report_size(nw_store *s);

/* Claims, inserts and decides every document of the batch, in order (a later document sees
 * the earlier ones of its batch). Returns NW_OK or NW_E_RETRY; on RETRY the batch may be run
 * again as is (replays are recognised). */
int nw_store_match_insert(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms,
                          nw_err *err);

/* Appends each non-replayed document's rendered decision to its record. */
int nw_store_save(nw_store *s, nw_store_doc *docs, const char *const *json, const size_t *len,
                  size_t n, nw_err *err);

#endif
