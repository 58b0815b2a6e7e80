/* sig_store.c - the store's three pipelined round trips per batch (see sig_store.h).
 * Record layout (little endian):
 *   u8 version=2 | u32 shingles | i64 first_seen_ms | u16 id_len | u8 sig[128] | id
 *   then, once decided: u8 'D' | i64 story_first_ms | u16 story_len | story | decision JSON
 * Candidate strings are copied into an arena that lives until the next batch. */
#include "sig_store.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "../core/buf.h"
#include "../core/nw_error.h"
#include "../sketch/lsh.h"
#include "metrics.h"
#include "redis_client.h"

#define REC_VERSION 2
#define REC_HEAD 15 /* version, shingles, first seen, id length */
#define REC_SIG NW_MINHASH_BINS
#define DEC_MARK 'D'
#define MAX_HITS 256 /* distinct bucket neighbours looked at per document */
/* A candidate whose decision is not stored yet is being decided elsewhere right now: wait for
 * it this many times (10, 20, 30 ms) so both sides agree on the story. */
#define INFLIGHT_ROUNDS 3

typedef struct hit {
    uint64_t h;
    unsigned hits;
    unsigned band;
} hit;

typedef struct record {
    uint32_t shingles;
    int64_t first_seen;
    const char *id;
    size_t idlen;
    const uint8_t *sig;
    int decided;
    int64_t story_first;
    const char *story;
    size_t storylen;
    const char *json;
    size_t jsonlen;
} record;

/* Per document working state, parallel to the caller's nw_store_doc array. */
typedef struct work {
    uint64_t h;
    uint8_t sig8[REC_SIG];
    nw_buf blob; /* the record as written, to rewrite with its decision */
    hit hits[MAX_HITS];
    size_t nhits;
    int same_as; /* earlier document of the batch with the same id, or -1 */
    int fetched[NW_STORE_MAX_CANDIDATES]; /* candidate i: index of its GET reply, or -1 */
    int in_batch[NW_STORE_MAX_CANDIDATES]; /* or the index of the batch document, or -1 */
} work;

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

struct nw_store {
    nw_store_params p;
    char prefix[64];
    char ttl[24];
    nw_redis *r;
    work *w;
    size_t wcap;
    redisReply **keep;
    size_t nkeep, keepcap;
    uint64_t *fetch_h; /* the record each phase-2 GET asked for */
    size_t fetch_cap;
    arena_block *arena;
    nw_buf expired; /* "shard\0member" pairs to unlink lazily */
    nw_metric *m_docs, *m_replays, *m_candidates;
    nw_metric *g_docs, *g_bytes, *g_keys, *g_max;
    double next_report;
};

static char *arena_copy(nw_store *s, const char *p, size_t n)
{
    if (!s->arena || s->arena->cap - s->arena->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        arena_block *b = malloc(sizeof *b + cap);
        if (!b) {
            return NULL;
        }
        b->next = s->arena;
        b->used = 0;
        b->cap = cap;
        s->arena = b;
    }
    char *out = s->arena->data + s->arena->used;
    memcpy(out, p, n);
    out[n] = '\0';
    s->arena->used += n + 1;
    return out;
}

static void arena_reset(nw_store *s)
{
    while (s->arena) {
        arena_block *next = s->arena->next;
        free(s->arena);
        s->arena = next;
    }
}

static int keep(nw_store *s, redisReply *r)
{
    if (s->nkeep == s->keepcap) {
        size_t cap = s->keepcap ? s->keepcap * 2 : 1024;
        redisReply **k = realloc(s->keep, cap * sizeof *k);
        if (!k) {
            freeReplyObject(r);
            return NW_E_NOMEM;
        }
        s->keep = k;
        s->keepcap = cap;
    }
    s->keep[s->nkeep++] = r;
    return NW_OK;
}

static void release_batch(nw_store *s)
{
    for (size_t i = 0; i < s->nkeep; i++) {
        freeReplyObject(s->keep[i]);
    }
    s->nkeep = 0;
    arena_reset(s);
    nw_buf_reset(&s->expired);
}

nw_store *nw_store_new(const nw_store_params *p, nw_err *err)
{
    if (p->bands == 0 || p->bands > NW_STORE_MAX_BANDS || p->window_s <= 0 || p->shards == 0 ||
        p->bucket_limit == 0) {
        nw_err_set(err, NW_E_FATAL, "config",
                   "need 1 <= bands <= %d, a positive window, shards and bucket limit",
                   NW_STORE_MAX_BANDS);
        return NULL;
    }
    nw_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    s->p = *p;
    snprintf(s->prefix, sizeof s->prefix, "%s", p->prefix);
    snprintf(s->ttl, sizeof s->ttl, "%lld", p->window_s);
    nw_buf_init(&s->expired);
    s->r = nw_redis_new(p->redis_url, p->timeout_ms, err);
    if (!s->r) {
        free(s);
        return NULL;
    }
    s->m_docs = nw_counter("nearwire_store_inserts_total", "Documents inserted in the store.",
                           NULL);
    s->m_replays = nw_counter("nearwire_store_replays_total",
                              "Documents already decided, answered from the store.", NULL);
    s->m_candidates = nw_counter("nearwire_store_candidates_total",
                                 "Candidates verified from their stored signatures.", NULL);
    s->g_docs = nw_gauge("nearwire_store_documents",
                         "Documents in the store's window (from per-generation insert counts).",
                         NULL);
    s->g_bytes = nw_gauge("nearwire_store_bytes", "Memory the Redis server uses (used_memory).",
                          NULL);
    s->g_keys = nw_gauge("nearwire_store_keys", "Keys in the store's Redis database.", NULL);
    s->g_max = nw_gauge("nearwire_store_max_bytes",
                        "The Redis server's maxmemory (0: no limit set).", NULL);
    return s;
}

void nw_store_free(nw_store *s)
{
    if (!s) {
        return;
    }
    release_batch(s);
    for (size_t i = 0; i < s->wcap; i++) {
        nw_buf_release(&s->w[i].blob);
    }
    free(s->w);
    free(s->keep);
    free(s->fetch_h);
    nw_buf_release(&s->expired);
    nw_redis_free(s->r);
    free(s);
}

int nw_store_ready(nw_store *s)
{
    return nw_redis_ping(s->r);
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static int parse_record(const char *buf, size_t len, record *r)
{
    const unsigned char *b = (const unsigned char *)buf;
    memset(r, 0, sizeof *r);
    if (len < REC_HEAD + REC_SIG || b[0] != REC_VERSION) {
        return -1;
    }
    r->shingles = (uint32_t)get_le(b + 1, 4);
    r->first_seen = (int64_t)get_le(b + 5, 8);
    r->idlen = (size_t)get_le(b + 13, 2);
    r->sig = b + REC_HEAD;
    size_t off = REC_HEAD + REC_SIG;
    if (len < off + r->idlen) {
        return -1;
    }
    r->id = buf + off;
    off += r->idlen;
    if (len == off) {
        return 0;
    }
    if (len < off + 11 || b[off] != DEC_MARK) {
        return -1;
    }
    r->story_first = (int64_t)get_le(b + off + 1, 8);
    r->storylen = (size_t)get_le(b + off + 9, 2);
    if (len < off + 11 + r->storylen) {
        return -1;
    }
    r->story = buf + off + 11;
    r->json = r->story + r->storylen;
    r->jsonlen = len - (off + 11 + r->storylen);
    r->decided = 1;
    return 0;
}

static void key_for(const nw_store *s, char *out, size_t n, uint64_t h)
{
    snprintf(out, n, "%ss:%016" PRIx64, s->prefix, h);
}

static int ensure_work(nw_store *s, size_t n)
{
    if (n <= s->wcap) {
        return NW_OK;
    }
    work *w = realloc(s->w, n * sizeof *w);
    if (!w) {
        return NW_E_NOMEM;
    }
    for (size_t i = s->wcap; i < n; i++) {
        nw_buf_init(&w[i].blob);
    }
    s->w = w;
    s->wcap = n;
    return NW_OK;
}

static int append(nw_store *s, int argc, const char **argv, const size_t *lens)
{
    return nw_redis_append(s->r, argc, argv, lens);
}

static void shard_key(const nw_store *s, char *out, size_t n, int64_t gen, unsigned shard)
{
    snprintf(out, n, "%sb:%" PRId64 ":%u", s->prefix, gen, shard);
}

/* Phase 1, sending: the claim-and-write of the record, then every band's bucket: add to this
 * generation's shard, set its expiry, read the bucket in this and the previous generation. */
static int send_inserts(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms)
{
    int64_t gen = now_ms / 1000 / s->p.window_s;
    char expire_at[24], limit[16];
    snprintf(expire_at, sizeof expire_at, "%" PRId64, (gen + 2) * (int64_t)s->p.window_s);
    snprintf(limit, sizeof limit, "%u", s->p.bucket_limit);
    for (size_t i = 0; i < n; i++) {
        work *w = &s->w[i];
        nw_store_doc *d = &docs[i];
        size_t idlen = strlen(d->doc_id);
        unsigned char head[REC_HEAD];
        head[0] = REC_VERSION;
        put_le(head + 1, d->shingles, 4);
        put_le(head + 5, (uint64_t)now_ms, 8);
        put_le(head + 13, idlen, 2);
        nw_buf_reset(&w->blob);
        if (nw_buf_append(&w->blob, head, sizeof head) || nw_buf_append(&w->blob, w->sig8, REC_SIG) ||
            nw_buf_append(&w->blob, d->doc_id, idlen)) {
            return NW_E_NOMEM;
        }
        char key[64];
        key_for(s, key, sizeof key, w->h);
        const char *av[] = {"SET", key, w->blob.data, "NX", "GET", "EX", s->ttl};
        size_t al[] = {3, strlen(key), w->blob.len, 2, 3, 2, strlen(s->ttl)};
        append(s, 7, av, al);
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
            append(s, 4, zadd, zl);
            const char *exp[] = {"EXPIREAT", cur, expire_at};
            size_t el[] = {8, strlen(cur), strlen(expire_at)};
            append(s, 3, exp, el);
            lo[0] = '[';
            memcpy(lo + 1, m, NW_LSH_BUCKET);
            hi[0] = '[';
            memcpy(hi + 1, m, NW_LSH_BUCKET);
            memset(hi + 1 + NW_LSH_BUCKET, 0xFF, NW_LSH_ENTRY - NW_LSH_BUCKET);
            for (int g = 0; g < 2; g++) {
                const char *key2 = g ? prev : cur;
                const char *rng[] = {"ZRANGEBYLEX", key2, (const char *)lo, (const char *)hi,
                                     "LIMIT", "0", limit};
                size_t rl[] = {11, strlen(key2), sizeof lo, sizeof hi, 5, 1, strlen(limit)};
                append(s, 7, rng, rl);
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

static int cmp_hits(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->hits != y->hits) {
        return x->hits > y->hits ? -1 : 1;
    }
    return (x->h > y->h) - (x->h < y->h);
}

static int bad_reply(nw_err *err, const char *what)
{
    return nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply to %s", what);
}

/* The record a document's SET NX GET found: a replay, an unfinished earlier attempt, or a
 * 64-bit hash collision with another id. */
static int take_existing(nw_store *s, nw_store_doc *d, redisReply *rep, nw_err *err)
{
    record rec;
    if (parse_record(rep->str, rep->len, &rec) != 0) {
        return nw_err_set(err, NW_E_RETRY, "store_corrupt", "unreadable record for %s",
                          d->doc_id);
    }
    if (rec.idlen != strlen(d->doc_id) || memcmp(rec.id, d->doc_id, rec.idlen) != 0) {
        d->collision = 1;
        return NW_OK;
    }
    d->first_seen_ms = rec.first_seen;
    if (rec.decided) {
        d->replay = 1;
        d->stored = rec.json;
        d->stored_len = rec.jsonlen;
        d->story_id = arena_copy(s, rec.story, rec.storylen);
        d->story_first_ms = rec.story_first;
        if (!d->story_id) {
            return NW_E_NOMEM;
        }
    }
    return NW_OK;
}

/* Phase 1, reading: the same order as sent. */
static int read_inserts(nw_store *s, nw_store_doc *docs, size_t n, nw_err *err)
{
    int rc = NW_OK;
    for (size_t i = 0; i < n; i++) {
        work *w = &s->w[i];
        nw_store_doc *d = &docs[i];
        redisReply *rep;
        if ((rc = nw_redis_reply(s->r, &rep, err)) != NW_OK || (rc = keep(s, rep)) != NW_OK) {
            return rc;
        }
        if (rep->type == REDIS_REPLY_STRING) {
            rc = take_existing(s, d, rep, err);
        } else if (rep->type != REDIS_REPLY_NIL) {
            rc = bad_reply(err, rep->type == REDIS_REPLY_ERROR ? rep->str : "SET NX GET");
        }
        for (unsigned b = 0; d->shingles && b < s->p.bands; b++) {
            for (int k = 0; k < 4; k++) { /* ZADD, EXPIREAT, this and last generation */
                int r2 = nw_redis_reply(s->r, &rep, err);
                if (r2 != NW_OK) {
                    return r2;
                }
                if (rep->type == REDIS_REPLY_ERROR && rc == NW_OK) {
                    rc = nw_err_set(err, NW_E_RETRY, "redis", "%s", rep->str);
                }
                if (k >= 2 && rep->type == REDIS_REPLY_ARRAY) {
                    for (size_t e = 0; e < rep->elements; e++) {
                        const redisReply *m = rep->element[e];
                        uint64_t h = nw_lsh_entry_doc((const unsigned char *)m->str, m->len);
                        if (h && h != w->h) {
                            add_hit(w, h, b);
                        }
                    }
                }
                freeReplyObject(rep);
            }
        }
    }
    return rc;
}

static int batch_index_of(const nw_store *s, size_t before, uint64_t h)
{
    for (size_t k = 0; k < before; k++) {
        if (s->w[k].h == h) {
            return (int)k;
        }
    }
    return -1;
}

/* Phase 2, sending: the records of each document's best candidates that are not in this batch. */
static int send_fetches(nw_store *s, nw_store_doc *docs, size_t n, size_t *nfetch)
{
    *nfetch = 0;
    for (size_t i = 0; i < n; i++) {
        work *w = &s->w[i];
        w->same_as = batch_index_of(s, i, w->h);
        if (docs[i].replay || docs[i].collision || w->same_as >= 0) {
            w->nhits = 0;
            continue;
        }
        qsort(w->hits, w->nhits, sizeof *w->hits, cmp_hits);
        if (w->nhits > NW_STORE_MAX_CANDIDATES) {
            w->nhits = NW_STORE_MAX_CANDIDATES;
        }
        for (size_t c = 0; c < w->nhits; c++) {
            w->in_batch[c] = batch_index_of(s, i, w->hits[c].h);
            w->fetched[c] = -1;
            if (w->in_batch[c] >= 0) {
                continue;
            }
            if (nw_array_reserve((void **)&s->fetch_h, &s->fetch_cap, *nfetch + 1,
                                 sizeof *s->fetch_h) != NW_OK) {
                return NW_E_NOMEM;
            }
            char key[64];
            key_for(s, key, sizeof key, w->hits[c].h);
            const char *av[] = {"GET", key};
            size_t al[] = {3, strlen(key)};
            append(s, 2, av, al);
            s->fetch_h[*nfetch] = w->hits[c].h;
            w->fetched[c] = (int)(*nfetch)++;
        }
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

static int fill_from_record(nw_store *s, nw_store_doc *d, const work *w, nw_candidate *c,
                            const record *rec)
{
    c->id = arena_copy(s, rec->id, rec->idlen);
    c->first_seen_ms = rec->first_seen;
    c->jaccard = nw_minhash_jaccard8(w->sig8, rec->sig);
    c->containment = nw_match_containment(&s->p.match, c->jaccard, d->shingles, rec->shingles);
    c->provisional = !rec->decided;
    if (rec->decided) {
        c->story_id = arena_copy(s, rec->story, rec->storylen);
        c->story_first_ms = rec->story_first;
    } else { /* still in flight elsewhere after waiting: it stands for its own story */
        c->story_id = c->id;
        c->story_first_ms = rec->first_seen;
    }
    return c->id && c->story_id ? NW_OK : NW_E_NOMEM;
}

/* The story is the oldest among the related candidates' stories; a stored story is final.
 * Only against a provisional one (a candidate still undecided after waiting: two instances
 * inserting near-duplicates A and B at once, each seeing the other) does this document's own
 * id compete, so that both sides settle on the older of A and B. */
static void decide(nw_store *s, nw_store_doc *d, int64_t now_ms)
{
    nw_decide(&s->p.match, d->cands, d->ncands, &d->decision);
    d->story_id = d->doc_id;
    d->story_first_ms = d->first_seen_ms ? d->first_seen_ms : now_ms;
    if (d->decision.story_from >= 0) {
        const nw_candidate *c = &d->cands[d->decision.story_from];
        if (!c->provisional || c->story_first_ms < d->story_first_ms ||
            (c->story_first_ms == d->story_first_ms && strcmp(c->story_id, d->story_id) < 0)) {
            d->story_id = c->story_id;
            d->story_first_ms = c->story_first_ms;
        }
    }
}

static int undecided(const redisReply *r)
{
    record rec;
    return r->type == REDIS_REPLY_STRING && parse_record(r->str, r->len, &rec) == 0 &&
           !rec.decided;
}

/* Re-reads candidates that are still being decided by another instance, a few times. */
static int wait_for_inflight(nw_store *s, redisReply **got, size_t nfetch, nw_err *err)
{
    for (int round = 1; round <= INFLIGHT_ROUNDS; round++) {
        size_t pending = 0;
        for (size_t f = 0; f < nfetch; f++) {
            if (undecided(got[f])) {
                char key[64];
                key_for(s, key, sizeof key, s->fetch_h[f]);
                const char *av[] = {"GET", key};
                size_t al[] = {3, strlen(key)};
                append(s, 2, av, al);
                pending++;
            }
        }
        if (!pending) {
            return NW_OK;
        }
        struct timespec ts = {0, 10000000L * round};
        nanosleep(&ts, NULL);
        for (size_t f = 0; f < nfetch; f++) {
            if (!undecided(got[f])) {
                continue;
            }
            int rc = nw_redis_reply(s->r, &got[f], err);
            if (rc == NW_OK) {
                rc = keep(s, got[f]);
            }
            if (rc != NW_OK) {
                return rc;
            }
        }
    }
    return NW_OK;
}

/* Phase 2, reading, and the decisions, in batch order. */
static int read_fetches_and_decide(nw_store *s, nw_store_doc *docs, size_t n, size_t nfetch,
                                   int64_t now_ms, nw_err *err)
{
    redisReply **got = nfetch ? calloc(nfetch, sizeof *got) : NULL;
    if (nfetch && !got) {
        return NW_E_NOMEM;
    }
    int rc = NW_OK;
    for (size_t f = 0; f < nfetch && rc == NW_OK; f++) {
        if ((rc = nw_redis_reply(s->r, &got[f], err)) == NW_OK) {
            rc = keep(s, got[f]);
        }
    }
    if (rc == NW_OK) {
        rc = wait_for_inflight(s, got, nfetch, err);
    }
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        nw_store_doc *d = &docs[i];
        work *w = &s->w[i];
        if (w->same_as >= 0) {
            nw_store_doc *o = &docs[w->same_as];
            d->repeat = 1;
            d->replay = o->replay;
            d->stored = o->stored;
            d->stored_len = o->stored_len;
            memcpy(d->cands, o->cands, sizeof d->cands);
            d->ncands = o->ncands;
            d->decision = o->decision;
            d->story_id = o->story_id;
            d->story_first_ms = o->story_first_ms;
            d->first_seen_ms = o->first_seen_ms;
            continue;
        }
        if (d->replay || d->collision) {
            continue;
        }
        if (!d->first_seen_ms) {
            d->first_seen_ms = now_ms;
        }
        for (size_t c = 0; c < w->nhits && rc == NW_OK; c++) {
            record rec;
            nw_candidate *cand = &d->cands[d->ncands];
            if (w->in_batch[c] >= 0) {
                const nw_store_doc *o = &docs[w->in_batch[c]];
                const work *ow = &s->w[w->in_batch[c]];
                cand->id = o->doc_id;
                cand->first_seen_ms = o->first_seen_ms;
                cand->jaccard = nw_minhash_jaccard8(w->sig8, ow->sig8);
                cand->containment =
                    nw_match_containment(&s->p.match, cand->jaccard, d->shingles, o->shingles);
                cand->story_id = o->story_id ? o->story_id : o->doc_id;
                cand->story_first_ms = o->story_id ? o->story_first_ms : o->first_seen_ms;
                cand->provisional = 0; /* decided just before, in batch order */
                d->ncands++;
                continue;
            }
            redisReply *rep = got[w->fetched[c]];
            if (rep->type != REDIS_REPLY_STRING || parse_record(rep->str, rep->len, &rec) != 0) {
                remember_expired(s, d, &w->hits[c], now_ms); /* expired: unlink lazily */
                continue;
            }
            rc = fill_from_record(s, d, w, cand, &rec);
            d->ncands++;
        }
        nw_metric_add(s->m_candidates, d->ncands);
        if (rc == NW_OK) {
            decide(s, d, now_ms);
        }
    }
    free(got);
    return rc;
}

int nw_store_match_insert(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms,
                          nw_err *err)
{
    release_batch(s);
    if (ensure_work(s, n) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        nw_store_doc *d = &docs[i];
        work *w = &s->w[i];
        d->replay = d->collision = d->repeat = 0;
        d->stored = NULL;
        d->ncands = 0;
        d->first_seen_ms = 0;
        d->story_id = NULL;
        w->nhits = 0;
        w->h = XXH3_64bits(d->doc_id, strlen(d->doc_id));
        nw_minhash_pack8(d->sig, w->sig8);
    }
    int rc = nw_redis_connect(s->r, err);
    double t0 = nw_now_seconds();
    if (rc == NW_OK) {
        rc = send_inserts(s, docs, n, now_ms);
    }
    if (rc == NW_OK) {
        rc = read_inserts(s, docs, n, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    size_t nfetch = 0;
    if (rc == NW_OK) {
        t0 = nw_now_seconds();
        rc = send_fetches(s, docs, n, &nfetch);
        if (rc == NW_OK) {
            rc = read_fetches_and_decide(s, docs, n, nfetch, now_ms, err);
        }
        if (nfetch) {
            nw_redis_observe_roundtrip(nw_now_seconds() - t0);
        }
    }
    if (rc == NW_E_NOMEM) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    return rc;
}

static void count_key(const nw_store *s, char *out, size_t n, int64_t gen)
{
    snprintf(out, n, "%sn:%" PRId64, s->prefix, gen);
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
    count_key(s, cur, sizeof cur, gen);
    count_key(s, prev, sizeof prev, gen - 1);
    const char *info[] = {"INFO", "memory"}, *dbsize[] = {"DBSIZE"};
    const char *get_cur[] = {"GET", cur}, *get_prev[] = {"GET", prev};
    append(s, 2, info, NULL);
    append(s, 1, dbsize, NULL);
    append(s, 2, get_cur, NULL);
    append(s, 2, get_prev, NULL);
    redisReply *rep[4] = {0};
    nw_err err;
    int got = 0;
    while (got < 4 && nw_redis_reply(s->r, &rep[got], &err) == NW_OK) {
        got++;
    }
    if (got == 4) {
        const char *used = rep[0]->type == REDIS_REPLY_STRING ? strstr(rep[0]->str, "used_memory:")
                                                              : NULL;
        const char *max = rep[0]->type == REDIS_REPLY_STRING ? strstr(rep[0]->str, "\nmaxmemory:")
                                                             : NULL;
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

int nw_store_save(nw_store *s, nw_store_doc *docs, const char *const *json, const size_t *len,
                  size_t n, nw_err *err)
{
    size_t sent = 0, inserted = 0;
    double t0 = nw_now_seconds();
    for (size_t i = 0; i < n; i++) {
        nw_store_doc *d = &docs[i];
        work *w = &s->w[i];
        if (d->replay || d->collision || w->same_as >= 0) {
            continue;
        }
        unsigned char dec[11];
        size_t sl = strlen(d->story_id);
        dec[0] = DEC_MARK;
        put_le(dec + 1, (uint64_t)d->story_first_ms, 8);
        put_le(dec + 9, sl, 2);
        /* the first-seen time in the record is the first attempt's */
        put_le((unsigned char *)w->blob.data + 5, (uint64_t)d->first_seen_ms, 8);
        if (nw_buf_append(&w->blob, dec, sizeof dec) || nw_buf_append(&w->blob, d->story_id, sl) ||
            nw_buf_append(&w->blob, json[i], len[i])) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        char key[64];
        key_for(s, key, sizeof key, w->h);
        /* XX KEEPTTL: never re-create an expired record, never lose its TTL */
        const char *av[] = {"SET", key, w->blob.data, "XX", "KEEPTTL"};
        size_t al[] = {3, strlen(key), w->blob.len, 2, 7};
        append(s, 5, av, al);
        sent++;
        inserted++;
    }
    if (inserted) { /* documents per window generation, for nearwire_store_documents */
        int64_t gen = (int64_t)time(NULL) / s->p.window_s;
        char key[80], by[24], at[24];
        count_key(s, key, sizeof key, gen);
        snprintf(by, sizeof by, "%zu", inserted);
        snprintf(at, sizeof at, "%" PRId64, (gen + 2) * (int64_t)s->p.window_s);
        const char *incr[] = {"INCRBY", key, by}, *exp[] = {"EXPIREAT", key, at};
        append(s, 3, incr, NULL);
        append(s, 3, exp, NULL);
        sent += 2;
    }
    for (size_t off = 0; off < s->expired.len;) {
        const char *shard = s->expired.data + off;
        size_t sl = strlen(shard);
        const char *av[] = {"ZREM", shard, shard + sl + 1};
        size_t al[] = {4, sl, NW_LSH_ENTRY};
        append(s, 3, av, al);
        off += sl + 1 + NW_LSH_ENTRY;
        sent++;
    }
    int rc = NW_OK;
    for (size_t i = 0; i < sent && rc == NW_OK; i++) {
        redisReply *rep;
        if ((rc = nw_redis_reply(s->r, &rep, err)) == NW_OK) {
            if (rep->type == REDIS_REPLY_ERROR) {
                rc = nw_err_set(err, NW_E_RETRY, "redis", "saving decisions: %s", rep->str);
            }
            freeReplyObject(rep);
        }
    }
    if (rc == NW_OK) {
        nw_metric_add(s->m_docs, (double)inserted);
        for (size_t i = 0; i < n; i++) {
            if (docs[i].replay) {
                nw_metric_add(s->m_replays, 1);
            }
        }
    }
    if (sent) {
        nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    }
    return rc;
}
