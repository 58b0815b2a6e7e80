/* sig_match.c - phase 2 of a batch: the round's documents in publication order, each one's
 * neighbours read (or taken from the batch when earlier in it), verified from their 8-bit
 * MinHash, and decided by match/decide.h. Expired neighbours are remembered for unlinking. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/nw_error.h"
#include "../match/common_text.h"
#include "../match/order.h"
#include "../sketch/lsh.h"
#include "sig_store_impl.h"

typedef struct ordered {
    int64_t order_ms;
    const char *id;
    size_t doc;
} ordered;

static int cmp_ordered(const void *pa, const void *pb)
{
    const ordered *a = pa, *b = pb;
    return nw_order_cmp(a->order_ms, a->id, b->order_ms, b->id);
}

/* This round's documents in publication order: each is decided after the ones before it. */
int nw_sig_order_pending(nw_store *s, const nw_store_doc *docs, size_t n)
{
    ordered *o = nw_arena_alloc(&s->arena, (n ? n : 1) * sizeof *o);
    if (!o) {
        return NW_E_NOMEM;
    }
    s->nord = 0;
    for (size_t i = 0; i < n; i++) {
        if (s->w[i].pending) {
            o[s->nord++] = (ordered){s->w[i].order_ms, docs[i].doc_id, i};
        }
    }
    if (s->nord > 1) {
        qsort(o, s->nord, sizeof *o, cmp_ordered);
    }
    for (size_t k = 0; k < s->nord; k++) {
        s->ord[k] = o[k].doc;
        s->w[o[k].doc].pos = k;
    }
    return NW_OK;
}

/* The fetch of neighbour h this round, added on first sight; -1 when out of memory. Documents
 * of a batch share many neighbours: each record is read once. */
static int fetch_of(nw_store *s, uint64_t h)
{
    if (2 * (s->nfetch + 1) > s->nfetch_slots) {
        size_t n = s->nfetch_slots ? 2 * s->nfetch_slots : 4096;
        int *slots = calloc(n, sizeof *slots);
        if (!slots) {
            return -1;
        }
        free(s->fetch_slots);
        s->fetch_slots = slots;
        s->nfetch_slots = n;
        for (size_t f = 0; f < s->nfetch; f++) {
            size_t i = (size_t)s->fetch[f].h & (n - 1);
            while (slots[i]) {
                i = (i + 1) & (n - 1);
            }
            slots[i] = (int)f + 1;
        }
    }
    size_t mask = s->nfetch_slots - 1, i = (size_t)h & mask;
    for (; s->fetch_slots[i]; i = (i + 1) & mask) {
        if (s->fetch[s->fetch_slots[i] - 1].h == h) {
            return s->fetch_slots[i] - 1;
        }
    }
    if (nw_array_reserve((void **)&s->fetch, &s->fetch_cap, s->nfetch + 1, sizeof *s->fetch) !=
        NW_OK) {
        return -1;
    }
    s->fetch[s->nfetch] = (struct fetch){.h = h};
    s->fetch_slots[i] = (int)s->nfetch + 1;
    return (int)s->nfetch++;
}

/* The reads of the round's neighbour records. One server takes them as MGETs: a GET each made
 * them a quarter of the store's Redis commands, each costing the server its parsing and reply
 * as much as the read itself. */
static int send_record_reads(nw_store *s)
{
    size_t per = nw_redis_single(s->r) ? NW_FETCH_MGET : 1;
    const char **argv = nw_arena_alloc(&s->arena, (per + 1) * sizeof *argv);
    size_t *lens = nw_arena_alloc(&s->arena, (per + 1) * sizeof *lens);
    char *keys = nw_arena_alloc_raw(&s->arena, (s->nfetch ? s->nfetch : 1) * NW_FETCH_KEY);
    if (!argv || !lens || !keys) {
        return NW_E_NOMEM;
    }
    argv[0] = per > 1 ? "MGET" : "GET";
    lens[0] = strlen(argv[0]);
    for (size_t f = 0; f < s->nfetch;) {
        size_t argc = 1;
        for (; argc <= per && f < s->nfetch; argc++, f++) {
            char *key = keys + f * NW_FETCH_KEY;
            nw_sig_record_key(s, key, NW_FETCH_KEY, s->fetch[f].h);
            argv[argc] = key;
            lens[argc] = strlen(key);
        }
        if (nw_redis_append(s->r, (int)argc, argv, lens) < 0) {
            return NW_E_NOMEM;
        }
    }
    s->fetch_per_read = per;
    return NW_OK;
}

/* Phase 2, sending: the records of each document's neighbours. A document of this round is
 * a candidate from memory when it comes earlier in the order, and skipped when later (it will
 * see this one); any other is read from Redis. */
int nw_sig_send_fetches(nw_store *s)
{
    s->nfetch = 0;
    if (s->fetch_slots) {
        memset(s->fetch_slots, 0, s->nfetch_slots * sizeof *s->fetch_slots);
    }
    for (size_t k = 0; k < s->nord; k++) {
        work *w = &s->w[s->ord[k]];
        size_t keep = 0, nh = w->nhits ? w->nhits : 1;
        w->cands = nw_arena_alloc(&s->arena, nh * sizeof *w->cands);
        w->in_batch = nw_arena_alloc(&s->arena, nh * sizeof *w->in_batch);
        w->fetched = nw_arena_alloc(&s->arena, nh * sizeof *w->fetched);
        if (!w->cands || !w->in_batch || !w->fetched) {
            return NW_E_NOMEM;
        }
        for (size_t c = 0; c < w->nhits; c++) {
            int j = nw_sig_batch_index(s, w->hits[c].h);
            w->hits[keep] = w->hits[c];
            w->in_batch[keep] = -1;
            w->fetched[keep] = -1;
            if (j >= 0 && s->w[j].pending) {
                if (s->w[j].pos > w->pos) {
                    continue;
                }
                w->in_batch[keep++] = j;
                continue;
            }
            if ((w->fetched[keep++] = fetch_of(s, w->hits[c].h)) < 0) {
                return NW_E_NOMEM;
            }
        }
        w->nhits = keep;
    }
    return send_record_reads(s);
}

/* An expired record's bucket entry: ZREM it from its shard key (an entry of the old layout:
 * from both generations' keys it may sit in). Each pair is "key\0" and a length byte before
 * the member. */
static void remember_expired(nw_store *s, const hit *h, int64_t now_ms)
{
    unsigned char m[NW_LSH_ENTRY];
    nw_lsh_entry(h->band, h->value, h->h, h->gen, m);
    unsigned shard = nw_lsh_shard(m, s->p.shards);
    int64_t gen = now_ms / 1000 / s->p.window_s;
    for (int g = 0; g < (h->gen < 0 ? 2 : 1); g++) {
        char key[80];
        if (h->gen < 0) {
            nw_sig_old_shard_key(s, key, sizeof key, gen - g, shard);
        } else {
            nw_sig_shard_key(s, key, sizeof key, shard);
        }
        unsigned char len = h->gen < 0 ? NW_LSH_ENTRY_OLD : NW_LSH_ENTRY;
        nw_buf_append(&s->expired, key, strlen(key) + 1);
        nw_buf_append(&s->expired, &len, 1);
        nw_buf_append(&s->expired, m, len);
    }
}

/* What verifying needs of the other document. */
typedef struct other {
    const uint8_t *sig;
    uint32_t shingles;
    const uint16_t *exact, *masked, *tops;
    size_t nexact, nmasked, ntops;
} other;

/* Containment of two exact sets, by the rule for small sets (decide.h). */
static double exact_containment(const nw_store *s, const uint16_t *a, size_t na, const uint16_t *b,
                                size_t nb, uint32_t sa, uint32_t sb, double *jaccard)
{
    double c;
    nw_exact_measure(a, na, b, nb, jaccard, &c);
    return nw_match_exact_containment(&s->match, *jaccard, c, sa, sb);
}

/* Lists a related candidate for the common-text check (sig_common.c): the document's first
 * 'nmine' values (a short text's exact values, a long text's tops) against the other's. Only
 * the document's values have counts: a short text's by its exact_keys, a long one's by its
 * anchors. */
static int check_common(nw_store *s, const nw_store_doc *d, work *w, const uint16_t *theirs,
                        size_t ntheirs, size_t nmine)
{
    if (!(d->nexact ? d->nkeys : d->nanchors) || !s->p.common_after) {
        return NW_OK;
    }
    if (!w->checks &&
        !(w->checks = nw_arena_alloc(&s->arena, (w->nhits ? w->nhits : 1) * sizeof *w->checks))) {
        return NW_E_NOMEM;
    }
    w->checks[w->nchecks++] = (struct common_check){w->ncands, theirs, ntheirs, nmine};
    return NW_OK;
}

/* Exactly when both are short texts with exact sets (records from before them have none),
 * with the template guard when both have masked sets; else from the MinHash, a short text in a
 * long one checked by the long one's anchors (records from before 2026-12-03 have none). A
 * related pair of short texts is listed for the common-text check when the document's
 * shingles can be counted; so is a related short-and-long pair, compared where the long text's
 * tops sample both: the short text's values under its cut-off against the tops (a template
 * line in a long page is as common as in a short notice). */
static int measure(nw_store *s, nw_candidate *c, const nw_store_doc *d, work *w, const other *o)
{
    if (d->nexact && o->nexact) {
        c->containment = exact_containment(s, d->exact, d->nexact, o->exact, o->nexact, d->shingles,
                                           o->shingles, &c->jaccard);
        if (nw_match_relation(&s->match, c->jaccard, c->containment) == NW_REL_NONE) {
            return NW_OK; /* (most candidates: nothing to guard or discount) */
        }
        if (d->nmasked && o->nmasked) {
            double mj, mc = exact_containment(s, d->masked, d->nmasked, o->masked, o->nmasked,
                                              d->shingles, o->shingles, &mj);
            c->template = nw_match_is_template(c->containment, mc);
        }
        return c->template ? NW_OK : check_common(s, d, w, o->exact, o->nexact, d->nexact);
    }
    c->jaccard = nw_minhash_jaccard8(w->sig8, o->sig);
    c->containment = nw_match_containment(&s->match, c->jaccard, d->shingles, o->shingles);
    unsigned k = 0, m = 0; /* a short text and a long one: checked by the long one's anchors */
    if (d->nexact && o->ntops) {
        nw_match_sample(d->exact, d->nexact, o->tops, o->ntops, &k, &m);
    } else if (o->nexact && w->ntops) {
        nw_match_sample(o->exact, o->nexact, w->tops, w->ntops, &k, &m);
    }
    c->containment = nw_match_sampled_containment(c->containment, k, m);
    if (!m || nw_match_relation(&s->match, c->jaccard, c->containment) == NW_REL_NONE) {
        return NW_OK;
    }
    /* m: the short text's values under the long one's cut-off, its first m */
    return d->nexact ? check_common(s, d, w, o->tops, o->ntops, m)
                     : check_common(s, d, w, o->exact, m, w->ntops);
}

/* A record's u16 set, read into the batch arena (a non-NULL pointer even when empty); NULL
 * when out of memory. */
static const uint16_t *u16s_of(nw_store *s, const uint8_t *le, size_t n)
{
    uint16_t *v = nw_arena_alloc(&s->arena, (n ? n : 1) * sizeof *v);
    if (v) {
        nw_sig_record_get_u16s(le, n, v);
    }
    return v;
}

/* Takes from a neighbour's record only what verifying it needs; its signature stays in the
 * reply's bytes. (A decoded record is 6.3 KB: kept for each of the tens of thousands of
 * neighbours a batch reads, they made cluster's memory grow with the store.) */
static int decode_fetched(nw_store *s, struct fetch *f)
{
    static _Thread_local nw_sig_record r;
    f->decoded = 1;
    f->sig = NULL;
    if (f->rep->type != REDIS_REPLY_STRING || nw_sig_record_decode(f->rep->str, f->rep->len, &r)) {
        return NW_OK; /* expired, or not a record: no neighbour */
    }
    f->id = nw_arena_strndup(&s->arena, r.id.p, r.id.len);
    if (!f->id) {
        return NW_E_NOMEM;
    }
    f->sig = r.sig;
    f->nexact = r.nexact;
    f->nmasked = r.nmasked;
    f->ntops = r.ntops;
    if (!(f->exact = u16s_of(s, r.exact, r.nexact)) ||
        !(f->masked = u16s_of(s, r.masked, r.nmasked)) ||
        !(f->tops = u16s_of(s, r.tops, r.ntops))) {
        return NW_E_NOMEM;
    }
    f->order_ms = r.order_ms;
    f->shingles = r.shingles;
    return NW_OK;
}

/* One document's candidates, from memory or from the records read, measured. */
static int measure_candidates(nw_store *s, nw_store_doc *docs, size_t i, int64_t now_ms)
{
    nw_store_doc *d = &docs[i];
    work *w = &s->w[i];
    w->ncands = w->nchecks = 0;
    w->checks = NULL;
    w->common_known = 0;
    for (size_t c = 0; c < w->nhits; c++) {
        nw_candidate *cand = &w->cands[w->ncands];
        memset(cand, 0, sizeof *cand);
        other o;
        if (w->in_batch[c] >= 0) {
            size_t j = (size_t)w->in_batch[c];
            const nw_store_doc *e = &docs[j];
            cand->id = e->doc_id;
            cand->order_ms = s->w[j].order_ms;
            o = (other){.sig = s->w[j].sig8,
                        .shingles = e->shingles,
                        .exact = e->exact,
                        .nexact = e->nexact,
                        .masked = e->masked,
                        .nmasked = e->nmasked,
                        .tops = s->w[j].tops,
                        .ntops = s->w[j].ntops};
        } else {
            struct fetch *f = &s->fetch[w->fetched[c]];
            if (!f->decoded && decode_fetched(s, f) != NW_OK) {
                return NW_E_NOMEM;
            }
            if (!f->sig) {
                remember_expired(s, &w->hits[c], now_ms); /* expired: unlink lazily */
                continue;
            }
            cand->id = f->id;
            cand->order_ms = f->order_ms;
            o = (other){.sig = f->sig,
                        .shingles = f->shingles,
                        .exact = f->exact,
                        .nexact = f->nexact,
                        .masked = f->masked,
                        .nmasked = f->nmasked,
                        .tops = f->tops,
                        .ntops = f->ntops};
        }
        if (measure(s, cand, d, w, &o) != NW_OK) {
            return NW_E_NOMEM;
        }
        w->ncands++;
    }
    nw_metric_add(s->m_candidates, (double)w->ncands);
    return NW_OK;
}

/* The document's decision, once its related short-text pairs are checked for common text; a
 * non-duplicate then counts for the round's later documents. */
static void decide_one(nw_store *s, const nw_store_doc *d, work *w)
{
    for (size_t k = 0; k < w->nchecks; k++) {
        const struct common_check *ch = &w->checks[k];
        const uint8_t *common = nw_sig_common_marks(s, d, w);
        nw_candidate *c = &w->cands[ch->cand];
        const uint16_t *mine = d->nexact ? d->exact : w->tops;
        c->common = common && nw_common_only(mine, common, ch->nmine, ch->exact, ch->nexact,
                                             s->match.story_containment);
        nw_metric_add(s->m_common, c->common);
    }
    nw_decide(&s->match, w->order_ms, d->doc_id, w->cands, w->ncands, &w->dec);
    nw_sig_count_local(s, d, w);
}

int nw_sig_read_fetches_and_decide(nw_store *s, nw_store_doc *docs, int64_t now_ms, nw_err *err)
{
    size_t per = s->fetch_per_read, reads = (s->nfetch + per - 1) / per;
    if (nw_array_reserve((void **)&s->fetch_replies, &s->fetch_replies_cap, reads,
                         sizeof *s->fetch_replies) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    for (size_t r = 0; r < reads; r++) {
        redisReply *rep;
        int rc = nw_redis_reply(s->r, &rep, err);
        if (rc != NW_OK) {
            return rc;
        }
        s->fetch_replies[s->nfetch_replies++] = rep;
        size_t first = r * per, n = s->nfetch - first < per ? s->nfetch - first : per;
        if (per == 1) {
            s->fetch[first].rep = rep; /* (an error reply reads as no record, as it did) */
        } else if (rep->type != REDIS_REPLY_ARRAY || rep->elements != n) {
            return nw_err_set(err, NW_E_RETRY, "redis", "reading neighbour records: %s",
                              rep->type == REDIS_REPLY_ERROR ? rep->str : "not an array");
        } else {
            for (size_t e = 0; e < n; e++) {
                s->fetch[first + e].rep = rep->element[e];
            }
        }
    }
    for (size_t k = 0; k < s->nord; k++) {
        if (measure_candidates(s, docs, s->ord[k], now_ms) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    /* the counters of the documents with a related short-text pair: one more round trip, in
     * the batches that have such a pair */
    int rc = nw_sig_send_common_reads(s, docs, now_ms);
    if (rc == NW_OK) {
        rc = nw_sig_read_common(s, err);
    }
    for (size_t k = 0; k < s->nord && rc == NW_OK; k++) {
        decide_one(s, &docs[s->ord[k]], &s->w[s->ord[k]]);
    }
    return rc;
}
