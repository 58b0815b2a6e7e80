/* sig_store.c - one batch through the store (sig_store.h): claims and buckets, candidates,
 * decisions in publication order, story links, revisions, compare-and-set saves. Whatever a
 * batch reads lives in its arena until the next batch. */
#include "sig_store.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/nw_error.h"
#include "../match/order.h"
#include "../sketch/lsh.h"
#include "metrics.h"
#include "redis_client.h"
#include "sig_revise.h"
#include "story_links.h"

#define MAX_HITS 256 /* distinct bucket neighbours looked at per document */
#define MAX_ROUNDS 4 /* a document poked while it was being decided decides again */

typedef struct hit {
    uint64_t h;
    unsigned hits;
    unsigned band;
} hit;

/* Per document working state, parallel to the caller's nw_store_doc array. */
typedef struct work {
    uint64_t h;
    uint8_t sig8[NW_MINHASH_BINS];
    nw_buf blob; /* the record as last read or written: what compare-and-set expects */
    nw_buf next; /* the record to write */
    hit hits[MAX_HITS];
    size_t nhits;
    int same_as; /* an earlier document of the batch with the same id, or -1 */
    int pending; /* still to decide in this round */
    size_t pos;  /* place in the publication order among this round's documents */
    uint32_t revision;
    int64_t first_seen_ms, order_ms;
    nw_candidate cands[NW_STORE_MAX_CANDIDATES];
    size_t ncands;
    int in_batch[NW_STORE_MAX_CANDIDATES]; /* the batch document, or -1 */
    int fetched[NW_STORE_MAX_CANDIDATES];  /* its record's GET reply, or -1 */
    nw_decision dec;
    const char *revised[NW_REC_MAX_REVISED];
    size_t nrevised;
} work;

struct nw_store {
    nw_store_params p;
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
    uint64_t *fetch_h;
    redisReply **got;
    size_t nfetch, fetch_cap, got_cap;
    nw_arena arena;
    nw_buf expired; /* "shard\0member" pairs to unlink lazily */
    nw_metric *m_docs, *m_replays, *m_candidates, *m_revisions, *m_pokes, *m_again;
    nw_metric *g_docs, *g_bytes, *g_keys, *g_max;
    double next_report;
};

static void free_replies(nw_store *s)
{
    for (size_t f = 0; f < s->nfetch; f++) {
        if (s->got[f]) {
            freeReplyObject(s->got[f]);
            s->got[f] = NULL;
        }
    }
    s->nfetch = 0;
}

static void metrics_init(nw_store *s)
{
    s->m_docs =
        nw_counter("nearwire_store_inserts_total", "Documents inserted in the store.", NULL);
    s->m_replays = nw_counter("nearwire_store_replays_total",
                              "Documents already decided, answered from the store.", NULL);
    s->m_candidates = nw_counter("nearwire_store_candidates_total",
                                 "Candidates verified from their stored signatures.", NULL);
    s->m_revisions = nw_counter("nearwire_store_revisions_total",
                                "Stored decisions revised by a later-arriving article.", NULL);
    s->m_pokes = nw_counter("nearwire_store_pokes_total",
                            "Decisions in flight elsewhere sent back to be made again.", NULL);
    s->m_again = nw_counter("nearwire_store_redecisions_total",
                            "Documents decided again because a revision raced their save.", NULL);
    s->g_docs =
        nw_gauge("nearwire_store_documents",
                 "Documents in the store's window (from per-generation insert counts).", NULL);
    s->g_bytes =
        nw_gauge("nearwire_store_bytes", "Memory the Redis server uses (used_memory).", NULL);
    s->g_keys = nw_gauge("nearwire_store_keys", "Keys in the store's Redis database.", NULL);
    s->g_max = nw_gauge("nearwire_store_max_bytes",
                        "The Redis server's maxmemory (0: no limit set).", NULL);
}

nw_store *nw_store_new(const nw_store_params *p, nw_err *err)
{
    const char *bad = nw_match_params_check(&p->match);
    if (bad) {
        nw_err_set(err, NW_E_FATAL, "config", "%s", bad);
        return NULL;
    }
    if (p->bands == 0 || p->bands > NW_STORE_MAX_BANDS || p->window_s <= 0 || p->shards == 0 ||
        p->bucket_limit == 0 || p->max_matches == 0 || p->max_matches > NW_REC_MAX_MATCHES) {
        nw_err_set(err, NW_E_FATAL, "config",
                   "need 1 <= bands <= %d, 1 <= max_matches <= %d, a positive window, shards "
                   "and bucket limit",
                   NW_STORE_MAX_BANDS, NW_REC_MAX_MATCHES);
        return NULL;
    }
    nw_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    s->p = *p;
    s->match = p->match;
    snprintf(s->prefix, sizeof s->prefix, "%s", p->prefix);
    snprintf(s->ttl, sizeof s->ttl, "%lld", p->window_s);
    nw_buf_init(&s->expired);
    nw_arena_init(&s->arena);
    s->r = nw_redis_new(p->redis_url, p->timeout_ms, err);
    if (!s->r) {
        free(s);
        return NULL;
    }
    s->cas = nw_redis_add_script(s->r, nw_revise_cas_lua);
    s->links = nw_links_new(s->r, s->prefix, p->window_s);
    s->rev = nw_revise_new(s->r, s->prefix, s->cas, &s->match, p->max_matches);
    if (s->cas < 0 || !s->links || !s->rev) {
        nw_store_free(s);
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    metrics_init(s);
    return s;
}

void nw_store_free(nw_store *s)
{
    if (!s) {
        return;
    }
    free_replies(s);
    nw_arena_reset(&s->arena);
    for (size_t i = 0; i < s->wcap; i++) {
        nw_buf_release(&s->w[i].blob);
        nw_buf_release(&s->w[i].next);
    }
    free(s->w);
    free(s->ord);
    free(s->slots);
    free(s->fetch_h);
    free(s->got);
    nw_buf_release(&s->expired);
    nw_links_free(s->links);
    nw_revise_free(s->rev);
    nw_redis_free(s->r);
    free(s);
}

int nw_store_ready(nw_store *s)
{
    return nw_redis_ping(s->r);
}

static void record_key(const nw_store *s, char *out, size_t n, uint64_t h)
{
    snprintf(out, n, "%ss:%016" PRIx64, s->prefix, h);
}

static void shard_key(const nw_store *s, char *out, size_t n, int64_t gen, unsigned shard)
{
    snprintf(out, n, "%sb:%" PRId64 ":%u", s->prefix, gen, shard);
}

static int ensure_work(nw_store *s, size_t n)
{
    if (n > s->wcap) {
        work *w = realloc(s->w, n * sizeof *w);
        if (!w) {
            return NW_E_NOMEM;
        }
        for (size_t i = s->wcap; i < n; i++) {
            nw_buf_init(&w[i].blob);
            nw_buf_init(&w[i].next);
        }
        s->w = w;
        s->wcap = n;
    }
    if (nw_array_reserve((void **)&s->ord, &s->ordcap, n, sizeof *s->ord) != NW_OK) {
        return NW_E_NOMEM;
    }
    size_t slots = 16;
    while (slots < 2 * n) {
        slots *= 2;
    }
    if (slots > s->nslots) {
        free(s->slots);
        s->slots = malloc(slots * sizeof *s->slots);
        s->nslots = s->slots ? slots : 0;
        if (!s->slots) {
            return NW_E_NOMEM;
        }
    }
    memset(s->slots, 0, s->nslots * sizeof *s->slots);
    return NW_OK;
}

/* The first batch document with hash h, or -1. */
static int batch_index(const nw_store *s, uint64_t h)
{
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask; s->slots[i]; i = (i + 1) & mask) {
        if (s->w[s->slots[i] - 1].h == h) {
            return s->slots[i] - 1;
        }
    }
    return -1;
}

static void index_doc(nw_store *s, size_t d)
{
    size_t mask = s->nslots - 1, i = (size_t)s->w[d].h & mask;
    while (s->slots[i]) {
        i = (i + 1) & mask;
    }
    s->slots[i] = (int)d + 1;
}

/* The record this document would write now: its header, and its decision when given. */
static nw_sig_record *head_record(nw_store *s, const nw_store_doc *d, const work *w)
{
    nw_sig_record *r = nw_arena_alloc(&s->arena, sizeof *r);
    if (r) {
        r->revision = w->revision;
        r->shingles = d->shingles;
        r->first_seen_ms = w->first_seen_ms;
        r->order_ms = w->order_ms;
        r->id = (nw_bytes){d->doc_id, strlen(d->doc_id)};
        r->sig = w->sig8;
    }
    return r;
}

/* Phase 1, sending: the claim-and-write of the record, then every band's bucket: add to this
 * generation's shard, set its expiry, read the bucket in this and the previous generation. */
static int send_claims(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms)
{
    int64_t gen = now_ms / 1000 / s->p.window_s;
    char expire_at[24], limit[16];
    snprintf(expire_at, sizeof expire_at, "%" PRId64, (gen + 2) * (int64_t)s->p.window_s);
    snprintf(limit, sizeof limit, "%u", s->p.bucket_limit);
    for (size_t i = 0; i < n; i++) {
        work *w = &s->w[i];
        nw_store_doc *d = &docs[i];
        if (!w->pending) {
            continue;
        }
        w->revision = 0;
        w->first_seen_ms = now_ms;
        w->order_ms = nw_order_time(d->has_published, d->published_ms, now_ms, s->p.clock_skew_ms);
        nw_sig_record *r = head_record(s, d, w);
        nw_buf_reset(&w->blob);
        if (!r || nw_sig_record_encode(r, &w->blob) != NW_OK) {
            return NW_E_NOMEM;
        }
        char key[64];
        record_key(s, key, sizeof key, w->h);
        const char *av[] = {"SET", key, w->blob.data, "NX", "GET", "EX", s->ttl};
        size_t al[] = {3, strlen(key), w->blob.len, 2, 3, 2, strlen(s->ttl)};
        nw_redis_append(s->r, 7, av, al);
        for (unsigned b = 0; d->shingles && b < s->p.bands; b++) {
            unsigned char m[NW_LSH_ENTRY], lo[1 + NW_LSH_BUCKET], hi[1 + NW_LSH_ENTRY];
            nw_lsh_entry(b, d->sig[b], w->h, m);
            unsigned shard = nw_lsh_shard(m, s->p.shards);
            char cur[80], prev[80];
            shard_key(s, cur, sizeof cur, gen, shard);
            shard_key(s, prev, sizeof prev, gen - 1, shard);
            /* score 0 for all: ZRANGEBYLEX is only defined over equal scores */
            const char *zadd[] = {"ZADD", cur, "0", (const char *)m};
            size_t zl[] = {4, strlen(cur), 1, NW_LSH_ENTRY};
            nw_redis_append(s->r, 4, zadd, zl);
            const char *exp[] = {"EXPIREAT", cur, expire_at};
            nw_redis_append(s->r, 3, exp, NULL);
            lo[0] = '[';
            memcpy(lo + 1, m, NW_LSH_BUCKET);
            hi[0] = '[';
            memcpy(hi + 1, m, NW_LSH_BUCKET);
            memset(hi + 1 + NW_LSH_BUCKET, 0xFF, NW_LSH_ENTRY - NW_LSH_BUCKET);
            for (int g = 0; g < 2; g++) {
                const char *key2 = g ? prev : cur;
                const char *rng[] = {
                    "ZRANGEBYLEX", key2, (const char *)lo, (const char *)hi, "LIMIT", "0", limit};
                size_t rl[] = {11, strlen(key2), sizeof lo, sizeof hi, 5, 1, strlen(limit)};
                nw_redis_append(s->r, 7, rng, rl);
            }
        }
    }
    return NW_OK;
}

static void add_hit(work *w, uint64_t h, unsigned band)
{
    for (size_t i = 0; i < w->nhits; i++) {
        if (w->hits[i].h == h) {
            w->hits[i].hits++;
            return;
        }
    }
    if (w->nhits < MAX_HITS) {
        w->hits[w->nhits++] = (hit){h, 1, band};
    }
}

/* A decoded copy of a record's bytes that lives as long as the batch. */
static nw_sig_record *keep_record(nw_store *s, const char *bytes, size_t len)
{
    char *copy = nw_arena_alloc(&s->arena, len ? len : 1);
    nw_sig_record *r = nw_arena_alloc(&s->arena, sizeof *r);
    if (!copy || !r) {
        return NULL;
    }
    memcpy(copy, bytes, len);
    return nw_sig_record_decode(copy, len, r) == 0 ? r : NULL;
}

/* The record a document's SET NX GET found: a replay, its own unfinished claim (an earlier
 * attempt, or one a reviser poked), or a 64-bit hash collision with another id. */
static int take_existing(nw_store *s, nw_store_doc *d, work *w, const redisReply *rep, nw_err *err)
{
    nw_sig_record *r = keep_record(s, rep->str, rep->len);
    if (!r) {
        return nw_err_set(err, NW_E_RETRY, "store_corrupt", "unreadable record for %s", d->doc_id);
    }
    if (r->id.len != strlen(d->doc_id) || memcmp(r->id.p, d->doc_id, r->id.len) != 0) {
        d->collision = 1;
        w->pending = 0;
    } else if (r->decided) {
        d->replay = 1;
        d->rec = r;
        w->pending = 0;
    } else {
        w->revision = r->revision;
        w->first_seen_ms = r->first_seen_ms;
        w->order_ms = r->order_ms;
        nw_buf_reset(&w->blob);
        if (nw_buf_append(&w->blob, rep->str, rep->len) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    return NW_OK;
}

/* Phase 1, reading: the same order as sent. */
static int read_claims(nw_store *s, nw_store_doc *docs, size_t n, nw_err *err)
{
    int rc = NW_OK;
    for (size_t i = 0; i < n; i++) {
        work *w = &s->w[i];
        nw_store_doc *d = &docs[i];
        if (!w->pending) {
            continue;
        }
        redisReply *rep;
        int r2 = nw_redis_reply(s->r, &rep, err);
        if (r2 != NW_OK) {
            return r2;
        }
        w->nhits = 0;
        if (rep->type == REDIS_REPLY_STRING && rc == NW_OK) {
            rc = take_existing(s, d, w, rep, err);
        } else if (rep->type != REDIS_REPLY_NIL && rc == NW_OK) {
            rc = nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply to SET NX GET: %s",
                            rep->type == REDIS_REPLY_ERROR ? rep->str : "not a string");
        }
        freeReplyObject(rep);
        for (unsigned b = 0; d->shingles && b < s->p.bands; b++) {
            for (int k = 0; k < 4; k++) { /* ZADD, EXPIREAT, this and last generation */
                if ((r2 = nw_redis_reply(s->r, &rep, err)) != NW_OK) {
                    return r2;
                }
                if (rep->type == REDIS_REPLY_ERROR && rc == NW_OK) {
                    rc = nw_err_set(err, NW_E_RETRY, "redis", "%s", rep->str);
                }
                for (size_t e = 0; k >= 2 && rep->type == REDIS_REPLY_ARRAY && e < rep->elements;
                     e++) {
                    const redisReply *m = rep->element[e];
                    uint64_t h = nw_lsh_entry_doc((const unsigned char *)m->str, m->len);
                    if (h && h != w->h) {
                        add_hit(w, h, b);
                    }
                }
                freeReplyObject(rep);
            }
        }
    }
    return rc;
}

/* Documents of one batch add to their buckets in sending order, so of two related ones only
 * the later-sent sees the other: each hit on a batch document is made mutual. */
static void mutual_hits(nw_store *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        work *w = &s->w[i];
        for (size_t c = 0; w->pending && c < w->nhits; c++) {
            int j = batch_index(s, w->hits[c].h);
            if (j >= 0 && (size_t)j != i && s->w[j].pending) {
                work *o = &s->w[j];
                size_t k = 0;
                while (k < o->nhits && o->hits[k].h != w->h) {
                    k++;
                }
                if (k == o->nhits && o->nhits < MAX_HITS) {
                    o->hits[o->nhits++] = (hit){w->h, w->hits[c].hits, w->hits[c].band};
                }
            }
        }
    }
}

static const nw_store_doc *g_docs; /* for the sort below only */
static const work *g_work;

static int cmp_order(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return nw_order_cmp(g_work[a].order_ms, g_docs[a].doc_id, g_work[b].order_ms, g_docs[b].doc_id);
}

/* This round's documents in publication order: each is decided after the ones before it. */
static void order_pending(nw_store *s, const nw_store_doc *docs, size_t n)
{
    s->nord = 0;
    for (size_t i = 0; i < n; i++) {
        if (s->w[i].pending) {
            s->ord[s->nord++] = i;
        }
    }
    g_docs = docs;
    g_work = s->w;
    qsort(s->ord, s->nord, sizeof *s->ord, cmp_order);
    for (size_t k = 0; k < s->nord; k++) {
        s->w[s->ord[k]].pos = k;
    }
}

static int cmp_hits(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->hits != y->hits) {
        return x->hits > y->hits ? -1 : 1;
    }
    return (x->h > y->h) - (x->h < y->h);
}

/* Phase 2, sending: the records of each document's best candidates. A document of this round
 * is a candidate from memory when it comes earlier in the order, and skipped when later (it
 * will see this one); any other is read from Redis. */
static int send_fetches(nw_store *s)
{
    s->nfetch = 0;
    for (size_t k = 0; k < s->nord; k++) {
        work *w = &s->w[s->ord[k]];
        qsort(w->hits, w->nhits, sizeof *w->hits, cmp_hits);
        size_t keep = 0;
        for (size_t c = 0; c < w->nhits && keep < NW_STORE_MAX_CANDIDATES; c++) {
            int j = batch_index(s, w->hits[c].h);
            w->hits[keep] = w->hits[c];
            w->in_batch[keep] = -1;
            w->fetched[keep] = -1;
            if (j >= 0 && s->w[j].pending) {
                if (s->w[j].pos > w->pos) {
                    continue;
                }
                w->in_batch[keep++] = j;
                continue;
            }
            if (nw_array_reserve((void **)&s->fetch_h, &s->fetch_cap, s->nfetch + 1,
                                 sizeof *s->fetch_h) != NW_OK ||
                nw_array_reserve((void **)&s->got, &s->got_cap, s->nfetch + 1, sizeof *s->got) !=
                    NW_OK) {
                return NW_E_NOMEM;
            }
            char key[64];
            record_key(s, key, sizeof key, w->hits[c].h);
            const char *av[] = {"GET", key};
            nw_redis_append(s->r, 2, av, NULL);
            s->fetch_h[s->nfetch] = w->hits[c].h;
            s->got[s->nfetch] = NULL;
            w->fetched[keep++] = (int)s->nfetch++;
        }
        w->nhits = keep;
    }
    return NW_OK;
}

/* An expired record's bucket entry: ZREM it from both generations it may sit in. */
static void remember_expired(nw_store *s, const nw_store_doc *d, const hit *h, int64_t now_ms)
{
    unsigned char m[NW_LSH_ENTRY];
    nw_lsh_entry(h->band, d->sig[h->band], h->h, m);
    int64_t gen = now_ms / 1000 / s->p.window_s;
    for (int g = 0; g < 2; g++) {
        char shard[80];
        shard_key(s, shard, sizeof shard, gen - g, nw_lsh_shard(m, s->p.shards));
        nw_buf_append(&s->expired, shard, strlen(shard) + 1);
        nw_buf_append(&s->expired, m, NW_LSH_ENTRY);
    }
}

static void measure(const nw_store *s, nw_candidate *c, const nw_store_doc *d, const work *w,
                    const uint8_t *other_sig, uint32_t other_shingles)
{
    c->jaccard = nw_minhash_jaccard8(w->sig8, other_sig);
    c->containment = nw_match_containment(&s->match, c->jaccard, d->shingles, other_shingles);
}

/* The candidates of one document, from memory or from the records read; then its decision. */
static int decide_one(nw_store *s, nw_store_doc *docs, size_t i, int64_t now_ms)
{
    nw_store_doc *d = &docs[i];
    work *w = &s->w[i];
    w->ncands = 0;
    for (size_t c = 0; c < w->nhits; c++) {
        nw_candidate *cand = &w->cands[w->ncands];
        memset(cand, 0, sizeof *cand);
        if (w->in_batch[c] >= 0) {
            size_t j = (size_t)w->in_batch[c];
            cand->id = docs[j].doc_id;
            cand->order_ms = s->w[j].order_ms;
            measure(s, cand, d, w, s->w[j].sig8, docs[j].shingles);
            w->ncands++;
            continue;
        }
        const redisReply *rep = s->got[w->fetched[c]];
        nw_sig_record *r =
            rep->type == REDIS_REPLY_STRING ? keep_record(s, rep->str, rep->len) : NULL;
        if (!r) {
            remember_expired(s, d, &w->hits[c], now_ms); /* expired: unlink lazily */
            continue;
        }
        cand->id = nw_arena_strndup(&s->arena, r->id.p, r->id.len);
        if (!cand->id) {
            return NW_E_NOMEM;
        }
        cand->order_ms = r->order_ms;
        measure(s, cand, d, w, r->sig, r->shingles);
        w->ncands++;
    }
    nw_metric_add(s->m_candidates, (double)w->ncands);
    nw_decide(&s->match, w->order_ms, d->doc_id, w->cands, w->ncands, &w->dec);
    return NW_OK;
}

static int read_fetches_and_decide(nw_store *s, nw_store_doc *docs, int64_t now_ms, nw_err *err)
{
    for (size_t f = 0; f < s->nfetch; f++) {
        int rc = nw_redis_reply(s->r, &s->got[f], err);
        if (rc != NW_OK) {
            return rc;
        }
    }
    for (size_t k = 0; k < s->nord; k++) {
        if (decide_one(s, docs, s->ord[k], now_ms) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    return NW_OK;
}

/* Phase 3: every related pair joins its stories. Node k of the links is this round's k-th
 * document; candidates follow. */
static int link_stories(nw_store *s, const nw_store_doc *docs, int *nodes, nw_err *err)
{
    nw_links_begin(s->links);
    for (size_t k = 0; k < s->nord; k++) {
        size_t i = s->ord[k];
        nodes[k] = nw_links_node(s->links, docs[i].doc_id, s->w[i].order_ms);
        if (nodes[k] < 0) {
            return NW_E_NOMEM;
        }
    }
    for (size_t k = 0; k < s->nord; k++) {
        const work *w = &s->w[s->ord[k]];
        for (size_t c = 0; c < w->dec.nmatches + w->dec.nlater; c++) {
            int node = nw_links_node(s->links, w->cands[c].id, w->cands[c].order_ms);
            if (node < 0 || nw_links_edge(s->links, nodes[k], node) != NW_OK) {
                return NW_E_NOMEM;
            }
        }
    }
    return nw_links_commit(s->links, err);
}

/* Is 'id' a document this round decides itself? (Revisions leave those alone.) */
static int decided_here(void *arg, const char *id)
{
    const nw_store *s = arg;
    int j = batch_index(s, XXH3_64bits(id, strlen(id)));
    return j >= 0 && s->w[j].pending;
}

/* The round's first document (in order) now in story 'story': the cause of its joins. */
static size_t cause_of_story(nw_store *s, const int *nodes, const char *story)
{
    for (size_t k = 0; k < s->nord; k++) {
        if (strcmp(nw_links_story(s->links, nodes[k], NULL), story) == 0) {
            return s->ord[k];
        }
    }
    return s->ord[0];
}

static int attach_revision(nw_store *s, nw_store_doc *docs, size_t cause, const nw_sig_record *r)
{
    nw_store_doc *d = &docs[cause];
    work *w = &s->w[cause];
    /* the reviser's copy lives one round; the batch's arena lives the batch */
    nw_buf_reset(&w->next);
    if (nw_sig_record_encode(r, &w->next) != NW_OK) {
        return NW_E_NOMEM;
    }
    r = keep_record(s, w->next.data, w->next.len);
    nw_sig_record **list = nw_arena_alloc(&s->arena, (d->nrevisions + 1) * sizeof *list);
    char *id = r ? nw_arena_strndup(&s->arena, r->id.p, r->id.len) : NULL;
    if (!list || !id) {
        return NW_E_NOMEM;
    }
    if (d->nrevisions) {
        memcpy(list, d->revisions, d->nrevisions * sizeof *list);
    }
    list[d->nrevisions++] = (nw_sig_record *)r;
    d->revisions = list;
    int known = 0;
    for (size_t k = 0; k < w->nrevised && !known; k++) {
        known = strcmp(w->revised[k], id) == 0;
    }
    if (!known && w->nrevised < NW_REC_MAX_REVISED) {
        w->revised[w->nrevised++] = id;
    }
    return NW_OK;
}

/* Phase 4: later related articles get this document as a match; articles of the stories that
 * were joined get the older story. */
static int revise_others(nw_store *s, nw_store_doc *docs, const int *nodes, nw_err *err)
{
    nw_revise_begin(s->rev);
    int rc = NW_OK;
    for (size_t k = 0; k < s->nord && rc == NW_OK; k++) {
        size_t i = s->ord[k];
        const work *w = &s->w[i];
        for (size_t c = w->dec.nmatches; c < w->dec.nmatches + w->dec.nlater && rc == NW_OK; c++) {
            nw_candidate me = w->cands[c];
            me.id = docs[i].doc_id;
            me.order_ms = w->order_ms;
            rc = nw_revise_add_match(s->rev, w->cands[c].id, i, &me);
        }
    }
    if (rc == NW_OK) {
        rc = nw_links_collect_moved(s->links, s->p.max_revisions, err);
    }
    for (size_t m = 0; rc == NW_OK && m < nw_links_nmoved(s->links); m++) {
        int story_node;
        const char *id = nw_links_moved(s->links, m, &story_node);
        int64_t order;
        const char *story = nw_links_story(s->links, story_node, &order);
        rc = nw_revise_add_story(s->rev, id, cause_of_story(s, nodes, story), story, order);
    }
    if (rc == NW_OK) {
        rc = nw_revise_apply(s->rev, decided_here, s, err);
    }
    for (size_t k = 0; rc == NW_OK && k < nw_revise_count(s->rev); k++) {
        size_t cause;
        const nw_sig_record *r = nw_revise_result(s->rev, k, &cause);
        rc = attach_revision(s, docs, cause, r);
    }
    nw_metric_add(s->m_revisions, (double)nw_revise_count(s->rev));
    nw_metric_add(s->m_pokes, (double)nw_revise_pokes(s->rev));
    return rc;
}

/* The decided record of document i: its header, story, best earlier matches, the stories it
 * joined and the articles it revised. */
static nw_sig_record *decided_record(nw_store *s, const nw_store_doc *docs, size_t i, int node)
{
    const work *w = &s->w[i];
    nw_sig_record *r = head_record(s, &docs[i], w);
    if (!r) {
        return NULL;
    }
    r->decided = 1;
    const char *story = nw_links_story(s->links, node, &r->story_order_ms);
    r->story = (nw_bytes){story, strlen(story)};
    r->nmatches = w->dec.nmatches < s->p.max_matches ? w->dec.nmatches : s->p.max_matches;
    for (size_t c = 0; c < r->nmatches; c++) {
        const nw_candidate *m = &w->cands[c];
        r->matches[c] = (nw_rec_match){
            {m->id, strlen(m->id)}, m->order_ms, m->jaccard, m->containment, m->relation};
    }
    /* stories joined: the ones this article and its related articles were in before */
    const char *before[NW_STORE_MAX_CANDIDATES + 1];
    size_t nb = 0;
    for (size_t c = 0; c < w->dec.nmatches + w->dec.nlater; c++) {
        int cn = nw_links_node(s->links, w->cands[c].id, w->cands[c].order_ms);
        before[nb++] = cn >= 0 ? nw_links_story_before(s->links, cn) : story;
    }
    for (size_t b = 0; b < nb && r->nmerged < NW_REC_MAX_MERGED; b++) {
        /* a document of this round was no story before it */
        int seen = strcmp(before[b], story) == 0 || decided_here(s, before[b]);
        for (size_t m = 0; m < r->nmerged && !seen; m++) {
            seen = r->merged[m].len == strlen(before[b]) &&
                   memcmp(r->merged[m].p, before[b], r->merged[m].len) == 0;
        }
        if (!seen) {
            r->merged[r->nmerged++] = (nw_bytes){before[b], strlen(before[b])};
        }
    }
    r->nrevised = w->nrevised;
    for (size_t k = 0; k < w->nrevised; k++) {
        r->revised[k] = (nw_bytes){w->revised[k], strlen(w->revised[k])};
    }
    return r;
}

static void send_counts_and_unlinks(nw_store *s, size_t inserted, size_t *sent)
{
    if (inserted) { /* documents per window generation, for nearwire_store_documents */
        int64_t gen = (int64_t)time(NULL) / s->p.window_s;
        char key[80], by[24], at[24];
        snprintf(key, sizeof key, "%sn:%" PRId64, s->prefix, gen);
        snprintf(by, sizeof by, "%zu", inserted);
        snprintf(at, sizeof at, "%" PRId64, (gen + 2) * (int64_t)s->p.window_s);
        const char *incr[] = {"INCRBY", key, by}, *exp[] = {"EXPIREAT", key, at};
        nw_redis_append(s->r, 3, incr, NULL);
        nw_redis_append(s->r, 3, exp, NULL);
        *sent += 2;
    }
    for (size_t off = 0; off < s->expired.len;) {
        const char *shard = s->expired.data + off;
        size_t sl = strlen(shard);
        const char *av[] = {"ZREM", shard, shard + sl + 1};
        size_t al[] = {4, sl, NW_LSH_ENTRY};
        nw_redis_append(s->r, 3, av, al);
        off += sl + 1 + NW_LSH_ENTRY;
        (*sent)++;
    }
    nw_buf_reset(&s->expired);
}

/* Phase 5: each decision written by compare-and-set on the claim. A document whose record
 * changed meanwhile (a reviser poked it) stays pending and is decided again. */
static int save_decisions(nw_store *s, nw_store_doc *docs, const int *nodes, nw_err *err)
{
    for (size_t k = 0; k < s->nord; k++) {
        size_t i = s->ord[k];
        work *w = &s->w[i];
        nw_sig_record *r = decided_record(s, docs, i, nodes[k]);
        nw_buf_reset(&w->next);
        if (!r || nw_sig_record_encode(r, &w->next) != NW_OK) {
            return NW_E_NOMEM;
        }
        char key[64];
        record_key(s, key, sizeof key, w->h);
        const char *av[] = {key, w->blob.data, w->next.data};
        size_t al[] = {strlen(key), w->blob.len, w->next.len};
        nw_redis_append_evalsha(s->r, s->cas, 1, 3, av, al);
    }
    size_t sent = s->nord, inserted = 0;
    send_counts_and_unlinks(s, s->nord, &sent);
    int rc = NW_OK;
    for (size_t k = 0; k < sent; k++) {
        redisReply *rep;
        int r2 = nw_redis_reply(s->r, &rep, err);
        if (r2 != NW_OK) {
            return r2;
        }
        if (rep->type == REDIS_REPLY_ERROR && rc == NW_OK) {
            rc = nw_err_set(err, NW_E_RETRY, "redis", "saving decisions: %s", rep->str);
        }
        if (k < s->nord && rep->type == REDIS_REPLY_INTEGER && rep->integer == 1) {
            size_t i = s->ord[k];
            s->w[i].pending = 0;
            docs[i].rec = keep_record(s, s->w[i].next.data, s->w[i].next.len);
            rc = docs[i].rec || rc != NW_OK ? rc : NW_E_NOMEM;
            inserted++;
        }
        freeReplyObject(rep);
    }
    nw_metric_add(s->m_docs, (double)inserted);
    return rc;
}

/* A replay emits its stored decision and, again, the current records of the articles its
 * first decision revised (their first emission may have been lost with the attempt). */
static int read_replayed_revisions(nw_store *s, nw_store_doc *docs, size_t n, nw_err *err)
{
    size_t sent = 0;
    for (size_t i = 0; i < n; i++) {
        const nw_sig_record *r = docs[i].replay ? docs[i].rec : NULL;
        for (size_t k = 0; r && k < r->nrevised; k++) {
            char key[64];
            record_key(s, key, sizeof key, XXH3_64bits(r->revised[k].p, r->revised[k].len));
            const char *av[] = {"GET", key};
            nw_redis_append(s->r, 2, av, NULL);
            sent++;
        }
    }
    int rc = NW_OK;
    for (size_t i = 0; i < n && sent; i++) {
        nw_store_doc *d = &docs[i];
        size_t nrev = d->replay ? d->rec->nrevised : 0;
        if (nrev) {
            d->revisions = nw_arena_alloc(&s->arena, nrev * sizeof *d->revisions);
            rc = d->revisions || rc != NW_OK ? rc : NW_E_NOMEM;
        }
        for (size_t k = 0; k < nrev; k++, sent--) {
            redisReply *rep;
            int r2 = nw_redis_reply(s->r, &rep, err);
            if (r2 != NW_OK) {
                return r2;
            }
            nw_sig_record *r = rc == NW_OK && rep->type == REDIS_REPLY_STRING
                                   ? keep_record(s, rep->str, rep->len)
                                   : NULL;
            if (r && r->decided) {
                d->revisions[d->nrevisions++] = r;
            }
            freeReplyObject(rep);
        }
    }
    return rc;
}

static void begin_batch(nw_store *s, nw_store_doc *docs, size_t n)
{
    free_replies(s);
    nw_arena_reset(&s->arena);
    nw_buf_reset(&s->expired);
    for (size_t i = 0; i < n; i++) {
        nw_store_doc *d = &docs[i];
        work *w = &s->w[i];
        d->replay = d->collision = d->repeat = 0;
        d->rec = NULL;
        d->revisions = NULL;
        d->nrevisions = 0;
        w->h = XXH3_64bits(d->doc_id, strlen(d->doc_id));
        w->nhits = w->ncands = w->nrevised = 0;
        nw_minhash_pack8(d->sig, w->sig8);
        int j = batch_index(s, w->h);
        w->same_as = j >= 0 && strcmp(docs[j].doc_id, d->doc_id) == 0 ? j : -1;
        w->pending = w->same_as < 0;
        if (j < 0) {
            index_doc(s, i);
        }
    }
}

/* One round over the pending documents: claim, match, decide, link, revise, save. */
static int run_round(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms, int *nodes,
                     nw_err *err)
{
    double t0 = nw_now_seconds();
    int rc = send_claims(s, docs, n, now_ms);
    if (rc == NW_OK) {
        rc = read_claims(s, docs, n, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    if (rc != NW_OK) {
        return rc;
    }
    mutual_hits(s, n);
    order_pending(s, docs, n);
    if (!s->nord) {
        return NW_OK;
    }
    t0 = nw_now_seconds();
    free_replies(s);
    if ((rc = send_fetches(s)) == NW_OK) {
        rc = read_fetches_and_decide(s, docs, now_ms, err);
    }
    if (rc == NW_OK) {
        rc = link_stories(s, docs, nodes, err);
    }
    if (rc == NW_OK) {
        rc = revise_others(s, docs, nodes, err);
    }
    if (rc == NW_OK) {
        rc = save_decisions(s, docs, nodes, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    return rc;
}

int nw_store_decide(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms, nw_err *err)
{
    if (ensure_work(s, n) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    begin_batch(s, docs, n);
    int *nodes = malloc((n ? n : 1) * sizeof *nodes);
    int rc = nodes ? nw_redis_connect(s->r, err) : NW_E_NOMEM;
    for (int round = 0; rc == NW_OK && round < MAX_ROUNDS; round++) {
        if (round > 0) {
            nw_metric_add(s->m_again, (double)s->nord);
        }
        rc = run_round(s, docs, n, now_ms, nodes, err);
        if (rc == NW_OK && !s->nord) {
            break;
        }
    }
    free(nodes);
    for (size_t i = 0; rc == NW_OK && i < n; i++) {
        if (s->w[i].pending) {
            rc = nw_err_set(err, NW_E_RETRY, "decision_race",
                            "%s was revised while being decided, %d times", docs[i].doc_id,
                            MAX_ROUNDS);
        }
    }
    if (rc == NW_OK) {
        rc = read_replayed_revisions(s, docs, n, err);
    }
    for (size_t i = 0; rc == NW_OK && i < n; i++) {
        nw_store_doc *d = &docs[i];
        const nw_store_doc *o = s->w[i].same_as >= 0 ? &docs[s->w[i].same_as] : NULL;
        if (o) {
            d->repeat = 1;
            d->replay = o->replay;
            d->collision = o->collision;
            d->rec = o->rec;
            d->revisions = o->revisions;
            d->nrevisions = o->nrevisions;
        } else if (d->replay) {
            nw_metric_add(s->m_replays, 1);
        }
    }
    if (rc == NW_E_NOMEM) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    return rc;
}

void nw_store_report_size(nw_store *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double now_s = (double)ts.tv_sec;
    if (now_s < s->next_report) {
        return;
    }
    s->next_report = now_s + 10;
    int64_t gen = (int64_t)now_s / s->p.window_s;
    char cur[80], prev[80];
    snprintf(cur, sizeof cur, "%sn:%" PRId64, s->prefix, gen);
    snprintf(prev, sizeof prev, "%sn:%" PRId64, s->prefix, gen - 1);
    const char *info[] = {"INFO", "memory"}, *dbsize[] = {"DBSIZE"};
    const char *get_cur[] = {"GET", cur}, *get_prev[] = {"GET", prev};
    nw_redis_append(s->r, 2, info, NULL);
    nw_redis_append(s->r, 1, dbsize, NULL);
    nw_redis_append(s->r, 2, get_cur, NULL);
    nw_redis_append(s->r, 2, get_prev, NULL);
    redisReply *rep[4] = {0};
    nw_err err;
    int got = 0;
    while (got < 4 && nw_redis_reply(s->r, &rep[got], &err) == NW_OK) {
        got++;
    }
    if (got == 4) {
        const char *used =
            rep[0]->type == REDIS_REPLY_STRING ? strstr(rep[0]->str, "used_memory:") : NULL;
        const char *max =
            rep[0]->type == REDIS_REPLY_STRING ? strstr(rep[0]->str, "\nmaxmemory:") : NULL;
        if (used) {
            nw_metric_set(s->g_bytes, strtod(used + 12, NULL));
        }
        if (max) {
            nw_metric_set(s->g_max, strtod(max + 11, NULL));
        }
        nw_metric_set(s->g_keys, (double)nw_redis_reply_int(rep[1]));
        /* the previous generation's documents expire evenly through this one */
        double left = 1.0 - fmod(now_s, (double)s->p.window_s) / (double)s->p.window_s;
        nw_metric_set(s->g_docs, (double)nw_redis_reply_int(rep[2]) +
                                     left * (double)nw_redis_reply_int(rep[3]));
    }
    for (int i = 0; i < got; i++) {
        freeReplyObject(rep[i]);
    }
}
