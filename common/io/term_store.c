/* term_store.c - a batch's distinct terms (an open-addressing table, stamped per batch) and
 * the two round trips of term_store.h. */
#include "term_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/buf.h"
#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "../core/shard_expiry.h"
#include "../core/window.h"
#include "metrics.h"
#include "redis_client.h"

typedef struct distinct {
    const nw_term *term;
    uint64_t h;
    long long new_docs; /* documents counted for the first time that use it */
    long long df;
} distinct;

struct nw_term_store {
    nw_redis *r;
    char prefix[64];
    long long window_s;
    distinct *d;
    size_t nd, dcap;
    uint32_t *table; /* index + 1 into d; 0 = empty */
    size_t tcap;
    uint32_t *of; /* per term of the batch, in document order: its distinct index */
    size_t ocap;
    const char **argv; /* one long HMGET */
    size_t *lens;
    size_t acap, lcap;
    unsigned char *fresh; /* per document: claimed now (not a replay) */
    size_t fcap;
    long *claim; /* per document: the tickets of its marker in this generation and the last */
    size_t ccap;
    int64_t gen; /* the generation of the last update, which the marks go to */
    nw_shard_expiry expiry;
};

nw_term_store *nw_term_store_new(nw_redis *r, const char *prefix, long long window_s, nw_err *err)
{
    nw_term_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    s->r = r;
    snprintf(s->prefix, sizeof s->prefix, "%s", prefix);
    s->window_s = window_s > 0 ? window_s : 1;
    nw_shard_expiry_init(&s->expiry, NW_COUNTED_SHARDS);
    return s;
}

void nw_term_store_free(nw_term_store *s)
{
    if (s) {
        free(s->d);
        free(s->table);
        free(s->of);
        free(s->argv);
        free(s->lens);
        free(s->fresh);
        free(s->claim);
        nw_shard_expiry_release(&s->expiry);
        free(s);
    }
}

/* Maps every term of the batch to its distinct index. */
static int index_terms(nw_term_store *s, const nw_term_doc *docs, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += docs[i].nterms;
    }
    size_t want = 1;
    while (want < 2 * total + 2) {
        want *= 2;
    }
    if (want > s->tcap) {
        free(s->table);
        s->table = malloc(want * sizeof *s->table);
        s->tcap = s->table ? want : 0;
    }
    if (!s->table || nw_array_reserve((void **)&s->d, &s->dcap, total, sizeof *s->d) ||
        nw_array_reserve((void **)&s->of, &s->ocap, total, sizeof *s->of)) {
        return NW_E_NOMEM;
    }
    memset(s->table, 0, want * sizeof *s->table);
    s->nd = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < docs[i].nterms; j++, k++) {
            const nw_term *t = &docs[i].terms[j];
            uint64_t h = XXH3_64bits(t->text, t->len);
            size_t at = (size_t)h & (want - 1);
            while (s->table[at]) {
                const distinct *d = &s->d[s->table[at] - 1];
                if (d->h == h && d->term->len == t->len &&
                    memcmp(d->term->text, t->text, t->len) == 0) {
                    break;
                }
                at = (at + 1) & (want - 1);
            }
            if (!s->table[at]) {
                s->d[s->nd] = (distinct){t, h, 0, 0};
                s->table[at] = (uint32_t)++s->nd;
            }
            s->of[k] = s->table[at] - 1;
        }
    }
    return NW_OK;
}

/* A document's marker: the field (its id's 64-bit hash, big-endian) in the shard key (the
 * hash's top bits) of a generation. */
typedef struct marker {
    char field[8];
    unsigned shard;
} marker;

static marker marker_of(const char *doc_id)
{
    uint64_t h = XXH3_64bits(doc_id, strlen(doc_id));
    marker m = {.shard = (unsigned)(h >> 52) % NW_COUNTED_SHARDS};
    for (int b = 0; b < 8; b++) {
        m.field[b] = (char)(h >> (56 - 8 * b));
    }
    return m;
}

/* HSET (or HSETNX) of a document's marker in generation gen; the ticket. */
static long send_mark(nw_term_store *s, const char *cmd, int64_t gen, const marker *m,
                      const char *value)
{
    char key[160];
    nw_key_counted(key, sizeof key, s->prefix, gen, m->shard);
    const char *av[] = {cmd, key, m->field, value};
    size_t al[] = {strlen(cmd), strlen(key), sizeof m->field, strlen(value)};
    return nw_redis_append(s->r, 4, av, al);
}

static long get_mark(nw_term_store *s, int64_t gen, const marker *m)
{
    char key[160];
    nw_key_counted(key, sizeof key, s->prefix, gen, m->shard);
    const char *av[] = {"HGET", key, m->field};
    size_t al[] = {4, strlen(key), sizeof m->field};
    return nw_redis_append(s->r, 3, av, al);
}

/* What a marker says: NULL when the document was not counted ("0": claimed only). */
static const char *counted_as(const redisReply *mark)
{
    return mark->type == REDIS_REPLY_STRING && strcmp(mark->str, "0") != 0 ? mark->str : NULL;
}

/* Round trip 1: claim each document in this generation ("0": claimed, else counted) and read
 * its marker in the last; fresh[i] = 1 when neither says it was counted. A batch that failed
 * after claiming is counted when retried. A shard key's expiry is set once a minute. */
static int claim(nw_term_store *s, nw_term_doc *docs, size_t n, int64_t gen, nw_err *err)
{
    char at[24];
    snprintf(at, sizeof at, "%" PRId64, nw_window_expire_at(gen, s->window_s));
    nw_shard_expiry_begin(&s->expiry, gen, nw_now_seconds());
    for (size_t i = 0; i < n; i++) {
        marker m = marker_of(docs[i].doc_id);
        send_mark(s, "HSETNX", gen, &m, "0");
        s->claim[2 * i] = get_mark(s, gen, &m);
        s->claim[2 * i + 1] = get_mark(s, gen - 1, &m);
        int due = nw_shard_expiry_due(&s->expiry, m.shard);
        if (due < 0) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        if (due) {
            char key[160];
            nw_key_counted(key, sizeof key, s->prefix, gen, m.shard);
            nw_redis_append(s->r, 3, (const char *[]){"EXPIREAT", key, at}, NULL);
        }
    }
    int rc = nw_redis_exec_all(s->r, "term frequencies", err);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        const char *was = counted_as(nw_redis_at(s->r, s->claim[2 * i]));
        was = was ? was : counted_as(nw_redis_at(s->r, s->claim[2 * i + 1]));
        s->fresh[i] = !was;
        docs[i].replay = was != NULL;
        snprintf(docs[i].mark, sizeof docs[i].mark, "%s", was ? was : "");
    }
    return rc;
}

/* Round trip 2: count the new documents' terms, read every term's frequency. */
static int count_and_read(nw_term_store *s, nw_term_doc *docs, size_t n, int64_t gen, nw_err *err)
{
    char cur[96], last[96], n_cur[96], n_last[96], at[24], by[24];
    nw_key_df(cur, sizeof cur, s->prefix, gen);
    nw_key_df(last, sizeof last, s->prefix, gen - 1);
    nw_key_df_docs(n_cur, sizeof n_cur, s->prefix, gen);
    nw_key_df_docs(n_last, sizeof n_last, s->prefix, gen - 1);
    snprintf(at, sizeof at, "%" PRId64, nw_window_expire_at(gen, s->window_s));
    size_t fresh = 0;
    for (size_t i = 0; i < n; i++) {
        fresh += s->fresh[i];
    }
    for (size_t k = 0; k < s->nd; k++) {
        if (s->d[k].new_docs) {
            char count[24];
            snprintf(count, sizeof count, "%lld", s->d[k].new_docs);
            const char *av[] = {"HINCRBY", cur, s->d[k].term->text, count};
            size_t al[] = {7, strlen(cur), s->d[k].term->len, strlen(count)};
            nw_redis_append(s->r, 4, av, al);
        }
    }
    snprintf(by, sizeof by, "%zu", fresh);
    const char *incr[] = {"INCRBY", n_cur, by}, *get_last[] = {"GET", n_last};
    const char *exp1[] = {"EXPIREAT", cur, at}, *exp2[] = {"EXPIREAT", n_cur, at};
    long docs_now = nw_redis_append(s->r, 3, incr, NULL);
    long docs_last = nw_redis_append(s->r, 2, get_last, NULL);
    nw_redis_append(s->r, 3, exp1, NULL);
    nw_redis_append(s->r, 3, exp2, NULL);
    for (size_t i = 0; i < n; i++) { /* counted: a replay will not count again */
        if (s->fresh[i]) {
            marker m = marker_of(docs[i].doc_id);
            send_mark(s, "HSET", gen, &m, "1");
        }
    }
    long df[2] = {-1, -1};
    for (int g = 0; g < 2 && s->nd; g++) { /* HMGET key field... for this and the last gen */
        s->argv[0] = "HMGET";
        s->lens[0] = 5;
        s->argv[1] = g ? last : cur;
        s->lens[1] = strlen(s->argv[1]);
        for (size_t k = 0; k < s->nd; k++) {
            s->argv[2 + k] = s->d[k].term->text;
            s->lens[2 + k] = s->d[k].term->len;
        }
        df[g] = nw_redis_append(s->r, (int)(2 + s->nd), s->argv, s->lens);
    }
    int rc = nw_redis_exec_all(s->r, "term frequencies", err);
    if (rc == NW_OK) {
        long long ndocs = nw_redis_reply_int(nw_redis_at(s->r, docs_now)) +
                          nw_redis_reply_int(nw_redis_at(s->r, docs_last));
        for (int g = 0; g < 2 && s->nd; g++) {
            const redisReply *a = nw_redis_at(s->r, df[g]);
            for (size_t k = 0; k < s->nd && k < a->elements; k++) {
                s->d[k].df += nw_redis_reply_int(a->element[k]);
            }
        }
        size_t t = 0;
        for (size_t i = 0; i < n; i++) {
            docs[i].ndocs = ndocs;
            for (size_t j = 0; j < docs[i].nterms; j++, t++) {
                docs[i].df[j] = s->d[s->of[t]].df;
            }
        }
    }
    return rc;
}

int nw_term_store_mark(nw_term_store *s, const nw_term_doc *docs, size_t n,
                       const char *const *values, nw_err *err)
{
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    size_t sent = 0;
    for (size_t i = 0; i < n; i++) {
        if (values[i]) {
            marker m = marker_of(docs[i].doc_id);
            send_mark(s, "HSET", s->gen, &m, values[i]);
            sent++;
        }
    }
    return sent ? nw_redis_exec_all(s->r, "term frequencies", err) : NW_OK;
}

static int ensure_args(nw_term_store *s, size_t want)
{
    return nw_array_reserve((void **)&s->argv, &s->acap, want, sizeof *s->argv) ||
                   nw_array_reserve((void **)&s->lens, &s->lcap, want, sizeof *s->lens)
               ? NW_E_NOMEM
               : NW_OK;
}

int nw_term_store_update(nw_term_store *s, nw_term_doc *docs, size_t n, int64_t now_s, nw_err *err)
{
    if (n == 0) {
        return NW_OK;
    }
    if (index_terms(s, docs, n) != NW_OK || ensure_args(s, s->nd + 2) != NW_OK ||
        nw_array_reserve((void **)&s->fresh, &s->fcap, n, 1) != NW_OK ||
        nw_array_reserve((void **)&s->claim, &s->ccap, 2 * n, sizeof *s->claim) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    int rc = nw_redis_connect(s->r, err);
    double t0 = nw_now_seconds();
    s->gen = nw_window_gen(now_s, s->window_s);
    if (rc == NW_OK) {
        rc = claim(s, docs, n, s->gen, err);
    }
    if (rc == NW_OK) {
        size_t t = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < docs[i].nterms; j++, t++) {
                s->d[s->of[t]].new_docs += s->fresh[i];
            }
        }
        rc = count_and_read(s, docs, n, s->gen, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    if (rc != NW_OK) {
        nw_shard_expiry_forget(&s->expiry); /* an EXPIREAT may not have run */
    }
    if (rc == NW_E_NOMEM) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    return rc;
}
