/* story_store.c - one pipelined round trip per batch of articles: for each, add to the docs,
 * sources and merged-from sets, run the single-key script that keeps first/last, read size,
 * sources and merged-from. A batch that joins stories reads the joined stories' sources in a
 * round before. Every command names one key, so it runs on Redis Cluster. */
#include "story_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
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

#define NREPLIES 8 /* per article, and 2 more when it names merged stories */

struct nw_story_store {
    nw_redis *r;
    int script;
    char prefix[64];
    char ttl[24];
    redisReply **keep; /* the replies of the last batch */
    size_t nkeep, cap;
    size_t *first_reply; /* per article of the last batch: its first reply in keep */
    redisReply **src;    /* the last batch's joined stories' sources, read before its round */
    size_t nsrc, src_cap;
    size_t nfirst;
};

nw_story_store *nw_story_store_new(nw_redis *r, const char *prefix, long long window_s, nw_err *err)
{
    nw_story_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    s->r = r;
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
    for (size_t i = 0; i < s->nsrc; i++) {
        if (s->src[i]) {
            freeReplyObject(s->src[i]);
        }
    }
    s->nsrc = 0;
}

void nw_story_store_free(nw_story_store *s)
{
    if (s) {
        release(s);
        free(s->keep);
        free(s->first_reply);
        free(s->src);
        free(s);
    }
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

/* SADD key with a set's members (a SMEMBERS reply), in chunks; returns the commands sent. */
static size_t add_members(nw_story_store *s, const char *key, const redisReply *set)
{
    enum { CHUNK = 256 };
    const char *av[2 + CHUNK] = {"SADD", key};
    size_t sent = 0;
    for (size_t i = 0; set && set->type == REDIS_REPLY_ARRAY && i < set->elements; i += CHUNK) {
        size_t n = set->elements - i < CHUNK ? set->elements - i : CHUNK;
        for (size_t k = 0; k < n; k++) {
            av[2 + k] = set->element[i + k]->str;
        }
        nw_redis_append(s->r, (int)(2 + n), av, NULL);
        sent++;
    }
    return sent;
}

/* Sends one article's commands; returns how many replies they make. joined: per merged
 * story, its sources as read before this round. */
static size_t send_one(nw_story_store *s, const nw_story_update *u, redisReply *const *joined)
{
    char hkey[400], dkey[410], skey[410], mkey[410];
    snprintf(hkey, sizeof hkey, "%sst:%s", s->prefix, u->story_id);
    snprintf(dkey, sizeof dkey, "%s:docs", hkey);
    snprintf(skey, sizeof skey, "%s:src", hkey);
    snprintf(mkey, sizeof mkey, "%s:merged", hkey);
    size_t replies = NREPLIES;
    if (u->nmerged) {
        const char *av[2 + NW_STORY_MAX_MERGED] = {"SADD", mkey};
        size_t n = u->nmerged < NW_STORY_MAX_MERGED ? u->nmerged : NW_STORY_MAX_MERGED;
        for (size_t i = 0; i < n; i++) {
            av[2 + i] = u->merged[i];
        }
        nw_redis_append(s->r, (int)(2 + n), av, NULL);
        append(s, 3, (const char *[]){"EXPIRE", mkey, s->ttl});
        replies += 2;
        /* a joined story's sources are this story's now (its articles' records are revised
         * without their sources); copied member by member, as the two stories' keys may live
         * on different Redis Cluster nodes (no SUNIONSTORE across slots) */
        for (size_t i = 0; i < n; i++) {
            replies += add_members(s, skey, joined[i]);
        }
    }
    const char *src = u->source && *u->source ? u->source : "(unknown)";
    append(s, 3, (const char *[]){"SADD", dkey, u->doc_id});
    append(s, 3, (const char *[]){"EXPIRE", dkey, s->ttl});
    if (u->revision) { /* a decision changed: no source to add, first and last stand */
        append(s, 3, (const char *[]){"EXPIRE", skey, s->ttl});
    } else {
        append(s, 3, (const char *[]){"SADD", skey, src});
    }
    append(s, 3, (const char *[]){"EXPIRE", skey, s->ttl});
    const char *sargv[] = {
        hkey,  u->doc_id, u->first_seen, u->headline ? u->headline : "", u->agency ? u->agency : "",
        s->ttl};
    size_t slens[6];
    for (int i = 0; i < 6; i++) {
        slens[i] = strlen(sargv[i]);
    }
    if (u->revision) {
        append(s, 2, (const char *[]){"HGETALL", hkey});
    } else {
        nw_redis_append_evalsha(s->r, s->script, 1, 6, sargv, slens);
    }
    append(s, 2, (const char *[]){"SCARD", dkey});
    append(s, 2, (const char *[]){"SMEMBERS", skey});
    append(s, 2, (const char *[]){"SMEMBERS", mkey});
    return replies;
}

static int read_one(redisReply **r, size_t nr, nw_story_view *v, nw_err *err)
{
    memset(v, 0, sizeof *v);
    r += nr - NREPLIES; /* skip the merged-from SADD and EXPIRE */
    if (r[4]->type != REDIS_REPLY_ARRAY || r[5]->type != REDIS_REPLY_INTEGER ||
        r[6]->type != REDIS_REPLY_ARRAY || r[7]->type != REDIS_REPLY_ARRAY) {
        return nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply to the story update");
    }
    for (size_t i = 0; i < r[7]->elements && v->nmerged < NW_STORY_MAX_MERGED; i++) {
        v->merged[v->nmerged++] = r[7]->element[i]->str;
    }
    qsort(v->merged, v->nmerged, sizeof *v->merged, cmp_str);
    read_hash(r[4], v);
    v->size = r[5]->integer;
    for (size_t i = 0; i < r[6]->elements && v->nsources < NW_STORY_MAX_SOURCES; i++) {
        v->sources[v->nsources++] = r[6]->element[i]->str;
    }
    qsort(v->sources, v->nsources, sizeof *v->sources, cmp_str);
    return NW_OK;
}

static size_t merged_count(const nw_story_update *u)
{
    return u->nmerged < NW_STORY_MAX_MERGED ? u->nmerged : NW_STORY_MAX_MERGED;
}

/* The sources of every story an article of the batch joins: a round of its own, only in the
 * batches that join stories. */
static int read_merged_sources(nw_story_store *s, const nw_story_update *u, size_t n, nw_err *err)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += merged_count(&u[i]);
    }
    if (!total) {
        return NW_OK;
    }
    if (nw_array_reserve((void **)&s->src, &s->src_cap, total, sizeof *s->src) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < merged_count(&u[i]); j++) {
            char other[410];
            snprintf(other, sizeof other, "%sst:%s:src", s->prefix, u[i].merged[j]);
            append(s, 2, (const char *[]){"SMEMBERS", other});
        }
    }
    int rc = NW_OK;
    for (s->nsrc = 0; s->nsrc < total && rc == NW_OK; s->nsrc++) {
        s->src[s->nsrc] = NULL;
        rc = nw_redis_reply(s->r, &s->src[s->nsrc], err);
    }
    return rc;
}

int nw_story_store_update(nw_story_store *s, const nw_story_update *u, nw_story_view *v, size_t n,
                          nw_err *err)
{
    release(s);
    size_t most = n * (NREPLIES + 2);
    if (most > s->cap) {
        redisReply **k = realloc(s->keep, most * sizeof *k);
        if (!k) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        s->keep = k;
        s->cap = most;
    }
    if (n + 1 > s->nfirst) {
        size_t *f = realloc(s->first_reply, (n + 1) * sizeof *f);
        if (!f) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        s->first_reply = f;
        s->nfirst = n + 1;
    }
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    double t0 = nw_now_seconds();
    rc = read_merged_sources(s, u, n, err);
    if (rc != NW_OK) {
        return rc;
    }
    s->first_reply[0] = 0;
    for (size_t i = 0, m = 0; i < n; i++) {
        s->first_reply[i + 1] = s->first_reply[i] + send_one(s, &u[i], s->src + m);
        m += merged_count(&u[i]);
    }
    for (size_t i = 0; i < s->first_reply[n] && rc == NW_OK; i++) {
        s->keep[i] = NULL;
        rc = nw_redis_reply(s->r, &s->keep[i], err);
        s->nkeep = i + 1;
        if (rc == NW_OK && s->keep[i]->type == REDIS_REPLY_ERROR) {
            rc = nw_err_set(err, NW_E_RETRY, "redis", "story update: %s", s->keep[i]->str);
        }
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        rc = read_one(&s->keep[s->first_reply[i]], s->first_reply[i + 1] - s->first_reply[i], &v[i],
                      err);
    }
    return rc;
}
