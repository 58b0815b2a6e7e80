/* sig_store.c - the store's lifecycle, the helpers its phases share, and a batch: rounds of
 * claim, match, decide, link, revise and save until every document is decided (a document
 * poked by a reviser while deciding goes again), then replays' revisions. Whatever a batch
 * reads lives in its arena until the next batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "../match/common_text.h"
#include "../match/order.h"
#include "../sketch/anchors.h"
#include "../sketch/lsh.h"
#include "sig_store_impl.h"

void nw_sig_free_replies(nw_store *s)
{
    for (size_t i = 0; i < s->nfetch_replies; i++) {
        freeReplyObject(s->fetch_replies[i]);
    }
    s->nfetch_replies = 0;
    s->nfetch = 0;
}

static void metrics_init(nw_store *s)
{
    s->m_conflicts =
        nw_counter("nearwire_store_conflicts_total",
                   "Replayed ids whose content differs from the decided article's.", NULL);
    s->m_docs =
        nw_counter("nearwire_store_inserts_total", "Documents inserted in the store.", NULL);
    s->m_replays = nw_counter("nearwire_store_replays_total",
                              "Documents already decided, answered from the store.", NULL);
    s->m_candidates = nw_counter("nearwire_store_candidates_total",
                                 "Candidates verified from their stored signatures.", NULL);
    s->m_revisions = nw_counter("nearwire_store_revisions_total",
                                "Stored decisions revised by a later-arriving article.", NULL);
    s->m_pokes = nw_counter("nearwire_store_pokes_total",
                            "Decisions in flight elsewhere sent back to be made again.", NULL);
    s->m_common = nw_counter("nearwire_store_common_text_total",
                             "Candidates not related because the text they share is common to many "
                             "articles of the window.",
                             NULL);
    s->m_again = nw_counter("nearwire_store_redecisions_total",
                            "Documents decided again because a revision raced their save.", NULL);
    s->g_docs =
        nw_gauge("nearwire_store_documents",
                 "Documents in the store's window (from per-generation insert counts).", NULL);
    s->g_bytes =
        nw_gauge("nearwire_store_bytes", "Memory the Redis server uses (used_memory).", NULL);
    s->g_keys = nw_gauge("nearwire_store_keys", "Keys in the store's Redis database.", NULL);
    s->g_max =
        nw_gauge("nearwire_store_max_bytes",
                 "The Redis maxmemory, summed over a cluster's masters (0: no limit set).", NULL);
}

nw_store *nw_store_new(const nw_store_params *p, nw_err *err)
{
    const char *bad = nw_match_params_check(&p->match);
    if (bad) {
        nw_err_set(err, NW_E_FATAL, "config", "%s", bad);
        return NULL;
    }
    if (p->bands == 0 || p->bands > NW_STORE_MAX_BANDS || p->window_s <= 0 || p->shards == 0 ||
        p->bucket_limit == 0 || p->max_matches == 0 || p->max_matches > NW_REC_MAX_MATCHES) {
        nw_err_set(err, NW_E_FATAL, "config",
                   "need 1 <= bands <= %d, 1 <= max_matches <= %d, a positive window, shards "
                   "and bucket limit",
                   NW_STORE_MAX_BANDS, NW_REC_MAX_MATCHES);
        return NULL;
    }
    nw_anchor_params index;
    nw_anchor_params_index(&index);
    if (p->anchor_every == 0 || p->anchor_least > index.most) {
        nw_err_set(err, NW_E_FATAL, "config",
                   "need anchor_every at least 1 and anchor_least at most %u", index.most);
        return NULL;
    }
    if (p->common_after && (p->common_log2 < 16 || p->common_log2 > 32 || p->common_after > 255)) {
        nw_err_set(err, NW_E_FATAL, "config",
                   "common text needs 1 <= common_after <= 255 and 16 <= common_log2 <= 32");
        return NULL;
    }
    nw_store *s = calloc(1, sizeof *s);
    if (!s) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    s->p = *p;
    nw_shard_expiry_init(&s->expiry, p->shards);
    nw_shard_expiry_init(&s->swept, p->shards);
    s->common_shards =
        p->common_after ? (unsigned)((((uint64_t)1 << p->common_log2) - 1) / NW_COMMON_PER_KEY + 1)
                        : 0;
    nw_shard_expiry_init(&s->common_expiry, s->common_shards);
    s->made_gen = -1;
    s->made = calloc(1, s->common_shards / 8 + 1);
    s->match = p->match;
    snprintf(s->prefix, sizeof s->prefix, "%s", p->prefix);
    snprintf(s->ttl, sizeof s->ttl, "%lld", p->window_s);
    nw_buf_init(&s->expired);
    nw_arena_init(&s->arena);
    s->r = p->redis;
    s->cas = nw_redis_add_script(s->r, nw_revise_cas_lua);
    s->sweep = nw_redis_add_script(s->r, nw_sig_sweep_lua);
    s->links = nw_links_new(s->r, s->prefix, p->window_s);
    s->rev = nw_revise_new(s->r, s->prefix, s->cas, &s->match, p->max_matches);
    if (s->cas < 0 || s->sweep < 0 || !s->links || !s->rev || !s->made) {
        nw_store_free(s);
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    metrics_init(s);
    return s;
}

void nw_store_free(nw_store *s)
{
    if (!s) {
        return;
    }
    nw_sig_free_replies(s);
    nw_arena_reset(&s->arena);
    for (size_t i = 0; i < s->wcap; i++) {
        nw_buf_release(&s->w[i].blob);
        nw_buf_release(&s->w[i].next);
        free(s->w[i].hits);
    }
    free(s->w);
    nw_shard_expiry_release(&s->expiry);
    nw_shard_expiry_release(&s->swept);
    nw_shard_expiry_release(&s->common_expiry);
    free(s->made);
    free(s->zeros);
    free(s->tickets);
    free(s->ord);
    free(s->slots);
    free(s->fetch);
    free(s->fetch_replies);
    free(s->fetch_slots);
    nw_buf_release(&s->expired);
    nw_links_free(s->links);
    nw_revise_free(s->rev);
    free(s);
}

void nw_sig_record_key(const nw_store *s, char *out, size_t n, uint64_t h)
{
    nw_key_record(out, n, s->prefix, h);
}

void nw_sig_shard_key(const nw_store *s, char *out, size_t n, unsigned shard)
{
    nw_key_bucket_shard(out, n, s->prefix, shard);
}

void nw_sig_old_shard_key(const nw_store *s, char *out, size_t n, int64_t gen, unsigned shard)
{
    nw_key_bucket(out, n, s->prefix, gen, shard);
}

static int ensure_work(nw_store *s, size_t n)
{
    if (n > s->wcap) {
        work *w = realloc(s->w, n * sizeof *w);
        if (!w) {
            return NW_E_NOMEM;
        }
        for (size_t i = s->wcap; i < n; i++) {
            nw_buf_init(&w[i].blob);
            nw_buf_init(&w[i].next);
            w[i].hits = NULL;
            w[i].hcap = 0;
        }
        s->w = w;
        s->wcap = n;
    }
    if (nw_array_reserve((void **)&s->ord, &s->ordcap, n, sizeof *s->ord) != NW_OK) {
        return NW_E_NOMEM;
    }
    size_t slots = 16;
    while (slots < 2 * n) {
        slots *= 2;
    }
    if (slots > s->nslots) {
        free(s->slots);
        s->slots = malloc(slots * sizeof *s->slots);
        s->nslots = s->slots ? slots : 0;
        if (!s->slots) {
            return NW_E_NOMEM;
        }
    }
    memset(s->slots, 0, s->nslots * sizeof *s->slots);
    return NW_OK;
}

/* The first batch document with hash h, or -1. */
int nw_sig_batch_index(const nw_store *s, uint64_t h)
{
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask; s->slots[i]; i = (i + 1) & mask) {
        if (s->w[s->slots[i] - 1].h == h) {
            return s->slots[i] - 1;
        }
    }
    return -1;
}

unsigned nw_sig_entries(const nw_store *s, const nw_store_doc *d)
{
    if (!d->shingles) {
        return 0; /* an empty text matches nothing */
    }
    if (!s->p.anchor_df_max) {
        return s->p.bands;
    }
    /* the message's anchors are a denser sample than the index takes (sketch/anchors.h) */
    nw_anchor_params index;
    nw_anchor_params_index(&index);
    index.every = s->p.anchor_every;
    index.least = s->p.anchor_least;
    return s->p.bands + (unsigned)nw_anchors_prefix(d->anchors, d->nanchors, &index);
}

uint32_t nw_sig_entry(const nw_store *s, const nw_store_doc *d, unsigned e, unsigned *band)
{
    if (e < s->p.bands) {
        *band = e;
        return d->sig[e];
    }
    *band = NW_LSH_ANCHOR_BAND;
    return d->anchors[e - s->p.bands];
}

static void index_doc(nw_store *s, size_t d)
{
    size_t mask = s->nslots - 1, i = (size_t)s->w[d].h & mask;
    while (s->slots[i]) {
        i = (i + 1) & mask;
    }
    s->slots[i] = (int)d + 1;
}

/* The record this document would write now: its header, and its decision when given. */
nw_sig_record *nw_sig_head_record(nw_store *s, const nw_store_doc *d, const work *w)
{
    nw_sig_record *r = nw_arena_alloc(&s->arena, sizeof *r);
    if (r) {
        r->revision = w->revision;
        r->shingles = d->shingles;
        r->first_seen_ms = w->first_seen_ms;
        r->order_ms = w->order_ms;
        r->id = (nw_bytes){d->doc_id, strlen(d->doc_id)};
        r->sig = w->sig8;
        r->exact = w->exact_le;
        r->nexact = d->nexact;
        r->masked = w->masked_le;
        r->nmasked = d->nmasked;
        r->tops = w->tops_le;
        r->ntops = w->ntops;
    }
    return r;
}

/* A decoded copy of a record's bytes that lives as long as the batch, read-only and cut to
 * its revised list: a full nw_sig_record is 6.3 KB, mostly room for 256 revised ids most
 * records do not have, and a batch keeps one per neighbour it verifies (tens of thousands:
 * cluster's memory grew with the store, 424 MB after 100,000 articles). */
const nw_sig_record *nw_sig_keep_record(nw_store *s, const char *bytes, size_t len)
{
    static _Thread_local nw_sig_record full;
    char *copy = nw_arena_alloc_raw(&s->arena, len ? len : 1);
    if (!copy) {
        return NULL;
    }
    memcpy(copy, bytes, len);
    if (nw_sig_record_decode(copy, len, &full) != 0) {
        return NULL;
    }
    size_t size = offsetof(nw_sig_record, revised) + full.nrevised * sizeof full.revised[0];
    nw_sig_record *r = nw_arena_alloc_raw(&s->arena, size);
    if (r) {
        memcpy(r, &full, size);
    }
    return r;
}

/* A replay emits its stored decision and, again, the current records of the articles its
 * first decision revised (their first emission may have been lost with the attempt). */
static int read_replayed_revisions(nw_store *s, nw_store_doc *docs, size_t n, nw_err *err)
{
    size_t sent = 0;
    for (size_t i = 0; i < n; i++) {
        const nw_sig_record *r = docs[i].replay ? docs[i].rec : NULL;
        for (size_t k = 0; r && k < r->nrevised; k++) {
            char key[64];
            nw_sig_record_key(s, key, sizeof key, XXH3_64bits(r->revised[k].p, r->revised[k].len));
            const char *av[] = {"GET", key};
            nw_redis_append(s->r, 2, av, NULL);
            sent++;
        }
    }
    int rc = NW_OK;
    for (size_t i = 0; i < n && sent; i++) {
        nw_store_doc *d = &docs[i];
        size_t nrev = d->replay ? d->rec->nrevised : 0;
        if (nrev) {
            d->revisions = nw_arena_alloc(&s->arena, nrev * sizeof *d->revisions);
            rc = d->revisions || rc != NW_OK ? rc : NW_E_NOMEM;
        }
        for (size_t k = 0; k < nrev; k++, sent--) {
            redisReply *rep;
            int r2 = nw_redis_reply(s->r, &rep, err);
            if (r2 != NW_OK) {
                return r2;
            }
            const nw_sig_record *r = rc == NW_OK && rep->type == REDIS_REPLY_STRING
                                         ? nw_sig_keep_record(s, rep->str, rep->len)
                                         : NULL;
            if (r && r->decided) {
                d->revisions[d->nrevisions++] = r;
            }
            freeReplyObject(rep);
        }
    }
    return rc;
}

static void begin_batch(nw_store *s, nw_store_doc *docs, size_t n)
{
    nw_sig_free_replies(s);
    nw_arena_rewind(&s->arena);
    nw_buf_reset(&s->expired);
    s->batch_token = 0x6e77626174636821ULL;
    for (size_t i = 0; i < n; i++) {
        nw_store_doc *d = &docs[i];
        work *w = &s->w[i];
        d->replay = d->collision = d->repeat = d->conflict = 0;
        d->rec = NULL;
        d->revisions = NULL;
        d->nrevisions = 0;
        w->h = XXH3_64bits(d->doc_id, strlen(d->doc_id));
        s->batch_token = XXH3_64bits_withSeed(&w->h, sizeof w->h, s->batch_token);
        w->nhits = w->ncands = w->nrevised = 0;
        w->counted = 0;
        nw_minhash_pack8(d->sig, w->sig8);
        nw_sig_record_put_u16s(d->exact, d->nexact, w->exact_le);
        nw_sig_record_put_u16s(d->masked, d->nmasked, w->masked_le);
        w->ntops = 0; /* a long text keeps its anchors' top halves to check short texts with */
        for (size_t a = 0; !d->nexact && a < d->nanchors; a++) {
            uint16_t top = (uint16_t)(d->anchors[a] >> 16);
            if (!w->ntops || w->tops[w->ntops - 1] != top) {
                w->tops[w->ntops++] = top;
            }
        }
        nw_sig_record_put_u16s(w->tops, w->ntops, w->tops_le);
        int j = nw_sig_batch_index(s, w->h);
        w->same_as = j >= 0 && strcmp(docs[j].doc_id, d->doc_id) == 0 ? j : -1;
        w->pending = w->same_as < 0;
        if (j < 0) {
            index_doc(s, i);
        }
    }
}

/* One round over the pending documents: claim, match, decide, link, revise, save. */
static int run_round(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms, int *nodes,
                     nw_err *err)
{
    double t0 = nw_now_seconds();
    int rc = nw_sig_check_layout(s, now_ms, err);
    if (rc == NW_OK) {
        rc = nw_sig_send_claims(s, docs, n, now_ms);
    }
    if (rc == NW_OK) {
        rc = nw_sig_read_claims(s, docs, n, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    if (rc != NW_OK) {
        nw_shard_expiry_forget(&s->expiry); /* an EXPIREAT may not have run */
        nw_shard_expiry_forget(&s->swept);  /* nor a sweep */
        return rc;
    }
    if (nw_sig_mutual_hits(s, n) != NW_OK || nw_sig_order_pending(s, docs, n) != NW_OK) {
        return NW_E_NOMEM;
    }
    if (!s->nord) {
        return NW_OK;
    }
    t0 = nw_now_seconds();
    nw_sig_free_replies(s);
    if ((rc = nw_sig_send_fetches(s)) == NW_OK) {
        rc = nw_sig_read_fetches_and_decide(s, docs, now_ms, err);
    }
    if (rc == NW_OK) {
        rc = nw_sig_link_stories(s, docs, nodes, err);
    }
    if (rc == NW_OK) {
        rc = nw_sig_revise_others(s, docs, nodes, err);
    }
    if (rc == NW_OK) {
        rc = nw_sig_save_decisions(s, docs, nodes, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    return rc;
}

int nw_store_decide(nw_store *s, nw_store_doc *docs, size_t n, int64_t now_ms, nw_err *err)
{
    if (ensure_work(s, n) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    begin_batch(s, docs, n);
    int *nodes = malloc((n ? n : 1) * sizeof *nodes);
    int rc = nodes ? nw_redis_connect(s->r, err) : NW_E_NOMEM;
    for (int round = 0; rc == NW_OK && round < MAX_ROUNDS; round++) {
        if (round > 0) {
            nw_metric_add(s->m_again, (double)s->nord);
        }
        rc = run_round(s, docs, n, now_ms, nodes, err);
        if (rc == NW_OK && !s->nord) {
            break;
        }
    }
    free(nodes);
    for (size_t i = 0; rc == NW_OK && i < n; i++) {
        if (s->w[i].pending) {
            rc = nw_err_set(err, NW_E_RETRY, "decision_race",
                            "%s was revised while being decided, %d times", docs[i].doc_id,
                            MAX_ROUNDS);
        }
    }
    if (rc == NW_OK) {
        rc = nw_sig_count_common(s, docs, n, now_ms, err);
    }
    if (rc == NW_OK) {
        rc = read_replayed_revisions(s, docs, n, err);
    }
    for (size_t i = 0; rc == NW_OK && i < n; i++) {
        nw_store_doc *d = &docs[i];
        const nw_store_doc *o = s->w[i].same_as >= 0 ? &docs[s->w[i].same_as] : NULL;
        if (o) {
            d->repeat = 1;
            d->replay = o->replay;
            d->collision = o->collision;
            d->conflict = o->conflict;
            d->rec = o->rec;
            d->revisions = o->revisions;
            d->nrevisions = o->nrevisions;
        } else if (d->replay) {
            nw_metric_add(s->m_replays, 1);
            nw_metric_add(s->m_conflicts, d->conflict);
        }
    }
    if (rc == NW_E_NOMEM) {
        nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    return rc;
}

int nw_store_query(nw_store *s, nw_store_doc *d, int64_t now_ms, nw_store_answer *a, nw_err *err)
{
    memset(a, 0, sizeof *a);
    a->dup_of = -1;
    if (ensure_work(s, 1) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    begin_batch(s, d, 1);
    s->dry = 1;
    double t0 = nw_now_seconds();
    int rc = nw_redis_connect(s->r, err);
    if (rc == NW_OK) {
        rc = nw_sig_check_layout(s, now_ms, err);
    }
    if (rc == NW_OK) {
        rc = nw_sig_send_claims(s, d, 1, now_ms);
    }
    if (rc == NW_OK) {
        rc = nw_sig_read_claims(s, d, 1, err);
    }
    if (rc == NW_OK && nw_sig_order_pending(s, d, 1) != NW_OK) {
        rc = NW_E_NOMEM;
    }
    if (rc == NW_OK) {
        nw_sig_free_replies(s);
        rc = nw_sig_send_fetches(s);
    }
    if (rc == NW_OK) {
        rc = nw_sig_read_fetches_and_decide(s, d, now_ms, err);
    }
    nw_redis_observe_roundtrip(nw_now_seconds() - t0);
    s->dry = 0;
    if (rc == NW_E_NOMEM) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    if (rc == NW_OK) {
        const work *w = &s->w[0];
        a->related = w->cands;
        a->nearlier = w->dec.nmatches;
        a->nlater = w->dec.nlater;
        a->dup_of = w->dec.dup_of;
    }
    return rc;
}

int nw_store_records(nw_store *s, const char *const *ids, size_t n, const nw_sig_record **out,
                     nw_err *err)
{
    nw_sig_free_replies(s);
    nw_arena_rewind(&s->arena);
    if (!n) {
        return NW_OK;
    }
    int rc = nw_redis_connect(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    long first = -1;
    for (size_t i = 0; i < n; i++) {
        char key[64];
        nw_sig_record_key(s, key, sizeof key, XXH3_64bits(ids[i], strlen(ids[i])));
        long t = nw_redis_append(s->r, 2, (const char *[]){"GET", key}, NULL);
        if (t < 0) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        first = first < 0 ? t : first;
    }
    rc = nw_redis_exec_all(s->r, "reading records", err);
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        const redisReply *rep = nw_redis_at(s->r, first + (long)i);
        const nw_sig_record *r = rep && rep->type == REDIS_REPLY_STRING
                                     ? nw_sig_keep_record(s, rep->str, rep->len)
                                     : NULL;
        int mine = r && r->decided && r->id.len == strlen(ids[i]) &&
                   memcmp(r->id.p, ids[i], r->id.len) == 0;
        out[i] = mine ? r : NULL;
    }
    return rc;
}
