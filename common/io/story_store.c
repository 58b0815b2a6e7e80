/* story_store.c - one pipelined round trip per batch of articles: for each, add to the docs
 * and sources sets, run the single-key script that keeps first/last, read size and sources. */
#include "story_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/nw_error.h"
#include "metrics.h"
#include "redis_client.h"

/* ARGV: doc id, first_seen, headline, agency, ttl. Keeps the earliest article as "first"
 * and the latest as "last"; returns the hash. One key, so it runs on Redis Cluster too. */
static const char story_lua[] =
    "local k = KEYS[1] "
    "local cur = redis.call('HGET', k, 'first_seen') "
    "if (not cur) or ARGV[2] < cur or (ARGV[2] == cur and "
    "    ARGV[1] < redis.call('HGET', k, 'first_id')) then "
    "  redis.call('HSET', k, 'first_id', ARGV[1], 'first_seen', ARGV[2], "
    "             'headline', ARGV[3], 'agency', ARGV[4]) "
    "end "
    "local last = redis.call('HGET', k, 'last_seen') "
    "if (not last) or ARGV[2] >= last then "
    "  redis.call('HSET', k, 'last_id', ARGV[1], 'last_seen', ARGV[2]) "
    "end "
    "redis.call('EXPIRE', k, ARGV[5]) "
    "return redis.call('HGETALL', k)";

#define NREPLIES 7 /* per article */

struct nw_story_store {
    nw_redis *r;
    int script;
    char prefix[64];
    char ttl[24];
    redisReply **keep; /* NREPLIES per article of the last batch */
    size_t nkeep, cap;
};

nw_story_store *nw_story_store_new(const char *redis_url, const char *prefix, long long window_s,
                                   int timeout_ms, nw_err *err)
{
    nw_story_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    s->r = nw_redis_new(redis_url, timeout_ms, err);
    if (!s->r) {
        free(s);
        return NULL;
    }
    s->script = nw_redis_add_script(s->r, story_lua);
    snprintf(s->prefix, sizeof s->prefix, "%s", prefix);
    snprintf(s->ttl, sizeof s->ttl, "%lld", window_s);
    return s;
}

static void release(nw_story_store *s)
{
    for (size_t i = 0; i < s->nkeep; i++) {
        if (s->keep[i]) {
            freeReplyObject(s->keep[i]);
        }
    }
    s->nkeep = 0;
}

void nw_story_store_free(nw_story_store *s)
{
    if (s) {
        release(s);
        free(s->keep);
        nw_redis_free(s->r);
        free(s);
    }
}

int nw_story_store_ready(nw_story_store *s)
{
    return nw_redis_ping(s->r);
}

static void append(nw_story_store *s, int argc, const char **argv)
{
    size_t lens[8];
    for (int i = 0; i < argc; i++) {
        lens[i] = strlen(argv[i]);
    }
    nw_redis_append(s->r, argc, argv, lens);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void read_hash(const redisReply *h, nw_story_view *v)
{
    for (size_t i = 0; i + 1 < h->elements; i += 2) {
        const char *k = h->element[i]->str, *val = h->element[i + 1]->str;
        if (!strcmp(k, "first_id")) {
            v->first_id = val;
        } else if (!strcmp(k, "first_seen")) {
            v->first_seen = val;
        } else if (!strcmp(k, "headline")) {
            v->headline = val[0] ? val : NULL;
        } else if (!strcmp(k, "agency")) {
            v->agency = val[0] ? val : NULL;
        } else if (!strcmp(k, "last_id")) {
            v->last_id = val;
        } else if (!strcmp(k, "last_seen")) {
            v->last_seen = val;
        }
    }
}

static void send_one(nw_story_store *s, const nw_story_update *u)
{
    char hkey[400], dkey[410], skey[410];
    snprintf(hkey, sizeof hkey, "%sst:%s", s->prefix, u->story_id);
    snprintf(dkey, sizeof dkey, "%s:docs", hkey);
    snprintf(skey, sizeof skey, "%s:src", hkey);
    const char *src = u->source && *u->source ? u->source : "(unknown)";
    append(s, 3, (const char *[]){"SADD", dkey, u->doc_id});
    append(s, 3, (const char *[]){"EXPIRE", dkey, s->ttl});
    append(s, 3, (const char *[]){"SADD", skey, src});
    append(s, 3, (const char *[]){"EXPIRE", skey, s->ttl});
    const char *sargv[] = {hkey, u->doc_id, u->first_seen, u->headline ? u->headline : "",
                           u->agency ? u->agency : "", s->ttl};
    size_t slens[6];
    for (int i = 0; i < 6; i++) {
        slens[i] = strlen(sargv[i]);
    }
    nw_redis_append_evalsha(s->r, s->script, 1, 6, sargv, slens);
    append(s, 2, (const char *[]){"SCARD", dkey});
    append(s, 2, (const char *[]){"SMEMBERS", skey});
}

static int read_one(redisReply **r, nw_story_view *v, nw_err *err)
{
    memset(v, 0, sizeof *v);
    if (r[4]->type != REDIS_REPLY_ARRAY || r[5]->type != REDIS_REPLY_INTEGER ||
        r[6]->type != REDIS_REPLY_ARRAY) {
        return nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply to the story update");
    }
    read_hash(r[4], v);
    v->size = r[5]->integer;
    for (size_t i = 0; i < r[6]->elements && v->nsources < NW_STORY_MAX_SOURCES; i++) {
        v->sources[v->nsources++] = r[6]->element[i]->str;
    }
    qsort(v->sources, v->nsources, sizeof *v->sources, cmp_str);
    return NW_OK;
}

int nw_story_store_update(nw_story_store *s, const nw_story_update *u, nw_story_view *v, size_t n,
                          nw_err *err)
{
    release(s);
    if (n * NREPLIES > s->cap) {
        redisReply **k = realloc(s->keep, n * NREPLIES * sizeof *k);
        if (!k) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        s->keep = k;
        s->cap = n * NREPLIES;
    }
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    double t0 = nw_now_seconds();
    for (size_t i = 0; i < n; i++) {
        send_one(s, &u[i]);
    }
    for (size_t i = 0; i < n * NREPLIES && rc == NW_OK; i++) {
        s->keep[i] = NULL;
        rc = nw_redis_reply(s->r, &s->keep[i], err);
        s->nkeep = i + 1;
        if (rc == NW_OK && s->keep[i]->type == REDIS_REPLY_ERROR) {
            rc = nw_err_set(err, NW_E_RETRY, "redis", "story update: %s", s->keep[i]->str);
        }
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        rc = read_one(&s->keep[i * NREPLIES], &v[i], err);
    }
    return rc;
}
