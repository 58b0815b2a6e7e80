/* term_store.c - the document-frequency script and its batch round trip. */
#include "term_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/nw_error.h"
#include "metrics.h"
#include "redis_client.h"

/* KEYS: seen, df this gen, df last gen, n this gen, n last gen. ARGV: expire-at of this
 * generation's keys, window seconds, terms... Returns {documents, df of each term}. */
static const char df_lua[] =
    "if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then "
    "  for i = 3, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end "
    "  redis.call('INCR', KEYS[4]) "
    "  redis.call('EXPIREAT', KEYS[2], ARGV[1]) "
    "  redis.call('EXPIREAT', KEYS[4], ARGV[1]) "
    "end "
    "local out = {(tonumber(redis.call('GET', KEYS[4])) or 0) + "
    "             (tonumber(redis.call('GET', KEYS[5])) or 0)} "
    "if #ARGV < 3 then return out end "
    "local cur = redis.call('HMGET', KEYS[2], unpack(ARGV, 3)) "
    "local last = redis.call('HMGET', KEYS[3], unpack(ARGV, 3)) "
    "for i = 1, #cur do out[i + 1] = (tonumber(cur[i]) or 0) + (tonumber(last[i]) or 0) end "
    "return out";

#define MAX_TERMS 1000 /* per document, the most frequent (Lua's unpack stays far below its limit) */

struct nw_term_store {
    nw_redis *r;
    int script;
    char prefix[64];
    long long window_s;
    const char **argv;
    size_t *lens;
};

nw_term_store *nw_term_store_new(const char *redis_url, const char *prefix, long long window_s,
                                 int timeout_ms, nw_err *err)
{
    nw_term_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    s->argv = calloc(MAX_TERMS + 10, sizeof *s->argv);
    s->lens = calloc(MAX_TERMS + 10, sizeof *s->lens);
    s->r = s->argv && s->lens ? nw_redis_new(redis_url, timeout_ms, err) : NULL;
    if (!s->r) {
        free(s->argv);
        free(s->lens);
        free(s);
        return NULL;
    }
    s->script = nw_redis_add_script(s->r, df_lua);
    snprintf(s->prefix, sizeof s->prefix, "%s", prefix);
    s->window_s = window_s > 0 ? window_s : 1;
    return s;
}

void nw_term_store_free(nw_term_store *s)
{
    if (s) {
        nw_redis_free(s->r);
        free(s->argv);
        free(s->lens);
        free(s);
    }
}

static void send_one(nw_term_store *s, const nw_term_doc *d, int64_t gen)
{
    char seen[400], df_cur[96], df_last[96], n_cur[96], n_last[96], at[24], ttl[24];
    snprintf(seen, sizeof seen, "%s{df}:seen:%s", s->prefix, d->doc_id);
    snprintf(df_cur, sizeof df_cur, "%s{df}:%" PRId64, s->prefix, gen);
    snprintf(df_last, sizeof df_last, "%s{df}:%" PRId64, s->prefix, gen - 1);
    snprintf(n_cur, sizeof n_cur, "%s{df}:n:%" PRId64, s->prefix, gen);
    snprintf(n_last, sizeof n_last, "%s{df}:n:%" PRId64, s->prefix, gen - 1);
    snprintf(at, sizeof at, "%" PRId64, (gen + 2) * (int64_t)s->window_s);
    snprintf(ttl, sizeof ttl, "%lld", s->window_s);
    const char *fixed[] = {"EVALSHA", nw_redis_script_sha(s->r, s->script), "5", seen, df_cur,
                           df_last, n_cur, n_last, at, ttl};
    size_t argc = 0;
    for (; argc < 10; argc++) {
        s->argv[argc] = fixed[argc];
        s->lens[argc] = strlen(fixed[argc]);
    }
    size_t nt = d->nterms < MAX_TERMS ? d->nterms : MAX_TERMS;
    for (size_t i = 0; i < nt; i++, argc++) {
        s->argv[argc] = d->terms[i].text;
        s->lens[argc] = d->terms[i].len;
    }
    nw_redis_append(s->r, (int)argc, s->argv, s->lens);
}

static int read_one(const redisReply *r, nw_term_doc *d, nw_err *err)
{
    if (r->type == REDIS_REPLY_ERROR) {
        return nw_err_set(err, NW_E_RETRY, "redis", "term frequencies: %s", r->str);
    }
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1) {
        return nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply to the term update");
    }
    d->ndocs = r->element[0]->integer;
    size_t nt = d->nterms < MAX_TERMS ? d->nterms : MAX_TERMS;
    for (size_t i = 0; i < d->nterms; i++) {
        d->df[i] = i < nt && i + 1 < r->elements ? r->element[i + 1]->integer : 0;
    }
    return NW_OK;
}

int nw_term_store_update(nw_term_store *s, nw_term_doc *docs, size_t n, int64_t now_s,
                         nw_err *err)
{
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    int64_t gen = now_s / s->window_s;
    double t0 = nw_now_seconds();
    for (size_t i = 0; i < n; i++) {
        send_one(s, &docs[i], gen);
    }
    size_t got = 0;
    for (; got < n; got++) {
        redisReply *r;
        if ((rc = nw_redis_reply(s->r, &r, err)) != NW_OK) {
            break; /* the connection is gone; the rest of the replies with it */
        }
        int one = read_one(r, &docs[got], err);
        freeReplyObject(r);
        if (one != NW_OK && rc == NW_OK) {
            rc = one;
        }
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    return rc;
}
