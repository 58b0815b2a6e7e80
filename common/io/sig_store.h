/* sig_store.h - the rolling near-duplicate signature store in Redis (DESIGN.md section 3),
 * batch at a time. A document is known by h, the 64-bit hash of its id. Keys (prefix P):
 *   P s:<h hex>   string: the article's record (match/sig_record.h): signature, order time,
 *                 then its decision. TTL = the window: older documents are never matched.
 *   P n:<gen>     integer: documents inserted in window generation gen (for metrics).
 *   P bs:<shard>  sorted set (small: a listpack) of bucket entries
 *                 <band u8><bin value u32><h u64><generation u8>; a bucket is the
 *                 lexicographic range of one (band, value), this generation's entries and the
 *                 last's (older ones are skipped, and swept once a generation: sig_layout.c).
 *                 Anchors (sketch/anchors.h) are entries of band 0x80 whose value is the
 *                 anchor key. Expires at the end of the next generation, refreshed on write.
 *   P bl, P b:<gen>:<shard>  the layout's marker, and the old layout's keys (one per
 *                 generation and shard), read for a window after an upgrade (sig_layout.c).
 *   P sa:, P sm:  the story links (story_links.h).
 * A batch: claim every record with SET NX GET (a replay gets its stored decision back) and add
 * to and read every band's and anchor's bucket (every document adds before it reads, so of two
 * racing on a bucket the later reader sees the other); read the candidates' records; decide each
 * document against the articles before it in the publication order (match/decide.h), the batch
 * itself sorted into that order, short texts' shared text discounted when common
 * (match/common_text.h, sig_common.c); link the stories of related articles; revise the records of
 * articles later in the order that a document changes (a better original, a new match, an older
 * story); then write each decision. Records change only by compare-and-set on their exact bytes: a
 * revision that finds a record still being decided bumps its counter, so its owner's write fails
 * and it decides again, now seeing the reviser. Not thread-safe: one store per thread. */
#ifndef NW_SIG_STORE_H
#define NW_SIG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/nw_err.h"
#include "../match/decide.h"
#include "../match/sig_record.h"
#include "../sketch/minhash.h"
#include "redis_client.h"

#define NW_STORE_MAX_BANDS 32

typedef struct nw_store_params {
    nw_redis *redis;    /* borrowed: the stage's Redis layer */
    const char *prefix; /* borrowed */
    long long window_s;
    unsigned bands;          /* one MinHash bin per band (r = 1) */
    unsigned shards;         /* bucket sorted sets */
    unsigned bucket_limit;   /* members read per bucket at most */
    unsigned anchor_df_max;  /* an anchor in more documents is common text; 0: no anchors */
    unsigned anchor_every;   /* the anchors indexed: one shingle in this many (sketch/anchors.h) */
    unsigned anchor_least;   /* ... but at least this many of a text (<= 128) */
    unsigned common_after;   /* a shingle in this many non-duplicates is common text; 0: off */
    unsigned common_log2;    /* the common-text sketch's counters: 2^common_log2 (16..32) */
    unsigned max_matches;    /* matches kept per record (<= NW_REC_MAX_MATCHES) */
    unsigned max_revisions;  /* articles revised per joined story at most */
    long long clock_skew_ms; /* published_at may run this far ahead of arrival */
    nw_match_params match;
} nw_store_params;

/* One document of a batch. Inputs first; the rest is filled by the store and stays valid until
 * the next batch. */
typedef struct nw_store_doc {
    const char *doc_id;
    const uint32_t *sig; /* NW_MINHASH_BINS values */
    uint32_t shingles;
    const uint32_t *anchors; /* sketch/anchors.h; may be none */
    size_t nanchors;
    const uint16_t *exact; /* sketch/exact_set.h: a short text's exact set; may be none */
    size_t nexact;
    const uint16_t *masked; /* the same with names and numbers masked; may be none */
    size_t nmasked;
    const uint32_t *exact_keys; /* the exact values' whole anchor keys (sketch/exact_set.h) */
    size_t nkeys;               /* nexact, or 0: no common-text discount */
    int has_published;
    int64_t published_ms;
    /* results */
    int replay;    /* decided before: rec is the stored record, revisions its current state */
    int collision; /* another id with the same 64-bit hash holds the slot (never seen yet) */
    int repeat;    /* the same id came earlier in this batch: answered with its decision */
    int conflict;  /* a replay whose content (signature, size) is not what was decided */
    const nw_sig_record *rec;        /* the decided record */
    const nw_sig_record **revisions; /* records of other articles this one revised, as now stored */
    size_t nrevisions;
} nw_store_doc;

typedef struct nw_store nw_store;

nw_store *nw_store_new(const nw_store_params *p, nw_err *err);
void nw_store_free(nw_store *s);

/* At most every 10 s: sets nearwire_store_documents, _bytes, _max_bytes and _keys from Redis
 * (INFO memory, DBSIZE and the per-generation insert counters). */
void nw_store_report_size(nw_store *s);

/* Claims, matches, decides, links, revises and saves every document of the batch. Returns
 * NW_OK or NW_E_RETRY; on RETRY the batch may be run again as is (replays are recognised). */
int nw_store_decide(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms, nw_err *err);

/* What a query found. Candidates borrow from the store until its next call. */
typedef struct nw_store_answer {
    const nw_candidate *related; /* earlier related articles by rank, then later ones */
    size_t nearlier, nlater;
    int dup_of; /* 0 when related[0] is the article the document duplicates, else -1 */
} nw_store_answer;

/* Matches one document against the window as the store would decide it now, without claiming,
 * inserting or revising anything: what it duplicates and which articles share its story. */
int nw_store_query(nw_store *s, nw_store_doc *d, int64_t now_ms, nw_store_answer *a, nw_err *err);

/* Reads the records of n articles in one round trip: out[i] is the article's decided record,
 * or NULL (not in the window, not decided yet, or another id's). Valid until the store's next
 * call (it ends what a query answered: copy that first). */
int nw_store_records(nw_store *s, const char *const *ids, size_t n, const nw_sig_record **out,
                     nw_err *err);

#endif
