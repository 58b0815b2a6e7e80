/* sig_common.c - the store's side of common text (match/common_text.h): the counting sketch in
 * Redis and the marks it gives each short text's shingles. A document counts in the sketch
 * keys of its generation; a read sums this generation's and the last's. Once every candidate
 * of a round is measured, the counters of the documents with a related short-text candidate
 * are read in one more round trip (one BITFIELD GET per sketch key, each counter once; none
 * when no document needs them); the round's earlier non-duplicates are counted in memory, so a
 * batch decides as if its articles had come one at a time in publication order; the saved
 * non-duplicates are counted in Redis in one more round after the batch (a replay is never
 * saved again, so never counted twice). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/decimal.h"
#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "../core/sort_u32.h"
#include "../core/window.h"
#include "../match/common_text.h"
#include "sig_store_impl.h"

#define OPS_PER_COMMAND 512 /* BITFIELD operations per command at most */

static int on(const nw_store *s)
{
    return s->p.common_after > 0;
}

/* Sorts n counters ascending (a round has tens of thousands). */
static int sort_u32(nw_store *s, uint32_t *v, size_t n)
{
    uint32_t *tmp = nw_arena_alloc(&s->arena, (n ? n : 1) * sizeof *tmp);
    if (!tmp) {
        return NW_E_NOMEM;
    }
    nw_sort_u32(v, tmp, n, 0);
    return NW_OK;
}

/* Makes sure a sketch key this instance is about to count in exists at its full size: BITFIELD
 * grows a string to the offset it touches and then doubles its allocation, so keys grown by
 * increments took 160 KB for 64 KB of counters; a SET of the whole string allocates it
 * exactly (NW_COMMON_PER_KEY). Once a generation per key and instance (NX: whoever comes first
 * makes it), with its expiry once a minute. */
static int prepare_key(nw_store *s, const char *key, unsigned shard, int64_t gen)
{
    if (!s->zeros && !(s->zeros = calloc(1, (size_t)NW_COMMON_PER_KEY))) {
        return NW_E_NOMEM;
    }
    if (s->made_gen != gen) {
        memset(s->made, 0, (s->common_shards + 7) / 8);
        s->made_gen = gen;
    }
    char at[24];
    snprintf(at, sizeof at, "%" PRId64, nw_window_expire_at(gen, s->p.window_s));
    if (!(s->made[shard / 8] & (1u << (shard % 8)))) {
        s->made[shard / 8] |= (uint8_t)(1u << (shard % 8));
        const char *av[] = {"SET", key, s->zeros, "NX", "EXAT", at};
        size_t al[] = {3, strlen(key), (size_t)NW_COMMON_PER_KEY, 2, 4, strlen(at)};
        if (nw_redis_append(s->r, 6, av, al) < 0) {
            return NW_E_NOMEM;
        }
    }
    int due = nw_shard_expiry_due(&s->common_expiry, shard);
    const char *exp[] = {"EXPIREAT", key, at};
    if (due < 0 || (due && nw_redis_append(s->r, 3, exp, NULL) < 0)) {
        return NW_E_NOMEM;
    }
    return NW_OK;
}

/* Writes the decimal digits of v after 'prefix' (0 or 1 characters) to out; returns the length. */
static size_t put_number(char *out, const char *prefix, unsigned v)
{
    size_t n = *prefix ? 1 : 0;
    out[0] = *prefix;
    return n + nw_decimal(out + n, v);
}

/* Appends BITFIELD commands over sorted counters v[0..n) of generation gen's sketch: GETs, or
 * (counting) saturating INCRBYs, a counter listed k times adding k; one command per sketch key
 * and OPS_PER_COMMAND. Each GET command's first counter goes to 'firsts', to map its reply
 * back. */
static int append_bitfields(nw_store *s, const uint32_t *v, size_t n, int64_t gen, int counting,
                            size_t *firsts, size_t *ncommands)
{
    char off[OPS_PER_COMMAND][12], by[OPS_PER_COMMAND][4];
    const char *argv[4 + 4 * OPS_PER_COMMAND];
    size_t lens[4 + 4 * OPS_PER_COMMAND];
    char key[80];
    for (size_t i = 0; i < n;) {
        unsigned shard = v[i] / NW_COMMON_PER_KEY;
        nw_key_common(key, sizeof key, s->prefix, gen, shard);
        if (counting && prepare_key(s, key, shard, gen) != NW_OK) {
            return NW_E_NOMEM;
        }
#define ARG(str, len) (argv[argc] = (str), lens[argc++] = (len))
        int argc = 0;
        ARG("BITFIELD", 8);
        ARG(key, strlen(key));
        if (counting) {
            ARG("OVERFLOW", 8);
            ARG("SAT", 3);
        } else {
            firsts[*ncommands] = i;
        }
        size_t ops = 0;
        for (; i < n && ops < OPS_PER_COMMAND && v[i] / NW_COMMON_PER_KEY == shard; ops++) {
            size_t same = 1;
            while (counting && i + same < n && v[i + same] == v[i]) {
                same++;
            }
            ARG(counting ? "INCRBY" : "GET", counting ? 6 : 3);
            ARG("u8", 2);
            ARG(off[ops], put_number(off[ops], "#", v[i] % NW_COMMON_PER_KEY));
            if (counting) {
                ARG(by[ops], put_number(by[ops], "", same < 255 ? (unsigned)same : 255));
            }
            i += same;
        }
#undef ARG
        if (nw_redis_append(s->r, argc, argv, lens) < 0) {
            return NW_E_NOMEM;
        }
        ++*ncommands;
    }
    return NW_OK;
}

/* The index of counter 'slot' among the round's, or -1 (not read this round). A table, not a
 * search of the sorted counters: every value of every non-duplicate is looked up, and a binary
 * search's cache misses made that 4% of cluster's CPU. Slots are hashes: their low bits index. */
static long counter_index(const nw_store *s, uint32_t slot)
{
    if (!s->ncounters) {
        return -1; /* (the table may be an earlier round's) */
    }
    for (size_t i = slot & s->counter_mask;; i = (i + 1) & s->counter_mask) {
        uint32_t e = s->counter_table[i];
        if (!e || s->counters[e - 1] == slot) {
            return (long)e - 1;
        }
    }
}

/* The table of the round's m counters, at most half full. */
static int index_counters(nw_store *s, size_t m)
{
    size_t size = 16;
    while (size < 2 * m) {
        size *= 2;
    }
    s->counter_table = nw_arena_alloc(&s->arena, size * sizeof *s->counter_table);
    if (!s->counter_table) {
        return NW_E_NOMEM;
    }
    s->counter_mask = size - 1;
    for (size_t c = 0; c < m; c++) {
        size_t i = s->counters[c] & s->counter_mask;
        while (s->counter_table[i]) {
            i = (i + 1) & s->counter_mask;
        }
        s->counter_table[i] = (uint32_t)c + 1;
    }
    return NW_OK;
}

/* The anchor keys a document's common values are counted by: a short text's exact values', a
 * long text's anchors (its tops are their top halves). */
static size_t keys_of(const nw_store_doc *d, const uint32_t **keys)
{
    *keys = d->nexact ? d->exact_keys : d->anchors;
    return d->nexact ? d->nkeys : d->nanchors;
}

int nw_sig_send_common_reads(nw_store *s, const nw_store_doc *docs, int64_t now_ms)
{
    s->ncounters = s->ncounter_reads = 0;
    if (!on(s)) {
        return NW_OK;
    }
    size_t n = 0;
    const uint32_t *keys;
    for (size_t k = 0; k < s->nord; k++) {
        n += s->w[s->ord[k]].nchecks ? keys_of(&docs[s->ord[k]], &keys) : 0;
    }
    uint32_t *v = nw_arena_alloc(&s->arena, (n ? n : 1) * sizeof *v);
    if (!v) {
        return NW_E_NOMEM;
    }
    n = 0;
    for (size_t k = 0; k < s->nord; k++) {
        size_t nkeys = s->w[s->ord[k]].nchecks ? keys_of(&docs[s->ord[k]], &keys) : 0;
        for (size_t i = 0; i < nkeys; i++) {
            v[n++] = nw_common_slot(keys[i], s->p.common_log2);
        }
    }
    if (sort_u32(s, v, n) != NW_OK) {
        return NW_E_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m == 0 || v[m - 1] != v[i]) {
            v[m++] = v[i];
        }
    }
    s->counters = v;
    s->ncounters = m;
    s->counts = nw_arena_alloc(&s->arena, (m ? m : 1) * sizeof *s->counts);
    s->local = nw_arena_alloc(&s->arena, (m ? m : 1) * sizeof *s->local);
    s->read_firsts = nw_arena_alloc(&s->arena, 2 * (m ? m : 1) * sizeof *s->read_firsts);
    if (!s->counts || !s->local || !s->read_firsts || index_counters(s, m) != NW_OK) {
        return NW_E_NOMEM;
    }
    memset(s->counts, 0, m * sizeof *s->counts);
    memset(s->local, 0, m * sizeof *s->local);
    /* an article counts in its generation's keys: this generation's and the last's are read */
    int64_t gen = nw_window_gen(now_ms / 1000, s->p.window_s);
    for (int64_t g = gen - 1; g <= gen; g++) {
        if (append_bitfields(s, v, m, g, 0, s->read_firsts, &s->ncounter_reads) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    return NW_OK;
}

int nw_sig_read_common(nw_store *s, nw_err *err)
{
    for (size_t c = 0; c < s->ncounter_reads; c++) {
        redisReply *rep;
        int rc = nw_redis_reply(s->r, &rep, err);
        if (rc != NW_OK) {
            return rc;
        }
        size_t first = s->read_firsts[c];
        if (rep->type != REDIS_REPLY_ARRAY || first + rep->elements > s->ncounters) {
            rc = nw_err_set(err, NW_E_RETRY, "redis", "reading common-text counters: %s",
                            rep->type == REDIS_REPLY_ERROR ? rep->str : "not an array");
            freeReplyObject(rep);
            return rc;
        }
        for (size_t e = 0; e < rep->elements; e++) { /* (a nil: the key is not there) */
            long long count = nw_redis_reply_int(rep->element[e]);
            s->counts[first + e] += (uint16_t)(count > 0 ? count : 0);
        }
        freeReplyObject(rep);
    }
    return NW_OK;
}

const uint8_t *nw_sig_common_marks(const nw_store *s, const nw_store_doc *d, work *w)
{
    const uint32_t *keys;
    size_t nkeys = keys_of(d, &keys);
    if (!on(s) || !nkeys) {
        return NULL;
    }
    for (size_t i = 0, t = 0; !w->common_known && i < nkeys; i++) {
        long c = counter_index(s, nw_common_slot(keys[i], s->p.common_log2));
        unsigned count = c < 0 ? 0 : (unsigned)s->counts[c] + s->local[c];
        if (!d->nexact && t && w->tops[t - 1] == (uint16_t)(keys[i] >> 16)) {
            w->common[t - 1] |= count >= s->p.common_after; /* two anchors, one top half */
            continue;
        }
        w->common[t++] = count >= s->p.common_after;
    }
    w->common_known = 1;
    return w->common;
}

void nw_sig_count_local(nw_store *s, const nw_store_doc *d, const work *w)
{
    if (!on(s) || w->dec.dup_of >= 0 || !s->ncounters) { /* (no counter read: none to count) */
        return;
    }
    for (size_t i = 0; i < d->nkeys; i++) {
        long c = counter_index(s, nw_common_slot(d->exact_keys[i], s->p.common_log2));
        if (c >= 0 && s->local[c] < UINT16_MAX) {
            s->local[c]++;
        }
    }
}

int nw_sig_count_common(nw_store *s, const nw_store_doc *docs, size_t n, int64_t now_ms,
                        nw_err *err)
{
    if (!on(s)) {
        return NW_OK;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += s->w[i].counted ? docs[i].nkeys : 0;
    }
    if (!total) {
        return NW_OK;
    }
    uint32_t *v = nw_arena_alloc(&s->arena, total * sizeof *v);
    if (!v) {
        return NW_E_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; s->w[i].counted && k < docs[i].nkeys; k++) {
            v[m++] = nw_common_slot(docs[i].exact_keys[k], s->p.common_log2);
        }
    }
    if (sort_u32(s, v, m) != NW_OK) {
        return NW_E_NOMEM;
    }
    int64_t gen = nw_window_gen(now_ms / 1000, s->p.window_s);
    nw_shard_expiry_begin(&s->common_expiry, gen, nw_now_seconds());
    size_t ncommands = 0;
    if (append_bitfields(s, v, m, gen, 1, NULL, &ncommands) != NW_OK) {
        return NW_E_NOMEM;
    }
    int rc = nw_redis_exec_all(s->r, "counting common text", err);
    if (rc != NW_OK) {
        nw_shard_expiry_forget(&s->common_expiry); /* an EXPIREAT or a SET may not have run */
        s->made_gen = -1;
    }
    return rc;
}
