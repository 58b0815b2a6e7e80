/* sig_store.c - match-and-insert in at most four pipelined round trips per new document:
 * (ids are allocated 1024 at a time) claim the doc id; write signature + read-and-add every
 * band bucket; read the top candidates' signatures and decisions; write the decision.
 * Candidate strings point into the last call's Redis replies, which are kept until the next. */
#include "sig_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/nw_error.h"
#include "../sketch/lsh.h"
#include "metrics.h"
#include "redis_client.h"

#define ID_BLOCK 1024
#define MAX_UNIQUE 2048
#define BLOB_HEADER 12 /* u32 shingles + i64 first seen, little endian */
#define BLOB_SIG (NW_MINHASH_BINS * 2)

/* Returns the bucket's members as it was, then adds ARGV[1]; one key, so cluster-safe. */
static const char bucket_lua[] = "local m = redis.call('SMEMBERS', KEYS[1]) "
                                 "redis.call('SADD', KEYS[1], ARGV[1]) "
                                 "redis.call('EXPIRE', KEYS[1], ARGV[2]) "
                                 "return m";

typedef struct hit {
    int64_t n;
    unsigned hits;
    unsigned band; /* first band it was seen in, for lazy removal */
} hit;

struct nw_store {
    nw_store_params p;
    char prefix[64];
    nw_redis *r;
    int bucket_script;
    int64_t id_next, id_end;
    redisReply *keep[2 * NW_STORE_MAX_CANDIDATES + 1];
    size_t nkeep;
    hit hits[MAX_UNIQUE];
    size_t nhits;
    char ttl[24];
    nw_metric *m_docs, *m_replays;
};

nw_store *nw_store_new(const nw_store_params *p, nw_err *err)
{
    if (p->bands == 0 || p->rows == 0 || p->bands > NW_STORE_MAX_BANDS ||
        p->bands * p->rows > NW_MINHASH_BINS || p->window_s <= 0) {
        nw_err_set(err, NW_E_FATAL, "config",
                   "need 1 <= bands <= %d, bands x rows <= %d and a positive window",
                   NW_STORE_MAX_BANDS, NW_MINHASH_BINS);
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
    s->r = nw_redis_new(p->redis_url, p->timeout_ms, err);
    if (!s->r) {
        free(s);
        return NULL;
    }
    s->bucket_script = nw_redis_add_script(s->r, bucket_lua);
    s->m_docs = nw_counter("nearwire_store_inserts_total", "Documents inserted in the store.",
                           NULL);
    s->m_replays = nw_counter("nearwire_store_replays_total",
                              "Documents already decided, answered from the store.", NULL);
    return s;
}

static void release_kept(nw_store *s)
{
    for (size_t i = 0; i < s->nkeep; i++) {
        freeReplyObject(s->keep[i]);
    }
    s->nkeep = 0;
}

void nw_store_free(nw_store *s)
{
    if (!s) {
        return;
    }
    release_kept(s);
    nw_redis_free(s->r);
    free(s);
}

int nw_store_ready(nw_store *s)
{
    return nw_redis_ping(s->r);
}

static int simple(nw_store *s, int argc, const char **argv, redisReply **out, nw_err *err)
{
    size_t lens[8];
    for (int i = 0; i < argc; i++) {
        lens[i] = strlen(argv[i]);
    }
    double t0 = nw_now_seconds();
    int rc = nw_redis_append(s->r, argc, argv, lens);
    if (rc == NW_OK) {
        rc = nw_redis_reply(s->r, out, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    if (rc == NW_OK && (*out)->type == REDIS_REPLY_ERROR) {
        nw_err_set(err, NW_E_RETRY, "redis", "%s: %s", argv[0], (*out)->str);
        freeReplyObject(*out);
        return NW_E_RETRY;
    }
    return rc;
}

static int next_id(nw_store *s, int64_t *n, nw_err *err)
{
    if (s->id_next >= s->id_end) {
        char key[96], block[16];
        snprintf(key, sizeof key, "%sseq", s->prefix);
        snprintf(block, sizeof block, "%d", ID_BLOCK);
        const char *av[] = {"INCRBY", key, block};
        redisReply *rep;
        int rc = simple(s, 3, av, &rep, err);
        if (rc != NW_OK) {
            return rc;
        }
        s->id_end = rep->integer + 1;
        s->id_next = s->id_end - ID_BLOCK;
        freeReplyObject(rep);
        /* the counter outlives every document: two windows without traffic and it resets */
        char ttl2[24];
        snprintf(ttl2, sizeof ttl2, "%lld", 2 * s->p.window_s);
        const char *ev[] = {"EXPIRE", key, ttl2};
        if ((rc = simple(s, 3, ev, &rep, err)) != NW_OK) {
            return rc;
        }
        freeReplyObject(rep);
    }
    *n = s->id_next;
    return NW_OK;
}

/* SET i:<doc> n NX GET: nil -> the id is ours; a string -> decided (or in progress) before. */
static int claim(nw_store *s, const char *doc_id, int64_t *n, int *existed, nw_err *err)
{
    int rc = next_id(s, n, err);
    if (rc != NW_OK) {
        return rc;
    }
    char key[400], val[24];
    snprintf(key, sizeof key, "%si:%s", s->prefix, doc_id);
    snprintf(val, sizeof val, "%" PRId64, *n);
    const char *av[] = {"SET", key, val, "NX", "GET", "EX", s->ttl};
    redisReply *rep;
    if ((rc = simple(s, 7, av, &rep, err)) != NW_OK) {
        return rc;
    }
    *existed = rep->type == REDIS_REPLY_STRING;
    if (*existed) {
        *n = strtoll(rep->str, NULL, 10);
    } else {
        s->id_next++;
    }
    freeReplyObject(rep);
    return NW_OK;
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

static void add_hit(nw_store *s, int64_t n, unsigned band)
{
    for (size_t i = 0; i < s->nhits; i++) {
        if (s->hits[i].n == n) {
            s->hits[i].hits++;
            return;
        }
    }
    if (s->nhits < MAX_UNIQUE) {
        s->hits[s->nhits++] = (hit){n, 1, band};
    }
}

static int cmp_hits(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->hits != y->hits) {
        return x->hits > y->hits ? -1 : 1;
    }
    return (x->n > y->n) - (x->n < y->n); /* older first */
}

/* One pipeline: the signature blob, then every band bucket's read-and-add. */
static int insert(nw_store *s, const char *doc_id, const uint16_t *sig, uint32_t shingles,
                  int64_t n, int64_t first_seen, nw_err *err)
{
    unsigned char blob[BLOB_HEADER + BLOB_SIG + 256];
    size_t idlen = strlen(doc_id);
    put_le(blob, shingles, 4);
    put_le(blob + 4, (uint64_t)first_seen, 8);
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        put_le(blob + BLOB_HEADER + 2 * i, sig[i], 2);
    }
    memcpy(blob + BLOB_HEADER + BLOB_SIG, doc_id, idlen);
    char skey[96], nstr[24];
    snprintf(skey, sizeof skey, "%ss:%" PRId64, s->prefix, n);
    snprintf(nstr, sizeof nstr, "%" PRId64, n);
    const char *av[] = {"SET", skey, (const char *)blob, "EX", s->ttl};
    size_t al[] = {3, strlen(skey), BLOB_HEADER + BLOB_SIG + idlen, 2, strlen(s->ttl)};
    double t0 = nw_now_seconds();
    nw_redis_append(s->r, 5, av, al);
    uint64_t keys[NW_STORE_MAX_BANDS];
    nw_lsh_band_keys(sig, s->p.bands, s->p.rows, keys);
    char bkeys[NW_STORE_MAX_BANDS][96];
    for (unsigned b = 0; b < s->p.bands; b++) {
        snprintf(bkeys[b], sizeof bkeys[b], "%sb:%u:%016" PRIx64, s->prefix, b, keys[b]);
        const char *ev[] = {bkeys[b], nstr, s->ttl};
        size_t el[] = {strlen(bkeys[b]), strlen(nstr), strlen(s->ttl)};
        nw_redis_append_evalsha(s->r, s->bucket_script, 1, 3, ev, el);
    }
    redisReply *rep;
    int rc = nw_redis_reply(s->r, &rep, err);
    if (rc != NW_OK) {
        return rc;
    }
    int bad = rep->type == REDIS_REPLY_ERROR;
    freeReplyObject(rep);
    s->nhits = 0;
    for (unsigned b = 0; b < s->p.bands; b++) {
        if ((rc = nw_redis_reply(s->r, &rep, err)) != NW_OK) {
            return rc;
        }
        if (rep->type != REDIS_REPLY_ARRAY) {
            bad = 1;
        }
        for (size_t i = 0; !bad && i < rep->elements; i++) {
            int64_t m = strtoll(rep->element[i]->str, NULL, 10);
            if (m != n) {
                add_hit(s, m, b);
            }
        }
        freeReplyObject(rep);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    if (bad) {
        return nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply while inserting");
    }
    qsort(s->hits, s->nhits, sizeof *s->hits, cmp_hits);
    if (s->nhits > NW_STORE_MAX_CANDIDATES) {
        s->nhits = NW_STORE_MAX_CANDIDATES;
    }
    nw_metric_add(s->m_docs, 1);
    return NW_OK;
}

/* "<story first ms>\t<story id>\t<json>": splits in place (the reply buffer is ours). */
static int parse_decision(char *v, int64_t *story_first, const char **story, const char **json)
{
    char *t1 = strchr(v, '\t');
    char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t2) {
        return -1;
    }
    *t1 = *t2 = '\0';
    *story_first = strtoll(v, NULL, 10);
    *story = t1 + 1;
    *json = t2 + 1;
    return 0;
}

static void fill_candidate(nw_store *s, nw_candidate *c, redisReply *sig_rep, redisReply *dec,
                           const uint16_t *sig, uint32_t shingles)
{
    const unsigned char *b = (const unsigned char *)sig_rep->str;
    uint16_t other[NW_MINHASH_BINS];
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        other[i] = (uint16_t)get_le(b + BLOB_HEADER + 2 * i, 2);
    }
    uint32_t osh = (uint32_t)get_le(b, 4);
    /* the doc id follows the signature; make it a C string over the reply's NUL slot */
    c->id = sig_rep->str + BLOB_HEADER + BLOB_SIG;
    c->first_seen_ms = (int64_t)get_le(b + 4, 8);
    c->jaccard = nw_minhash_jaccard16(sig, other);
    c->containment = nw_containment(c->jaccard, shingles, osh);
    const char *json;
    if (dec && dec->type == REDIS_REPLY_STRING &&
        parse_decision(dec->str, &c->story_first_ms, &c->story_id, &json) == 0) {
        return;
    }
    /* decision not stored yet (in flight elsewhere): the candidate stands for its own story */
    c->story_id = c->id;
    c->story_first_ms = c->first_seen_ms;
    (void)s;
}

/* One pipeline: GET s:<m> and GET d:<m> for each candidate; expired ones are unlinked. */
static int verify(nw_store *s, const uint16_t *sig, uint32_t shingles, nw_store_outcome *out,
                  nw_err *err)
{
    char key[96];
    double t0 = nw_now_seconds();
    for (size_t i = 0; i < s->nhits; i++) {
        for (int k = 0; k < 2; k++) {
            snprintf(key, sizeof key, "%s%c:%" PRId64, s->prefix, k ? 'd' : 's', s->hits[i].n);
            const char *av[] = {"GET", key};
            size_t al[] = {3, strlen(key)};
            nw_redis_append(s->r, 2, av, al);
        }
    }
    out->ncands = 0;
    int rc = NW_OK;
    for (size_t i = 0; i < s->nhits; i++) {
        redisReply *sr = NULL, *dr = NULL;
        if ((rc = nw_redis_reply(s->r, &sr, err)) != NW_OK ||
            (rc = nw_redis_reply(s->r, &dr, err)) != NW_OK) {
            if (sr) {
                freeReplyObject(sr);
            }
            return rc;
        }
        s->keep[s->nkeep++] = sr;
        s->keep[s->nkeep++] = dr;
        if (sr->type != REDIS_REPLY_STRING || sr->len < BLOB_HEADER + BLOB_SIG + 1) {
            s->hits[i].hits = 0; /* expired: unlinked below */
            continue;
        }
        fill_candidate(s, &out->cands[out->ncands++], sr, dr, sig, shingles);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    return NW_OK;
}

/* Lazy removal of bucket members whose document expired; best effort. */
static void unlink_expired(nw_store *s, const uint16_t *sig)
{
    uint64_t keys[NW_STORE_MAX_BANDS];
    nw_lsh_band_keys(sig, s->p.bands, s->p.rows, keys);
    for (size_t i = 0; i < s->nhits; i++) {
        if (s->hits[i].hits) {
            continue;
        }
        char bkey[96], nstr[24];
        unsigned b = s->hits[i].band;
        snprintf(bkey, sizeof bkey, "%sb:%u:%016" PRIx64, s->prefix, b, keys[b]);
        snprintf(nstr, sizeof nstr, "%" PRId64, s->hits[i].n);
        const char *av[] = {"SREM", bkey, nstr};
        redisReply *rep;
        nw_err ignored;
        if (simple(s, 3, av, &rep, &ignored) == NW_OK) {
            freeReplyObject(rep);
        }
    }
}

static int lookup_replay(nw_store *s, int64_t n, nw_store_outcome *out, nw_err *err)
{
    char key[96];
    snprintf(key, sizeof key, "%sd:%" PRId64, s->prefix, n);
    const char *av[] = {"GET", key};
    redisReply *rep;
    int rc = simple(s, 2, av, &rep, err);
    if (rc != NW_OK) {
        return rc;
    }
    s->keep[s->nkeep++] = rep;
    const char *story, *json;
    if (rep->type == REDIS_REPLY_STRING &&
        parse_decision(rep->str, &out->story_first_ms, &story, &json) == 0) {
        out->replay = 1;
        out->story_id = story;
        out->stored = json;
        out->stored_len = strlen(json);
    }
    return NW_OK;
}

int nw_store_match_insert(nw_store *s, const char *doc_id, const uint16_t *sig,
                          uint32_t shingles, int64_t now_ms, nw_store_outcome *out, nw_err *err)
{
    release_kept(s);
    memset(out, 0, sizeof *out);
    int rc = nw_redis_connect(s->r, err);
    int existed = 0;
    if (rc == NW_OK) {
        rc = claim(s, doc_id, &out->n, &existed, err);
    }
    if (rc == NW_OK && existed) {
        rc = lookup_replay(s, out->n, out, err);
        if (rc == NW_OK && out->replay) {
            nw_metric_add(s->m_replays, 1);
            return NW_OK;
        }
    }
    out->first_seen_ms = now_ms;
    s->nhits = 0;
    if (rc == NW_OK && shingles > 0) {
        rc = insert(s, doc_id, sig, shingles, out->n, now_ms, err);
    }
    if (rc == NW_OK && s->nhits) {
        rc = verify(s, sig, shingles, out, err);
        if (rc == NW_OK) {
            unlink_expired(s, sig);
        }
    }
    if (rc != NW_OK) {
        return rc;
    }
    nw_decide(&s->p.match, out->cands, out->ncands, &out->decision);
    if (out->decision.story_from >= 0) {
        const nw_candidate *c = &out->cands[out->decision.story_from];
        out->story_id = c->story_id;
        out->story_first_ms = c->story_first_ms;
    } else {
        out->story_id = doc_id;
        out->story_first_ms = now_ms;
    }
    return NW_OK;
}

int nw_store_save_decision(nw_store *s, const nw_store_outcome *out, const char *json,
                           size_t len, nw_err *err)
{
    char key[96];
    snprintf(key, sizeof key, "%sd:%" PRId64, s->prefix, out->n);
    nw_buf v;
    nw_buf_init(&v);
    nw_buf_printf(&v, "%" PRId64 "\t%s\t", out->story_first_ms, out->story_id);
    nw_buf_append(&v, json, len);
    if (!v.data) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    const char *av[] = {"SET", key, v.data, "EX", s->ttl};
    size_t al[] = {3, strlen(key), v.len, 2, strlen(s->ttl)};
    double t0 = nw_now_seconds();
    int rc = nw_redis_append(s->r, 5, av, al);
    redisReply *rep = NULL;
    if (rc == NW_OK) {
        rc = nw_redis_reply(s->r, &rep, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    if (rc == NW_OK && rep->type == REDIS_REPLY_ERROR) {
        rc = nw_err_set(err, NW_E_RETRY, "redis", "SET decision: %s", rep->str);
    }
    if (rep) {
        freeReplyObject(rep);
    }
    nw_buf_release(&v);
    return rc;
}
