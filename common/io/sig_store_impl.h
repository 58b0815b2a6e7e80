/* sig_store_impl.h - what the store's files share (sig_store.h has the design): the batch
 * working state, and each phase of a batch as its own function. sig_store.c owns the store's
 * lifecycle and runs the phases; sig_claims.c claims records and reads buckets; sig_match.c
 * verifies candidates and decides; sig_commit.c links stories, revises and saves;
 * sig_layout.c keeps the buckets' layout (one sorted set per shard, entries by generation);
 * sig_store_size.c reports the size gauges. Internal to those files. */
#ifndef NW_SIG_STORE_IMPL_H
#define NW_SIG_STORE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/shard_expiry.h"
#include "../sketch/anchors.h"
#include "../sketch/exact_set.h"
#include "metrics.h"
#include "redis_client.h"
#include "sig_revise.h"
#include "sig_store.h"
#include "story_links.h"

/* Distinct bucket neighbours verified per document. Every neighbour is verified: a cut that
 * kept some would depend on which others were stored first, and so would the decisions. */
#define MAX_HITS 4096
#define MAX_ROUNDS 4      /* a document poked while it was being decided decides again */
#define NW_FETCH_MGET 256 /* neighbour records an MGET reads (one server) */
#define NW_FETCH_KEY 96   /* room for a record's key: the prefix (< 64) and "s:<16 hex>" */

typedef struct hit {
    uint64_t h;
    unsigned hits;
    unsigned band;  /* of the first bucket shared: a band, or NW_LSH_ANCHOR_BAND */
    uint32_t value; /* its value: the band's bin value or the anchor key */
    int gen;        /* its entry's generation byte; -1: an entry of the old layout */
} hit;

/* Per document working state, parallel to the caller's nw_store_doc array. */
typedef struct work {
    uint64_t h;
    uint8_t sig8[NW_MINHASH_BINS];
    uint8_t exact_le[2 * NW_EXACT_MAX]; /* the document's exact set as its record holds it */
    uint8_t masked_le[2 * NW_EXACT_MAX];
    uint16_t tops[NW_ANCHORS_MAX]; /* a long text's anchors' top halves (decide.h), distinct */
    uint8_t tops_le[2 * NW_ANCHORS_MAX];
    size_t ntops;
    nw_buf blob; /* the record as last read or written: what compare-and-set expects */
    nw_buf next; /* the record to write */
    hit *hits;   /* sorted by h once read; mutual hits appended after */
    size_t nhits, hcap, nsorted;
    int same_as; /* an earlier document of the batch with the same id, or -1 */
    int pending; /* still to decide in this round */
    int fresh;   /* this round's claim created the record */
    size_t pos;  /* place in the publication order among this round's documents */
    uint32_t revision;
    long ticket; /* its compare-and-set's reply in the round that saves it */
    int64_t first_seen_ms, order_ms;
    nw_candidate *cands; /* this round's, in the batch arena; as many as hits */
    size_t ncands;
    int *in_batch; /* per hit: the batch document, or -1 */
    int *fetched;  /* per hit: its record's GET reply, or -1 */
    nw_decision dec;
    const char *revised[NW_REC_MAX_REVISED];
    size_t nrevised;
    /* the oldest story a join of this round moved the document into (NULL: none). A member
     * that another instance added to a story this round joins is saved with that story: this
     * round's own reading of the links can predate the other's join. */
    const char *moved_story;
    int64_t moved_order;
    struct common_check { /* a related candidate of a short text, to check for common text */
        size_t cand;
        const uint16_t *exact; /* the other's exact set, or a long text's tops */
        size_t nexact;
        size_t nmine; /* the document's exact values compared: all, or those the tops sample */
    } * checks;       /* this round's, in the batch arena */
    size_t nchecks;
    uint8_t common[NW_EXACT_MAX]; /* per exact value: common text (sig_common.c) */
    int common_known;             /* common[] is this decision's (marked when first needed) */
    int counted;                  /* saved by this batch, not a duplicate: counts in the sketch */
} work;

struct nw_store {
    nw_store_params p;
    int dry; /* a query (nw_store_query): read buckets and records, claim and write nothing */
    char prefix[64];
    char ttl[24];
    nw_redis *r;
    int cas;
    nw_links *links;
    nw_revise *rev;
    nw_match_params match;
    work *w;
    size_t wcap;
    size_t *ord; /* this round's documents in publication order */
    size_t nord, ordcap;
    int *slots; /* open addressing on h: batch document + 1 */
    size_t nslots;
    /* the records read this round, once per distinct neighbour of the round: MGETs of up to
     * NW_FETCH_MGET keys on one server, a GET each on a cluster (keys of many slots) */
    struct fetch { /* a neighbour's record read this batch: what verifying it needs */
        uint64_t h;
        const redisReply *rep; /* its bytes (in one of fetch_replies), until the batch ends */
        const uint8_t *sig;    /* into rep; decoded on first use; NULL when expired */
        const uint16_t *exact, *masked, *tops; /* in the batch arena */
        size_t nexact, nmasked, ntops;
        const char *id; /* the record's id, NUL-terminated */
        int64_t order_ms;
        uint32_t shingles;
        int decoded;
    } * fetch;
    size_t nfetch, fetch_cap;
    redisReply **fetch_replies; /* the round's GET or MGET replies, freed when the batch ends */
    size_t nfetch_replies, fetch_replies_cap;
    size_t fetch_per_read; /* records a reply holds: NW_FETCH_MGET, or 1 (GET) */
    uint64_t batch_token;  /* the batch's documents' ids hashed: the same again when retried */
    int *fetch_slots;      /* open addressing on h: fetch + 1 */
    size_t nfetch_slots;
    nw_arena arena;
    nw_shard_expiry expiry; /* the bucket shard keys whose EXPIREAT is set */
    nw_shard_expiry swept;  /* the bucket shard keys swept of older generations (sig_layout.c) */
    int sweep;              /* the sweep's script */
    int layout_known;       /* the marker is read (sig_layout.c) */
    int64_t layout_since;   /* the generation the layout was first written in */
    int layout_after_old;   /* the old layout was written before: read it a window longer */
    int64_t marker_gen;     /* the generation the marker's expiry was last set in */
    int64_t gen;            /* the generation of this round's claims */
    long *tickets;          /* phase 1's replies to read, in reading order (sig_claims.c) */
    size_t nticket, ticket_cap;
    nw_buf expired; /* "shard\0", a length byte, the member: entries to unlink lazily */
    /* common text (sig_common.c): this round's counters, ascending and distinct; per counter
     * the articles Redis counts and this round's earlier non-duplicates */
    uint32_t *counters;
    size_t ncounters;
    uint32_t *counter_table; /* open addressing by slot: a counter's index + 1, 0 empty */
    size_t counter_mask;
    uint16_t *counts, *local;
    size_t *read_firsts; /* per BITFIELD GET sent: its first counter */
    size_t ncounter_reads;
    unsigned common_shards;        /* sketch keys per generation */
    nw_shard_expiry common_expiry; /* the keys whose EXPIREAT is set */
    uint8_t *made;                 /* a bit per sketch key: created at full size in made_gen */
    int64_t made_gen;
    char *zeros; /* a sketch key's initial value */
    nw_metric *m_docs, *m_replays, *m_candidates, *m_revisions, *m_pokes, *m_again;
    nw_metric *m_conflicts, *m_common;
    nw_metric *g_docs, *g_bytes, *g_keys, *g_max;
    double next_report;
};

/* shared helpers (sig_store.c) */
void nw_sig_free_replies(nw_store *s);
void nw_sig_record_key(const nw_store *s, char *out, size_t n, uint64_t h);
void nw_sig_shard_key(const nw_store *s, char *out, size_t n, unsigned shard);
void nw_sig_old_shard_key(const nw_store *s, char *out, size_t n, int64_t gen, unsigned shard);
int nw_sig_batch_index(const nw_store *s, uint64_t h); /* first batch document with hash h */
/* A document's bucket entries: its bands, then its anchors (none when anchor_df_max is 0). */
unsigned nw_sig_entries(const nw_store *s, const nw_store_doc *d);
uint32_t nw_sig_entry(const nw_store *s, const nw_store_doc *d, unsigned e, unsigned *band);
nw_sig_record *nw_sig_head_record(nw_store *s, const nw_store_doc *d, const work *w);
/* read-only: sized to its own revised list (sig_store.c) */
const nw_sig_record *nw_sig_keep_record(nw_store *s, const char *bytes, size_t len);
int nw_sig_decided_here(void *arg, const char *id); /* a document this round decides itself */

/* the buckets' layout (sig_layout.c): the old layout's last generation, read once; a shard
 * key's sweep of older generations */
extern const char nw_sig_sweep_lua[];
int nw_sig_check_layout(nw_store *s, int64_t now_ms, nw_err *err);
int nw_sig_reads_old_layout(const nw_store *s); /* in this round's generation */
int nw_sig_sweeps(const nw_store *s); /* this generation's shard keys may hold older entries */
void nw_sig_append_sweep(nw_store *s, const char *key, int64_t gen);
void nw_sig_renew_marker(nw_store *s); /* once a generation: the marker lives two windows */

/* phase 1 (sig_claims.c): claims, bucket adds and reads, neighbours made mutual in a batch */
int nw_sig_send_claims(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms);
int nw_sig_read_claims(nw_store *s, nw_store_doc *docs, size_t n, nw_err *err);
int nw_sig_mutual_hits(nw_store *s, size_t n);

/* phase 2 (sig_match.c): the round in publication order, candidates read and verified */
int nw_sig_order_pending(nw_store *s, const nw_store_doc *docs, size_t n);
int nw_sig_send_fetches(nw_store *s);
int nw_sig_read_fetches_and_decide(nw_store *s, nw_store_doc *docs, int64_t now_ms, nw_err *err);

/* common text (sig_common.c): the counters of the documents with a related short-text
 * candidate read once every candidate is measured; a document's common values marked when
 * one of them needs them, and
 * counted for the round's later documents once decided; the batch's saved non-duplicates
 * counted in Redis after the last round */
int nw_sig_send_common_reads(nw_store *s, const nw_store_doc *docs, int64_t now_ms);
int nw_sig_read_common(nw_store *s, nw_err *err);
/* the document's common values, marked on first use in a decision; NULL when not counted */
const uint8_t *nw_sig_common_marks(const nw_store *s, const nw_store_doc *d, work *w);
void nw_sig_count_local(nw_store *s, const nw_store_doc *d, const work *w);
int nw_sig_count_common(nw_store *s, const nw_store_doc *docs, size_t n, int64_t now_ms,
                        nw_err *err);

/* phases 3-5 (sig_commit.c): story links, revisions of others, the decisions saved */
int nw_sig_link_stories(nw_store *s, const nw_store_doc *docs, int *nodes, nw_err *err);
int nw_sig_revise_others(nw_store *s, nw_store_doc *docs, const int *nodes, nw_err *err);
int nw_sig_save_decisions(nw_store *s, nw_store_doc *docs, const int *nodes, nw_err *err);

#endif
