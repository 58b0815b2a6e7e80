/* sig_layout.c - where bucket entries live. Since 2026-12-04 one sorted set per shard holds a
 * bucket's entries of this window generation and the last, each ending in its generation's
 * byte (sketch/lsh.h): one range read per bucket instead of one per generation. What that
 * needs: a sweep, once a generation per shard key, of the entries of older generations (the
 * key lives on while it is written to), and, for one window after an upgrade, reading the
 * sorted sets of the old layout (one per generation and shard) too, so the documents stored
 * before it are still found. A marker key says since when the layout is written, and whether
 * the old one was written before: neither is needed in the first two generations of a store
 * that began with this layout. The marker lives two windows, renewed in every generation a
 * store writes in: when it expires, every bucket has expired too, and the next store begins
 * afresh. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "../core/window.h"
#include "sig_store_impl.h"

/* KEYS[1] a shard key; ARGV the generation bytes to keep (this generation's and the last's).
 * Members are removed in slices: unpack() takes a few thousand arguments at most. */
const char nw_sig_sweep_lua[] =
    "local keep, last = tonumber(ARGV[1]), tonumber(ARGV[2]) "
    "local dead = {} "
    "for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do "
    "  local g = string.byte(m, -1) "
    "  if g ~= keep and g ~= last then "
    "    dead[#dead + 1] = m "
    "    if #dead == 512 then redis.call('ZREM', KEYS[1], unpack(dead)) dead = {} end "
    "  end "
    "end "
    "if #dead > 0 then redis.call('ZREM', KEYS[1], unpack(dead)) end "
    "return 0";

int nw_sig_reads_old_layout(const nw_store *s)
{
    return s->layout_after_old && s->gen <= s->layout_since + 1;
}

int nw_sig_sweeps(const nw_store *s)
{
    return s->gen >= s->layout_since + 2;
}

void nw_sig_append_sweep(nw_store *s, const char *key, int64_t gen)
{
    char keep[8], last[8];
    snprintf(keep, sizeof keep, "%u", (unsigned)(gen & 0xFF));
    snprintf(last, sizeof last, "%u", (unsigned)((gen - 1) & 0xFF));
    const char *av[] = {key, keep, last};
    nw_redis_append_evalsha(s->r, s->sweep, 1, 3, av, NULL);
}

static void read_marker(nw_store *s, const char *value)
{
    char *end;
    s->layout_since = strtoll(value, &end, 10);
    s->layout_after_old = *end == ' ' && end[1] == '1';
}

/* The marker, "<generation> <0|1>": the generation the layout was first written in, and
 * whether an older nearwire had counted documents in it or the last (so the old layout's keys
 * may hold entries until the end of the next). The first store to run on a Redis sets it. A
 * query (nw_store_query) reads it, sets nothing. */
int nw_sig_check_layout(nw_store *s, int64_t now_ms, nw_err *err)
{
    if (s->layout_known) {
        return NW_OK;
    }
    int64_t gen = nw_window_gen(now_ms / 1000, s->p.window_s);
    char marker[80], cur[80], prev[80];
    nw_key_bucket_layout(marker, sizeof marker, s->prefix);
    nw_key_inserted(cur, sizeof cur, s->prefix, gen);
    nw_key_inserted(prev, sizeof prev, s->prefix, gen - 1);
    long t_marker = nw_redis_append(s->r, 2, (const char *[]){"GET", marker}, NULL);
    long t_cur = nw_redis_append(s->r, 2, (const char *[]){"EXISTS", cur}, NULL);
    long t_prev = nw_redis_append(s->r, 2, (const char *[]){"EXISTS", prev}, NULL);
    if (t_marker < 0 || t_cur < 0 || t_prev < 0) {
        return NW_E_NOMEM;
    }
    int rc = nw_redis_exec_all(s->r, "reading the bucket layout", err);
    if (rc != NW_OK) {
        return rc;
    }
    const redisReply *m = nw_redis_at(s->r, t_marker);
    if (m->type == REDIS_REPLY_STRING) {
        read_marker(s, m->str);
        s->layout_known = 1;
        return NW_OK;
    }
    s->layout_since = gen;
    s->layout_after_old = nw_redis_reply_int(nw_redis_at(s->r, t_cur)) ||
                          nw_redis_reply_int(nw_redis_at(s->r, t_prev));
    if (!s->dry) { /* of two stores setting it at once, the first one's value stands */
        char value[32], ttl[24];
        snprintf(value, sizeof value, "%" PRId64 " %d", gen, s->layout_after_old);
        snprintf(ttl, sizeof ttl, "%lld", 2 * s->p.window_s);
        long t = nw_redis_append(
            s->r, 7, (const char *[]){"SET", marker, value, "NX", "GET", "EX", ttl}, NULL);
        if (t < 0) {
            return NW_E_NOMEM;
        }
        if ((rc = nw_redis_exec_all(s->r, "setting the bucket layout", err)) != NW_OK) {
            return rc;
        }
        const redisReply *won = nw_redis_at(s->r, t);
        if (won->type == REDIS_REPLY_STRING) {
            read_marker(s, won->str);
        }
    }
    s->layout_known = 1;
    s->marker_gen = gen;
    return NW_OK;
}

void nw_sig_renew_marker(nw_store *s)
{
    if (s->dry || s->gen == s->marker_gen) {
        return;
    }
    char marker[80], ttl[24];
    nw_key_bucket_layout(marker, sizeof marker, s->prefix);
    snprintf(ttl, sizeof ttl, "%lld", 2 * s->p.window_s);
    nw_redis_append(s->r, 3, (const char *[]){"EXPIRE", marker, ttl}, NULL);
    s->marker_gen = s->gen;
}
