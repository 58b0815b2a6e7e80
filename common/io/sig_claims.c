/* sig_claims.c - phase 1 of a batch: per document SET NX GET on its record (a claim, a replay
 * or a collision), then per band and per anchor ZADD, EXPIREAT and one ZRANGEBYLEX of its
 * bucket (this generation's entries and the last's, sig_layout.c); the neighbours found, one
 * entry each with the buckets they share; and, since documents of one batch add in sending
 * order, each hit on a batch document made mutual. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/nw_error.h"
#include "../core/window.h"
#include "../match/order.h"
#include "../sketch/lsh.h"
#include "sig_store_impl.h"

/* The replies phase 1 reads, in the order it reads them: per pending document its claim,
 * then per entry its bucket (and, for a window after an upgrade, the old layout's two). */
static int keep_ticket(nw_store *s, long ticket)
{
    if (ticket < 0 || nw_array_reserve((void **)&s->tickets, &s->ticket_cap, s->nticket + 1,
                                       sizeof *s->tickets) != NW_OK) {
        return NW_E_NOMEM;
    }
    s->tickets[s->nticket++] = ticket;
    return NW_OK;
}

/* An entry added to its shard key: the key's expiry set once a minute, and once a generation
 * the key swept of older generations' entries. */
static int add_entry(nw_store *s, const char *key, unsigned shard, const unsigned char *m,
                     const char *expire_at)
{
    const char *zadd[] = {"ZADD", key, "0", (const char *)m};
    size_t zl[] = {4, strlen(key), 1, NW_LSH_ENTRY};
    nw_redis_append(s->r, 4, zadd, zl);
    int sweep = nw_sig_sweeps(s) ? nw_shard_expiry_due(&s->swept, shard) : 0;
    int due = nw_shard_expiry_due(&s->expiry, shard);
    if (sweep < 0 || due < 0) {
        return NW_E_NOMEM;
    }
    if (sweep) {
        nw_sig_append_sweep(s, key, s->gen);
    }
    if (due) {
        const char *exp[] = {"EXPIREAT", key, expire_at};
        nw_redis_append(s->r, 3, exp, NULL);
    }
    return NW_OK;
}

/* A read of the bucket entry m names: its range in a shard key of entries of 'len' bytes. */
static int read_bucket(nw_store *s, const char *key, const unsigned char *m, size_t len,
                       const char *limit)
{
    unsigned char lo[1 + NW_LSH_BUCKET], hi[1 + NW_LSH_ENTRY];
    lo[0] = hi[0] = '[';
    memcpy(lo + 1, m, NW_LSH_BUCKET);
    memcpy(hi + 1, m, NW_LSH_BUCKET);
    memset(hi + 1 + NW_LSH_BUCKET, 0xFF, len - NW_LSH_BUCKET);
    const char *rng[] = {"ZRANGEBYLEX", key,  (const char *)lo, (const char *)hi, "LIMIT",
                         "0",           limit};
    size_t rl[] = {11, strlen(key), sizeof lo, 1 + len, 5, 1, strlen(limit)};
    return keep_ticket(s, nw_redis_append(s->r, 7, rng, rl));
}

/* Phase 1, sending: the claim-and-write of the record, then every band's and anchor's bucket:
 * add to its shard key, read it. */
int nw_sig_send_claims(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms)
{
    int64_t gen = s->gen = nw_window_gen(now_ms / 1000, s->p.window_s);
    int old = nw_sig_reads_old_layout(s);
    char expire_at[24], limit[16], anchor_limit[16];
    snprintf(expire_at, sizeof expire_at, "%" PRId64, nw_window_expire_at(gen, s->p.window_s));
    snprintf(limit, sizeof limit, "%u", s->p.bucket_limit);
    /* one more than an anchor may have: a fuller bucket is common text (see read_entry) */
    snprintf(anchor_limit, sizeof anchor_limit, "%u", s->p.anchor_df_max + 1);
    s->nticket = 0;
    nw_shard_expiry_begin(&s->expiry, gen, nw_now_seconds());
    nw_shard_expiry_begin_generation(&s->swept, gen);
    nw_sig_renew_marker(s);
    for (size_t i = 0; i < n; i++) {
        work *w = &s->w[i];
        nw_store_doc *d = &docs[i];
        if (!w->pending) {
            continue;
        }
        w->revision = 0;
        w->moved_story = NULL;
        w->first_seen_ms = now_ms;
        w->order_ms = nw_order_time(d->has_published, d->published_ms, now_ms, s->p.clock_skew_ms);
        nw_sig_record *r = nw_sig_head_record(s, d, w);
        nw_buf_reset(&w->blob);
        if (!r || nw_sig_record_encode(r, &w->blob) != NW_OK) {
            return NW_E_NOMEM;
        }
        char rkey[64];
        nw_sig_record_key(s, rkey, sizeof rkey, w->h);
        const char *av[] = {"SET", rkey, w->blob.data, "NX", "GET", "EX", s->ttl};
        size_t al[] = {3, strlen(rkey), w->blob.len, 2, 3, 2, strlen(s->ttl)};
        if (!s->dry && keep_ticket(s, nw_redis_append(s->r, 7, av, al)) != NW_OK) {
            return NW_E_NOMEM;
        }
        unsigned entries = nw_sig_entries(s, d);
        for (unsigned e = 0; e < entries; e++) {
            unsigned band;
            uint32_t value = nw_sig_entry(s, d, e, &band);
            unsigned char m[NW_LSH_ENTRY];
            nw_lsh_entry(band, value, w->h, gen, m);
            unsigned shard = nw_lsh_shard(m, s->p.shards);
            char key[80];
            nw_sig_shard_key(s, key, sizeof key, shard);
            /* score 0 for all: ZRANGEBYLEX is only defined over equal scores; a query adds
             * nothing */
            if (!s->dry && add_entry(s, key, shard, m, expire_at) != NW_OK) {
                return NW_E_NOMEM;
            }
            const char *lim = band == NW_LSH_ANCHOR_BAND ? anchor_limit : limit;
            if (read_bucket(s, key, m, NW_LSH_ENTRY, lim) != NW_OK) {
                return NW_E_NOMEM;
            }
            for (int g = 0; old && g < 2; g++) {
                nw_sig_old_shard_key(s, key, sizeof key, gen - g, shard);
                if (read_bucket(s, key, m, NW_LSH_ENTRY_OLD, lim) != NW_OK) {
                    return NW_E_NOMEM;
                }
            }
        }
    }
    return NW_OK;
}

static int add_hit(work *w, uint64_t h, unsigned band, uint32_t value, int gen)
{
    if (nw_array_reserve((void **)&w->hits, &w->hcap, w->nhits + 1, sizeof *w->hits) != NW_OK) {
        return NW_E_NOMEM;
    }
    w->hits[w->nhits++] = (hit){h, 1, band, value, gen};
    return NW_OK;
}

/* Whether a bucket read's member is an entry of the window (not of an older generation its
 * shard key was not yet swept of). */
static int live_member(const nw_store *s, const redisReply *m)
{
    return nw_lsh_entry_live((const unsigned char *)m->str, m->len, s->gen);
}

/* One entry's bucket reads (its shard key; in a window after an upgrade also the old
 * layout's two): their members of the window become hits. An anchor's bucket with more than
 * anchor_df_max documents holds a shingle that many articles share (a stock phrase, a site's
 * footer): no evidence that any two of them are related, so it names no candidates. */
static int read_entry(nw_store *s, work *w, unsigned band, uint32_t value,
                      const redisReply *const *bucket, int nreads)
{
    size_t members = 0; /* an anchor's documents in the window; a band's are not counted */
    for (int g = 0; band == NW_LSH_ANCHOR_BAND && g < nreads; g++) {
        for (size_t e = 0; bucket[g]->type == REDIS_REPLY_ARRAY && e < bucket[g]->elements; e++) {
            members += (size_t)live_member(s, bucket[g]->element[e]);
        }
    }
    int common = members > s->p.anchor_df_max;
    for (int g = 0; g < nreads && !common; g++) {
        for (size_t e = 0; bucket[g]->type == REDIS_REPLY_ARRAY && e < bucket[g]->elements; e++) {
            const redisReply *m = bucket[g]->element[e];
            const unsigned char *entry = (const unsigned char *)m->str;
            uint64_t h = nw_lsh_entry_doc(entry, m->len);
            if (h && h != w->h && live_member(s, m) &&
                add_hit(w, h, band, value, nw_lsh_entry_gen(entry, m->len)) != NW_OK) {
                return NW_E_NOMEM;
            }
        }
    }
    return NW_OK;
}

static int cmp_hit_h(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    return (x->h > y->h) - (x->h < y->h);
}

/* One entry per neighbour, counting the bands it shares; sorted by h. */
static void merge_hits(work *w)
{
    if (w->nhits > 1) {
        qsort(w->hits, w->nhits, sizeof *w->hits, cmp_hit_h);
    }
    size_t n = 0;
    for (size_t i = 0; i < w->nhits; i++) {
        if (n && w->hits[n - 1].h == w->hits[i].h) {
            w->hits[n - 1].hits++;
        } else if (n < MAX_HITS) {
            w->hits[n++] = w->hits[i];
        }
    }
    w->nhits = w->nsorted = n;
}

/* The record a document's SET NX GET found: a replay, its own unfinished claim (an earlier
 * attempt, or one a reviser poked), or a 64-bit hash collision with another id. */
static int take_existing(nw_store *s, nw_store_doc *d, work *w, const redisReply *rep, nw_err *err)
{
    const nw_sig_record *r = nw_sig_keep_record(s, rep->str, rep->len);
    if (!r) {
        return nw_err_set(err, NW_E_RETRY, "store_corrupt", "unreadable record for %s", d->doc_id);
    }
    if (r->id.len != strlen(d->doc_id) || memcmp(r->id.p, d->doc_id, r->id.len) != 0) {
        d->collision = 1;
        w->pending = 0;
    } else if (r->decided) {
        d->replay = 1;
        d->rec = r;
        w->pending = 0;
        /* the same id with other content: answered as a replay all the same (an id is one
         * article), but said so */
        d->conflict = r->shingles != d->shingles || memcmp(r->sig, w->sig8, NW_MINHASH_BINS) != 0;
    } else {
        w->revision = r->revision;
        w->first_seen_ms = r->first_seen_ms;
        w->order_ms = r->order_ms;
        nw_buf_reset(&w->blob);
        if (nw_buf_append(&w->blob, rep->str, rep->len) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    return NW_OK;
}

/* Phase 1, reading: the replies the tickets name, in the order they were kept. */
int nw_sig_read_claims(nw_store *s, nw_store_doc *docs, size_t n, nw_err *err)
{
    if (!s->nticket) { /* nothing was sent: no round to read */
        return NW_OK;
    }
    /* a claim, bucket add, expiry or read refused: the batch is retried */
    int rc = nw_redis_exec_all(s->r, "claiming", err);
    size_t t = 0;
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        work *w = &s->w[i];
        nw_store_doc *d = &docs[i];
        if (!w->pending) {
            continue;
        }
        /* a query claims nothing: it reads as a document never seen */
        const redisReply *claim = s->dry ? NULL : nw_redis_at(s->r, s->tickets[t++]);
        w->nhits = 0;
        w->fresh = !claim || claim->type == REDIS_REPLY_NIL;
        if (claim && claim->type == REDIS_REPLY_STRING) {
            rc = take_existing(s, d, w, claim, err);
        } else if (!w->fresh) {
            rc = nw_err_set(err, NW_E_RETRY, "redis", "unexpected reply to SET NX GET");
        }
        unsigned entries = nw_sig_entries(s, d);
        int nreads = nw_sig_reads_old_layout(s) ? 3 : 1;
        for (unsigned e = 0; e < entries && rc == NW_OK; e++, t += (size_t)nreads) {
            unsigned band;
            uint32_t value = nw_sig_entry(s, d, e, &band);
            const redisReply *bucket[3];
            for (int g = 0; g < nreads; g++) {
                bucket[g] = nw_redis_at(s->r, s->tickets[t + (size_t)g]);
            }
            rc = read_entry(s, w, band, value, bucket, nreads);
        }
        merge_hits(w);
    }
    return rc;
}

/* Documents of one batch add to their buckets in sending order, so of two related ones only
 * the later-sent sees the other: each hit on a batch document is made mutual. */
int nw_sig_mutual_hits(nw_store *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        work *w = &s->w[i];
        for (size_t c = 0; w->pending && c < w->nsorted; c++) {
            int j = nw_sig_batch_index(s, w->hits[c].h);
            if (j < 0 || (size_t)j == i || !s->w[j].pending) {
                continue;
            }
            work *o = &s->w[j];
            hit key = {w->h, 0, 0, 0, 0};
            if ((!o->nsorted || !bsearch(&key, o->hits, o->nsorted, sizeof *o->hits, cmp_hit_h)) &&
                o->nhits < MAX_HITS) {
                if (nw_array_reserve((void **)&o->hits, &o->hcap, o->nhits + 1, sizeof *o->hits) !=
                    NW_OK) {
                    return NW_E_NOMEM;
                }
                o->hits[o->nhits++] = (hit){w->h, w->hits[c].hits, w->hits[c].band,
                                            w->hits[c].value, (int)(s->gen & 0xFF)};
            }
        }
    }
    return NW_OK;
}
