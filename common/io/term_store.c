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
    long *claim; /* per document: its claim's ticket */
    size_t ccap;
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

static void seen_key(const nw_term_store *s, const char *doc_id, char *key, size_t n)
{
    nw_key_counted(key, n, s->prefix, doc_id);
}

/* Round trip 1: claim each document ("0": claimed, else counted); fresh[i] = 1 when it was
 * not counted before. A batch that failed after claiming is counted when retried. */
static int claim(nw_term_store *s, nw_term_doc *docs, size_t n, nw_err *err)
{
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%lld", s->window_s);
    for (size_t i = 0; i < n; i++) {
        char key[400];
        seen_key(s, docs[i].doc_id, key, sizeof key);
        const char *av[] = {"SET", key, "0", "NX", "GET", "EX", ttl};
        s->claim[i] = nw_redis_append(s->r, 7, av, NULL);
    }
    int rc = nw_redis_exec_all(s->r, "term frequencies", err);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        const redisReply *was = nw_redis_at(s->r, s->claim[i]);
        int counted = was->type == REDIS_REPLY_STRING && strcmp(was->str, "0") != 0;
        s->fresh[i] = !counted;
        docs[i].replay = counted;
        snprintf(docs[i].mark, sizeof docs[i].mark, "%s", counted ? was->str : "");
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
            char key[400];
            seen_key(s, docs[i].doc_id, key, sizeof key);
            const char *av[] = {"SET", key, "1", "XX", "KEEPTTL"};
            nw_redis_append(s->r, 5, av, NULL);
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
            char key[400];
            seen_key(s, docs[i].doc_id, key, sizeof key);
            const char *av[] = {"SET", key, values[i], "XX", "KEEPTTL"};
            nw_redis_append(s->r, 5, av, NULL);
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
        nw_array_reserve((void **)&s->claim, &s->ccap, n, sizeof *s->claim) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    int rc = nw_redis_connect(s->r, err);
    double t0 = nw_now_seconds();
    if (rc == NW_OK) {
        rc = claim(s, docs, n, err);
    }
    if (rc == NW_OK) {
        size_t t = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < docs[i].nterms; j++, t++) {
                s->d[s->of[t]].new_docs += s->fresh[i];
            }
        }
        rc = count_and_read(s, docs, n, nw_window_gen(now_s, s->window_s), err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    if (rc == NW_E_NOMEM) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    return rc;
}
