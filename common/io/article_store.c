/* article_store.c - SET with EX per card, GET per card, one pipelined round each way. */
#include "article_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "metrics.h"

#include "../core/buf.h"
#include "../core/nw_error.h"
#include "../core/redis_keys.h"

struct nw_article_store {
    nw_redis *r;
    char prefix[64];
    char ttl[24];
    redisReply **got; /* the last read's replies */
    size_t ngot, got_cap;
};

nw_article_store *nw_article_store_new(nw_redis *r, const char *prefix, long long window_s,
                                       nw_err *err)
{
    nw_article_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    s->r = r;
    snprintf(s->prefix, sizeof s->prefix, "%s", prefix);
    snprintf(s->ttl, sizeof s->ttl, "%lld", window_s);
    return s;
}

static void release(nw_article_store *s)
{
    for (size_t i = 0; i < s->ngot; i++) {
        if (s->got[i]) {
            freeReplyObject(s->got[i]);
        }
    }
    s->ngot = 0;
}

void nw_article_store_free(nw_article_store *s)
{
    if (s) {
        release(s);
        free(s->got);
        free(s);
    }
}

static void card_key(const nw_article_store *s, const char *id, char *key, size_t cap)
{
    nw_key_article(key, cap, s->prefix, XXH3_64bits(id, strlen(id)));
}

int nw_article_store_put(nw_article_store *s, const char *const *ids, const char *const *cards,
                         const size_t *lens, size_t n, nw_err *err)
{
    if (!n) {
        return NW_OK;
    }
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    double t0 = nw_now_seconds();
    for (size_t i = 0; i < n; i++) {
        char key[96];
        card_key(s, ids[i], key, sizeof key);
        const char *av[] = {"SET", key, cards[i], "EX", s->ttl};
        size_t al[] = {3, strlen(key), lens[i], 2, strlen(s->ttl)};
        if (nw_redis_append(s->r, 5, av, al) < 0) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
    }
    rc = nw_redis_exec_all(s->r, "article cards", err);
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    return rc;
}

int nw_article_store_get(nw_article_store *s, const char *const *ids, size_t n, const char **cards,
                         size_t *lens, nw_err *err)
{
    release(s);
    if (!n) {
        return NW_OK;
    }
    if (nw_array_reserve((void **)&s->got, &s->got_cap, n, sizeof *s->got) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    long first = -1;
    for (size_t i = 0; i < n; i++) {
        char key[96];
        card_key(s, ids[i], key, sizeof key);
        long t = nw_redis_append(s->r, 2, (const char *[]){"GET", key}, NULL);
        if (t < 0) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        first = first < 0 ? t : first;
    }
    rc = nw_redis_exec_all(s->r, "reading article cards", err);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        redisReply *r = s->got[s->ngot++] = nw_redis_take(s->r, first + (long)i);
        int found = r && r->type == REDIS_REPLY_STRING;
        cards[i] = found ? r->str : NULL;
        lens[i] = found ? r->len : 0;
    }
    return rc;
}
