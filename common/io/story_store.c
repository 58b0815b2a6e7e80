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
#include "../core/redis_keys.h"
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

/* What an article's view is read from: its story's hash (script or HGETALL), size (SCARD),
 * sources and merged-from (SMEMBERS), and for a read with members its docs (SMEMBERS).
 * Tickets while the round runs, then the replies. */
enum { R_HASH, R_SIZE, R_SOURCES, R_MERGED, R_MEMBERS, R_COUNT };
typedef struct story_replies {
    long ticket[R_COUNT];
    redisReply *rep[R_COUNT];
} story_replies;

struct nw_story_store {
    nw_redis *r;
    int script;
    char prefix[64];
    char ttl[24];
    story_replies *got; /* per article of the last batch; the views point into them */
    size_t ngot, got_cap;
    redisReply **src; /* the last batch's joined stories' sources, read before its round */
    size_t nsrc, src_cap;
    long long window_ms;
    const char **members; /* the last read's member lists, back to back */
    size_t members_cap;
    redisReply *recent[NW_RECENT_SHARDS]; /* the last recent-stories read */
    nw_story_recent *rec;
    size_t rec_cap;
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
    s->window_ms = window_s * 1000;
    return s;
}

static void release(nw_story_store *s)
{
    for (size_t i = 0; i < s->ngot; i++) {
        for (int k = 0; k < R_COUNT; k++) {
            if (s->got[i].rep[k]) {
                freeReplyObject(s->got[i].rep[k]);
            }
        }
    }
    s->ngot = 0;
    for (size_t i = 0; i < s->nsrc; i++) {
        if (s->src[i]) {
            freeReplyObject(s->src[i]);
        }
    }
    s->nsrc = 0;
    for (int k = 0; k < NW_RECENT_SHARDS; k++) {
        if (s->recent[k]) {
            freeReplyObject(s->recent[k]);
            s->recent[k] = NULL;
        }
    }
}

void nw_story_store_free(nw_story_store *s)
{
    if (s) {
        release(s);
        free(s->got);
        free(s->src);
        free(s->members);
        free(s->rec);
        free(s);
    }
}

static long append(nw_story_store *s, int argc, const char **argv)
{
    return nw_redis_append(s->r, argc, argv, NULL);
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

/* SADD key with a set's members (a SMEMBERS reply), in chunks. */
static void add_members(nw_story_store *s, const char *key, const redisReply *set)
{
    enum { CHUNK = 256 };
    const char *av[2 + CHUNK] = {"SADD", key};
    for (size_t i = 0; set && set->type == REDIS_REPLY_ARRAY && i < set->elements; i += CHUNK) {
        size_t n = set->elements - i < CHUNK ? set->elements - i : CHUNK;
        for (size_t k = 0; k < n; k++) {
            av[2 + k] = set->element[i + k]->str;
        }
        nw_redis_append(s->r, (int)(2 + n), av, NULL);
    }
}

/* The story is active now in the recent-stories index; the stories it joined are not listed
 * any more (their articles are this story's). */
static void mark_active(nw_story_store *s, const nw_story_update *u)
{
    char key[96], score[24];
    nw_key_recent(key, sizeof key, s->prefix, nw_recent_shard(u->story_id));
    snprintf(score, sizeof score, "%lld", u->active_ms);
    append(s, 4, (const char *[]){"ZADD", key, score, u->story_id});
    append(s, 3, (const char *[]){"EXPIRE", key, s->ttl});
    for (size_t i = 0; i < u->nmerged && i < NW_STORY_MAX_MERGED; i++) {
        nw_key_recent(key, sizeof key, s->prefix, nw_recent_shard(u->merged[i]));
        append(s, 3, (const char *[]){"ZREM", key, u->merged[i]});
    }
}

/* Stories idle for longer than the window leave the index: once per batch per shard. */
static void trim_recent(nw_story_store *s, const nw_story_update *u, size_t n)
{
    unsigned touched = 0;
    long long oldest = 0;
    for (size_t i = 0; i < n; i++) {
        touched |= 1u << nw_recent_shard(u[i].story_id);
        oldest = i == 0 || u[i].active_ms < oldest ? u[i].active_ms : oldest;
    }
    char before[32];
    snprintf(before, sizeof before, "(%lld", oldest - s->window_ms);
    for (unsigned k = 0; k < NW_RECENT_SHARDS; k++) {
        if (touched & 1u << k) {
            char key[96];
            nw_key_recent(key, sizeof key, s->prefix, k);
            append(s, 4, (const char *[]){"ZREMRANGEBYSCORE", key, "-inf", before});
        }
    }
}

/* A story's four keys: its hash and its docs, sources and merged-from sets. */
typedef struct story_keys {
    char hash[400], docs[410], src[410], merged[410];
} story_keys;

static void keys_of(const nw_story_store *s, const char *story, story_keys *k)
{
    nw_key_story(k->hash, sizeof k->hash, s->prefix, story, NULL);
    nw_key_story(k->docs, sizeof k->docs, s->prefix, story, "docs");
    nw_key_story(k->src, sizeof k->src, s->prefix, story, "src");
    nw_key_story(k->merged, sizeof k->merged, s->prefix, story, "merged");
}

/* Sends one article's commands, keeping the tickets of the replies its view needs. joined:
 * per merged story, its sources as read before this round. */
static void send_one(nw_story_store *s, const nw_story_update *u, redisReply *const *joined,
                     story_replies *got)
{
    story_keys k;
    keys_of(s, u->story_id, &k);
    if (u->nmerged) {
        const char *av[2 + NW_STORY_MAX_MERGED] = {"SADD", k.merged};
        size_t n = u->nmerged < NW_STORY_MAX_MERGED ? u->nmerged : NW_STORY_MAX_MERGED;
        for (size_t i = 0; i < n; i++) {
            av[2 + i] = u->merged[i];
        }
        nw_redis_append(s->r, (int)(2 + n), av, NULL);
        append(s, 3, (const char *[]){"EXPIRE", k.merged, s->ttl});
        /* a joined story's sources are this story's now (its articles' records are revised
         * without their sources); copied member by member, as the two stories' keys may live
         * on different Redis Cluster nodes (no SUNIONSTORE across slots) */
        for (size_t i = 0; i < n; i++) {
            add_members(s, k.src, joined[i]);
        }
    }
    const char *src = u->source && *u->source ? u->source : "(unknown)";
    append(s, 3, (const char *[]){"SADD", k.docs, u->doc_id});
    append(s, 3, (const char *[]){"EXPIRE", k.docs, s->ttl});
    if (u->revision) { /* a decision changed: no source to add, first and last stand */
        append(s, 3, (const char *[]){"EXPIRE", k.src, s->ttl});
    } else {
        append(s, 3, (const char *[]){"SADD", k.src, src});
    }
    append(s, 3, (const char *[]){"EXPIRE", k.src, s->ttl});
    const char *sargv[] = {k.hash,
                           u->doc_id,
                           u->first_seen,
                           u->headline ? u->headline : "",
                           u->agency ? u->agency : "",
                           s->ttl};
    size_t slens[6];
    for (int i = 0; i < 6; i++) {
        slens[i] = strlen(sargv[i]);
    }
    got->ticket[R_HASH] = u->revision
                              ? append(s, 2, (const char *[]){"HGETALL", k.hash})
                              : nw_redis_append_evalsha(s->r, s->script, 1, 6, sargv, slens);
    got->ticket[R_SIZE] = append(s, 2, (const char *[]){"SCARD", k.docs});
    got->ticket[R_SOURCES] = append(s, 2, (const char *[]){"SMEMBERS", k.src});
    got->ticket[R_MERGED] = append(s, 2, (const char *[]){"SMEMBERS", k.merged});
    got->ticket[R_MEMBERS] = -1;
    mark_active(s, u);
}

static int read_one(const story_replies *got, nw_story_view *v, nw_err *err)
{
    redisReply *const *r = got->rep;
    memset(v, 0, sizeof *v);
    if (r[R_HASH]->type != REDIS_REPLY_ARRAY || r[R_SIZE]->type != REDIS_REPLY_INTEGER ||
        r[R_SOURCES]->type != REDIS_REPLY_ARRAY || r[R_MERGED]->type != REDIS_REPLY_ARRAY) {
        return nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply to the story update");
    }
    for (size_t i = 0; i < r[R_MERGED]->elements && v->nmerged < NW_STORY_MAX_MERGED; i++) {
        v->merged[v->nmerged++] = r[R_MERGED]->element[i]->str;
    }
    qsort(v->merged, v->nmerged, sizeof *v->merged, cmp_str);
    read_hash(r[R_HASH], v);
    v->size = r[R_SIZE]->integer;
    for (size_t i = 0; i < r[R_SOURCES]->elements && v->nsources < NW_STORY_MAX_SOURCES; i++) {
        v->sources[v->nsources++] = r[R_SOURCES]->element[i]->str;
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
            nw_key_story(other, sizeof other, s->prefix, u[i].merged[j], "src");
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

/* Story i's replies, taken by their tickets (R_MEMBERS only when it was asked for). */
static void take_replies(nw_story_store *s, size_t i)
{
    for (int k = 0; k < R_COUNT; k++) {
        long t = s->got[i].ticket[k];
        s->got[i].rep[k] = t >= 0 ? nw_redis_take(s->r, t) : NULL;
    }
    s->ngot = i + 1;
}

/* A round for n stories: the last replies freed, room for n, the Redis layer connected. */
static int begin(nw_story_store *s, size_t n, nw_err *err)
{
    release(s);
    if (nw_array_reserve((void **)&s->got, &s->got_cap, n, sizeof *s->got) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    return nw_redis_connect(s->r, err);
}

int nw_story_store_update(nw_story_store *s, const nw_story_update *u, nw_story_view *v, size_t n,
                          nw_err *err)
{
    if (!n) {
        release(s);
        return NW_OK;
    }
    int rc = begin(s, n, err);
    if (rc != NW_OK) {
        return rc;
    }
    double t0 = nw_now_seconds();
    rc = read_merged_sources(s, u, n, err);
    if (rc != NW_OK) {
        return rc;
    }
    for (size_t i = 0, m = 0; i < n; i++) {
        send_one(s, &u[i], s->src + m, &s->got[i]);
        m += merged_count(&u[i]);
    }
    trim_recent(s, u, n);
    rc = nw_redis_exec_all(s->r, "story update", err);
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        take_replies(s, i);
        rc = read_one(&s->got[i], &v[i], err);
    }
    return rc;
}

static int cmp_recent(const void *pa, const void *pb)
{
    const nw_story_recent *a = pa, *b = pb;
    if (a->active_ms != b->active_ms) {
        return a->active_ms > b->active_ms ? -1 : 1;
    }
    return strcmp(a->story_id, b->story_id);
}

/* The members' ids, sorted, into the shared list; NW_E_NOMEM when it cannot grow. */
static int take_members(nw_story_store *s, const redisReply *set, size_t *used, nw_story_view *v)
{
    size_t n = set && set->type == REDIS_REPLY_ARRAY ? set->elements : 0;
    if (nw_array_reserve((void **)&s->members, &s->members_cap, *used + n + 1,
                         sizeof *s->members) != NW_OK) {
        return NW_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        s->members[*used + i] = set->element[i]->str;
    }
    qsort(s->members + *used, n, sizeof *s->members, cmp_str);
    v->nmembers = n;
    *used += n;
    return NW_OK;
}

int nw_story_store_read(nw_story_store *s, const char *const *stories, size_t n, nw_story_view *v,
                        int members, nw_err *err)
{
    if (!n) {
        release(s);
        return NW_OK;
    }
    int rc = begin(s, n, err);
    if (rc != NW_OK) {
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        story_keys k;
        keys_of(s, stories[i], &k);
        long *t = s->got[i].ticket;
        t[R_HASH] = append(s, 2, (const char *[]){"HGETALL", k.hash});
        t[R_SIZE] = append(s, 2, (const char *[]){"SCARD", k.docs});
        t[R_SOURCES] = append(s, 2, (const char *[]){"SMEMBERS", k.src});
        t[R_MERGED] = append(s, 2, (const char *[]){"SMEMBERS", k.merged});
        t[R_MEMBERS] = members ? append(s, 2, (const char *[]){"SMEMBERS", k.docs}) : -1;
    }
    rc = nw_redis_exec_all(s->r, "reading stories", err);
    size_t used = 0;
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        take_replies(s, i);
        rc = read_one(&s->got[i], &v[i], err);
        if (rc == NW_OK && members &&
            take_members(s, s->got[i].rep[R_MEMBERS], &used, &v[i]) != NW_OK) {
            rc = nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
    }
    /* the lists are placed once the shared array stops moving */
    for (size_t i = 0, at = 0; i < n && rc == NW_OK && members; i++) {
        v[i].members = s->members + at;
        at += v[i].nmembers;
    }
    return rc;
}

int nw_story_store_recent(nw_story_store *s, long long since_ms, size_t limit,
                          const nw_story_recent **out, size_t *n, nw_err *err)
{
    release(s);
    *n = 0;
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    char min[24], count[24];
    snprintf(min, sizeof min, "%lld", since_ms);
    snprintf(count, sizeof count, "%zu", limit);
    long first = -1;
    for (unsigned k = 0; k < NW_RECENT_SHARDS; k++) {
        char key[96];
        nw_key_recent(key, sizeof key, s->prefix, k);
        long t = append(s, 8,
                        (const char *[]){"ZREVRANGEBYSCORE", key, "+inf", min, "WITHSCORES",
                                         "LIMIT", "0", count});
        first = first < 0 ? t : first;
    }
    rc = nw_redis_exec_all(s->r, "reading recent stories", err);
    size_t total = 0;
    for (unsigned k = 0; k < NW_RECENT_SHARDS && rc == NW_OK; k++) {
        s->recent[k] = nw_redis_take(s->r, first + (long)k);
        total += s->recent[k] && s->recent[k]->type == REDIS_REPLY_ARRAY
                     ? s->recent[k]->elements / 2
                     : 0;
    }
    if (rc == NW_OK &&
        nw_array_reserve((void **)&s->rec, &s->rec_cap, total + 1, sizeof *s->rec) != NW_OK) {
        rc = nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    for (unsigned k = 0; k < NW_RECENT_SHARDS && rc == NW_OK; k++) {
        const redisReply *r = s->recent[k];
        for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2) {
            s->rec[(*n)++] =
                (nw_story_recent){r->element[i]->str, strtoll(r->element[i + 1]->str, NULL, 10)};
        }
    }
    if (rc == NW_OK) {
        qsort(s->rec, *n, sizeof *s->rec, cmp_recent);
        *n = *n < limit ? *n : limit;
        *out = s->rec;
    }
    return rc;
}
