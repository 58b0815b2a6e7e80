/* story_store.c - one pipelined round trip per batch of articles: for each, the single-key
 * script that adds the article, its source and the stories it joined to the story's hash and
 * keeps first/last, then an HGETALL of the hash. A batch that joins stories reads the joined
 * stories' sources in a round before. Every command names one key, so it runs on Redis Cluster. */
#include "story_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "metrics.h"
#include "redis_client.h"

/* ARGV: doc id, first_seen, headline, agency, ttl, source ("" for a revision: the article
 * joined late, so it brings no source and first and last stand), then the stories it joined.
 * Members, sources and joined stories are fields "d:<id>", "s:<source>", "m:<story>" with
 * empty values. Keeps the earliest article as first and the latest as last; last_id and
 * last_seen are written only once they differ from first (most stories are one article).
 * One key, so it runs on Redis Cluster too. The hash is read by an HGETALL behind it, not
 * returned: a script's reply goes through Lua tables element by element, which made the
 * script enrich's costliest command on Redis (24 us an article). */
static const char story_lua[] =
    "local k = KEYS[1] "
    "redis.call('HSET', k, 'd:' .. ARGV[1], '') "
    "for i = 7, #ARGV do redis.call('HSET', k, 'm:' .. ARGV[i], '') end "
    "if ARGV[6] ~= '' then "
    "  redis.call('HSET', k, 's:' .. ARGV[6], '') "
    "  local fs = redis.call('HGET', k, 'first_seen') "
    "  local last = redis.call('HGET', k, 'last_seen') "
    "  local ls = last or fs "
    "  if (not fs) or ARGV[2] < fs or (ARGV[2] == fs and "
    "      ARGV[1] < redis.call('HGET', k, 'first_id')) then "
    "    if fs and not last then "
    "      redis.call('HSET', k, 'last_id', redis.call('HGET', k, 'first_id'), 'last_seen', fs) "
    "    end "
    "    redis.call('HSET', k, 'first_id', ARGV[1], 'first_seen', ARGV[2], "
    "               'headline', ARGV[3], 'agency', ARGV[4]) "
    "  end "
    "  if ls and ARGV[2] >= ls then "
    "    redis.call('HSET', k, 'last_id', ARGV[1], 'last_seen', ARGV[2]) "
    "  end "
    "end "
    "redis.call('EXPIRE', k, ARGV[5]) "
    "return 1";

struct nw_story_store {
    nw_redis *r;
    int script;
    char prefix[64];
    char ttl[24];
    redisReply **got; /* per story of the last batch or read: its hash; the views point in */
    size_t ngot, got_cap;
    long *tickets; /* per story of the round: its hash's ticket */
    size_t tickets_cap;
    redisReply **src; /* the last batch's joined stories' fields, read before its round */
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

static void free_replies(redisReply **rep, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        if (rep[i]) {
            freeReplyObject(rep[i]);
        }
    }
    *n = 0;
}

static void release(nw_story_store *s)
{
    free_replies(s->got, &s->ngot);
    free_replies(s->src, &s->nsrc);
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
        free(s->tickets);
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

/* A field "<kind>:<rest>": rest, else NULL. */
static const char *part_of(const redisReply *field, char kind)
{
    return field->len > 2 && field->str[0] == kind && field->str[1] == ':' ? field->str + 2 : NULL;
}

/* The hash's fields into the view: first and last, members counted, sources and joined
 * stories listed (up to their caps, sorted); the members' ids too when asked for. */
static void read_hash(const redisReply *h, nw_story_view *v, const char **members)
{
    for (size_t i = 0; i + 1 < h->elements; i += 2) {
        const redisReply *f = h->element[i];
        const char *k = f->str, *val = h->element[i + 1]->str, *part;
        if ((part = part_of(f, 'd'))) {
            if (members) {
                members[v->size] = part;
            }
            v->size++;
        } else if ((part = part_of(f, 's'))) {
            if (v->nsources < NW_STORY_MAX_SOURCES) {
                v->sources[v->nsources++] = part;
            }
        } else if ((part = part_of(f, 'm'))) {
            if (v->nmerged < NW_STORY_MAX_MERGED) {
                v->merged[v->nmerged++] = part;
            }
        } else if (!strcmp(k, "first_id")) {
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
    if (!v->last_id) { /* one article so far, or all at one moment: last is first */
        v->last_id = v->first_id;
        v->last_seen = v->first_seen;
    }
    qsort(v->sources, v->nsources, sizeof *v->sources, cmp_str);
    qsort(v->merged, v->nmerged, sizeof *v->merged, cmp_str);
}

/* HSET of a joined story's sources (the "s:" fields of its hash) into key, in chunks. */
static void add_sources(nw_story_store *s, const char *key, const redisReply *joined)
{
    enum { CHUNK = 128 };
    const char *av[2 + 2 * CHUNK] = {"HSET", key};
    size_t ac = 2;
    for (size_t i = 0; joined && joined->type == REDIS_REPLY_ARRAY && i < joined->elements; i++) {
        const redisReply *f = joined->element[i];
        if (part_of(f, 's')) {
            av[ac++] = f->str;
            av[ac++] = "";
        }
        if (ac == 2 + 2 * CHUNK || (ac > 2 && i + 1 == joined->elements)) {
            nw_redis_append(s->r, (int)ac, av, NULL);
            ac = 2;
        }
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

static size_t merged_count(const nw_story_update *u)
{
    return u->nmerged < NW_STORY_MAX_MERGED ? u->nmerged : NW_STORY_MAX_MERGED;
}

/* Sends one article's commands; the ticket of the reply its view is read from. joined: per
 * merged story, its hash's fields as read before this round. */
static long send_one(nw_story_store *s, const nw_story_update *u, redisReply *const *joined)
{
    char key[400];
    nw_key_story(key, sizeof key, s->prefix, u->story_id);
    size_t nm = merged_count(u);
    /* a joined story's sources are this story's now (its articles' records are revised
     * without their sources); copied field by field, as the two stories' keys may live on
     * different Redis Cluster nodes */
    for (size_t i = 0; i < nm; i++) {
        add_sources(s, key, joined[i]);
    }
    const char *src = u->revision ? "" : u->source && *u->source ? u->source : "(unknown)";
    const char *argv[7 + NW_STORY_MAX_MERGED] = {key,
                                                 u->doc_id,
                                                 u->first_seen,
                                                 u->headline ? u->headline : "",
                                                 u->agency ? u->agency : "",
                                                 s->ttl,
                                                 src};
    for (size_t i = 0; i < nm; i++) {
        argv[7 + i] = u->merged[i];
    }
    size_t lens[7 + NW_STORY_MAX_MERGED];
    for (size_t i = 0; i < 7 + nm; i++) {
        lens[i] = strlen(argv[i]);
    }
    if (nw_redis_append_evalsha(s->r, s->script, 1, (int)(7 + nm), argv, lens) < 0) {
        return -1;
    }
    /* right behind it on the same connection (one key: one node): the hash with this article
     * in it, and with whatever another instance added meanwhile */
    long t = append(s, 2, (const char *[]){"HGETALL", key});
    mark_active(s, u);
    return t;
}

/* The fields of every story an article of the batch joins: a round of its own, only in the
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
            char other[400];
            nw_key_story(other, sizeof other, s->prefix, u[i].merged[j]);
            append(s, 2, (const char *[]){"HKEYS", other});
        }
    }
    int rc = NW_OK;
    for (s->nsrc = 0; s->nsrc < total && rc == NW_OK; s->nsrc++) {
        s->src[s->nsrc] = NULL;
        rc = nw_redis_reply(s->r, &s->src[s->nsrc], err);
    }
    return rc;
}

/* Story i's hash by its ticket, into its view (with its members' ids when members is not
 * NULL: room for all of them). */
static int take_view(nw_story_store *s, size_t i, long ticket, nw_story_view *v,
                     const char **members, nw_err *err)
{
    s->got[i] = nw_redis_take(s->r, ticket);
    s->ngot = i + 1;
    memset(v, 0, sizeof *v);
    const redisReply *h = s->got[i];
    if (!h || h->type != REDIS_REPLY_ARRAY) {
        return nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply to the story update: %s",
                          h && h->type == REDIS_REPLY_ERROR ? h->str : "not a hash");
    }
    read_hash(s->got[i], v, members);
    return NW_OK;
}

/* A round for n stories: the last replies freed, room for n, the Redis layer connected. */
static int begin(nw_story_store *s, size_t n, nw_err *err)
{
    release(s);
    if (nw_array_reserve((void **)&s->got, &s->got_cap, n, sizeof *s->got) != NW_OK ||
        nw_array_reserve((void **)&s->tickets, &s->tickets_cap, n, sizeof *s->tickets) != NW_OK) {
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
        s->tickets[i] = send_one(s, &u[i], s->src + m);
        m += merged_count(&u[i]);
    }
    trim_recent(s, u, n);
    rc = nw_redis_exec_all(s->r, "story update", err);
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        rc = take_view(s, i, s->tickets[i], &v[i], NULL, err);
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
        char key[400];
        nw_key_story(key, sizeof key, s->prefix, stories[i]);
        s->tickets[i] = append(s, 2, (const char *[]){"HGETALL", key});
    }
    rc = nw_redis_exec_all(s->r, "reading stories", err);
    size_t total = 0; /* room for the members: at most every field of every hash */
    for (size_t i = 0; i < n && rc == NW_OK && members; i++) {
        const redisReply *h = nw_redis_at(s->r, s->tickets[i]);
        total += h && h->type == REDIS_REPLY_ARRAY ? h->elements / 2 : 0;
    }
    if (rc == NW_OK && members &&
        nw_array_reserve((void **)&s->members, &s->members_cap, total + 1, sizeof *s->members) !=
            NW_OK) {
        rc = nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    for (size_t i = 0, at = 0; i < n && rc == NW_OK; i++) {
        rc = take_view(s, i, s->tickets[i], &v[i], members ? s->members + at : NULL, err);
        if (rc == NW_OK && members) {
            v[i].members = s->members + at;
            v[i].nmembers = (size_t)v[i].size;
            qsort(v[i].members, v[i].nmembers, sizeof *v[i].members, cmp_str);
            at += v[i].nmembers;
        }
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
