/* sig_commit.c - phases 3-5 of a batch: related articles' stories joined (story_links.h),
 * stored decisions that the round changes revised (sig_revise.h), and each decision written by
 * compare-and-set on its claim, with the generation counters and lazy bucket unlinks. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "../core/window.h"
#include "../match/order.h"
#include "../sketch/lsh.h"
#include "sig_store_impl.h"

/* Phase 3: every related pair joins its stories. Node k of the links is this round's k-th
 * document; candidates follow. */
int nw_sig_link_stories(nw_store *s, const nw_store_doc *docs, int *nodes, nw_err *err)
{
    nw_links_begin(s->links, s->batch_token);
    for (size_t k = 0; k < s->nord; k++) {
        size_t i = s->ord[k];
        nodes[k] = nw_links_node(s->links, docs[i].doc_id, s->w[i].order_ms);
        if (nodes[k] < 0) {
            return NW_E_NOMEM;
        }
    }
    for (size_t k = 0; k < s->nord; k++) {
        const work *w = &s->w[s->ord[k]];
        for (size_t c = 0; c < w->dec.nmatches + w->dec.nlater; c++) {
            int node = nw_links_node(s->links, w->cands[c].id, w->cands[c].order_ms);
            if (node < 0 || nw_links_edge(s->links, nodes[k], node) != NW_OK) {
                return NW_E_NOMEM;
            }
        }
    }
    return nw_links_commit(s->links, err);
}

/* The batch document 'id' when this round decides it itself, else -1. */
static int pending_doc(const nw_store *s, const char *id)
{
    int j = nw_sig_batch_index(s, XXH3_64bits(id, strlen(id)));
    return j >= 0 && s->w[j].pending ? j : -1;
}

/* Is 'id' a document this round decides itself? (Revisions leave those alone.) */
int nw_sig_decided_here(void *arg, const char *id)
{
    return pending_doc(arg, id) >= 0;
}

/* The round's first document (in order) now in story 'story': the cause of its joins. */
static size_t cause_of_story(nw_store *s, const int *nodes, const char *story)
{
    for (size_t k = 0; k < s->nord; k++) {
        if (strcmp(nw_links_story(s->links, nodes[k], NULL), story) == 0) {
            return s->ord[k];
        }
    }
    return s->ord[0];
}

static int attach_revision(nw_store *s, nw_store_doc *docs, size_t cause, const nw_sig_record *r)
{
    nw_store_doc *d = &docs[cause];
    work *w = &s->w[cause];
    /* the reviser's copy lives one round; the batch's arena lives the batch */
    nw_buf_reset(&w->next);
    if (nw_sig_record_encode(r, &w->next) != NW_OK) {
        return NW_E_NOMEM;
    }
    r = nw_sig_keep_record(s, w->next.data, w->next.len);
    const nw_sig_record **list = nw_arena_alloc(&s->arena, (d->nrevisions + 1) * sizeof *list);
    char *id = r ? nw_arena_strndup(&s->arena, r->id.p, r->id.len) : NULL;
    if (!list || !id) {
        return NW_E_NOMEM;
    }
    if (d->nrevisions) {
        memcpy(list, d->revisions, d->nrevisions * sizeof *list);
    }
    list[d->nrevisions++] = r;
    d->revisions = list;
    int known = 0;
    for (size_t k = 0; k < w->nrevised && !known; k++) {
        known = strcmp(w->revised[k], id) == 0;
    }
    if (!known && w->nrevised < NW_REC_MAX_REVISED) {
        w->revised[w->nrevised++] = id;
    }
    return NW_OK;
}

/* Phase 4: later related articles get this document as a match and their story as it stands
 * now (a retried batch finds its earlier attempt's join already made, so the join alone would
 * not move them: seen after a Redis failover), and articles of the stories that were joined
 * get the older story. */
int nw_sig_revise_others(nw_store *s, nw_store_doc *docs, const int *nodes, nw_err *err)
{
    nw_revise_begin(s->rev);
    int rc = NW_OK;
    for (size_t k = 0; k < s->nord && rc == NW_OK; k++) {
        size_t i = s->ord[k];
        const work *w = &s->w[i];
        for (size_t c = w->dec.nmatches; c < w->dec.nmatches + w->dec.nlater && rc == NW_OK; c++) {
            nw_candidate me = w->cands[c];
            me.id = docs[i].doc_id;
            me.order_ms = w->order_ms;
            rc = nw_revise_add_match(s->rev, w->cands[c].id, i, &me);
            /* (registered by nw_sig_link_stories: found, not added) */
            int node = nw_links_node(s->links, w->cands[c].id, w->cands[c].order_ms);
            if (rc == NW_OK && node < 0) {
                rc = NW_E_NOMEM;
            }
            if (rc == NW_OK) {
                int64_t order;
                const char *story = nw_links_story(s->links, node, &order);
                rc = nw_revise_add_story(s->rev, w->cands[c].id, i, story, order);
            }
        }
    }
    if (rc == NW_OK) {
        rc = nw_links_collect_moved(s->links, s->p.max_revisions, err);
    }
    for (size_t m = 0; rc == NW_OK && m < nw_links_nmoved(s->links); m++) {
        int story_node;
        const char *id = nw_links_moved(s->links, m, &story_node);
        int64_t order;
        const char *story = nw_links_story(s->links, story_node, &order);
        int j = pending_doc(s, id);
        if (j >= 0) {
            work *mw = &s->w[j];
            if (!mw->moved_story ||
                nw_order_cmp(order, story, mw->moved_order, mw->moved_story) < 0) {
                mw->moved_story = story;
                mw->moved_order = order;
            }
            continue;
        }
        rc = nw_revise_add_story(s->rev, id, cause_of_story(s, nodes, story), story, order);
    }
    if (rc == NW_OK) {
        rc = nw_revise_apply(s->rev, nw_sig_decided_here, s, err);
    }
    for (size_t k = 0; rc == NW_OK && k < nw_revise_count(s->rev); k++) {
        size_t cause;
        const nw_sig_record *r = nw_revise_result(s->rev, k, &cause);
        rc = attach_revision(s, docs, cause, r);
    }
    nw_metric_add(s->m_revisions, (double)nw_revise_count(s->rev));
    nw_metric_add(s->m_pokes, (double)nw_revise_pokes(s->rev));
    return rc;
}

/* The decided record of document i: its header, story, best earlier matches, the stories it
 * joined and the articles it revised. */
static nw_sig_record *decided_record(nw_store *s, const nw_store_doc *docs, size_t i, int node)
{
    const work *w = &s->w[i];
    nw_sig_record *r = nw_sig_head_record(s, &docs[i], w);
    if (!r) {
        return NULL;
    }
    r->decided = 1;
    const char *story = nw_links_story(s->links, node, &r->story_order_ms);
    if (w->moved_story &&
        nw_order_cmp(w->moved_order, w->moved_story, r->story_order_ms, story) < 0) {
        story = w->moved_story;
        r->story_order_ms = w->moved_order;
    }
    r->story = (nw_bytes){story, strlen(story)};
    r->nmatches = w->dec.nmatches < s->p.max_matches ? w->dec.nmatches : s->p.max_matches;
    for (size_t c = 0; c < r->nmatches; c++) {
        const nw_candidate *m = &w->cands[c];
        r->matches[c] = (nw_rec_match){
            {m->id, strlen(m->id)}, m->order_ms, m->jaccard, m->containment, m->relation};
    }
    /* stories joined: the ones this article and its related articles were in before */
    size_t nb = w->dec.nmatches + w->dec.nlater;
    for (size_t b = 0; b < nb && r->nmerged < NW_REC_MAX_MERGED; b++) {
        int cn = nw_links_node(s->links, w->cands[b].id, w->cands[b].order_ms);
        const char *before_b = cn >= 0 ? nw_links_story_before(s->links, cn) : story;
        /* a document of this round was no story before it */
        int seen = strcmp(before_b, story) == 0 || nw_sig_decided_here(s, before_b);
        for (size_t m = 0; m < r->nmerged && !seen; m++) {
            seen = r->merged[m].len == strlen(before_b) &&
                   memcmp(r->merged[m].p, before_b, r->merged[m].len) == 0;
        }
        if (!seen) {
            r->merged[r->nmerged++] = (nw_bytes){before_b, strlen(before_b)};
        }
    }
    r->nrevised = w->nrevised;
    for (size_t k = 0; k < w->nrevised; k++) {
        r->revised[k] = (nw_bytes){w->revised[k], strlen(w->revised[k])};
    }
    return r;
}

static void send_counts_and_unlinks(nw_store *s, size_t inserted)
{
    if (inserted) { /* documents per window generation, for nearwire_store_documents */
        int64_t gen = nw_window_gen((int64_t)time(NULL), s->p.window_s);
        char key[80], by[24], at[24];
        nw_key_inserted(key, sizeof key, s->prefix, gen);
        snprintf(by, sizeof by, "%zu", inserted);
        snprintf(at, sizeof at, "%" PRId64, nw_window_expire_at(gen, s->p.window_s));
        const char *incr[] = {"INCRBY", key, by}, *exp[] = {"EXPIREAT", key, at};
        nw_redis_append(s->r, 3, incr, NULL);
        nw_redis_append(s->r, 3, exp, NULL);
    }
    for (size_t off = 0; off < s->expired.len;) {
        const char *shard = s->expired.data + off; /* "key\0", a length byte, the member */
        size_t sl = strlen(shard), ml = (unsigned char)shard[sl + 1];
        const char *av[] = {"ZREM", shard, shard + sl + 2};
        size_t al[] = {4, sl, ml};
        nw_redis_append(s->r, 3, av, al);
        off += sl + 2 + ml;
    }
    nw_buf_reset(&s->expired);
}

/* Phase 5: each decision written by compare-and-set on the claim. A document whose record
 * changed meanwhile (a reviser poked it) stays pending and is decided again. */
int nw_sig_save_decisions(nw_store *s, nw_store_doc *docs, const int *nodes, nw_err *err)
{
    for (size_t k = 0; k < s->nord; k++) {
        size_t i = s->ord[k];
        work *w = &s->w[i];
        nw_sig_record *r = decided_record(s, docs, i, nodes[k]);
        nw_buf_reset(&w->next);
        if (!r || nw_sig_record_encode(r, &w->next) != NW_OK) {
            return NW_E_NOMEM;
        }
        char key[64];
        nw_sig_record_key(s, key, sizeof key, w->h);
        const char *av[] = {key, w->blob.data, w->next.data};
        size_t al[] = {strlen(key), w->blob.len, w->next.len};
        w->ticket = nw_redis_append_evalsha(s->r, s->cas, 1, 3, av, al);
    }
    size_t inserted = 0, fresh = 0;
    for (size_t k = 0; k < s->nord; k++) {
        fresh += s->w[s->ord[k]].fresh;
    }
    send_counts_and_unlinks(s, fresh);
    int rc = nw_redis_exec(s->r, err);
    if (rc != NW_OK) {
        return rc;
    }
    /* the saves that took are done even when another command of the round was refused */
    for (size_t k = 0; k < s->nord; k++) {
        size_t i = s->ord[k];
        const redisReply *saved = nw_redis_at(s->r, s->w[i].ticket);
        if (saved->type == REDIS_REPLY_INTEGER && saved->integer == 1) {
            s->w[i].pending = 0;
            s->w[i].counted = s->w[i].dec.dup_of < 0 && docs[i].nkeys;
            docs[i].rec = nw_sig_keep_record(s, s->w[i].next.data, s->w[i].next.len);
            rc = docs[i].rec || rc != NW_OK ? rc : NW_E_NOMEM;
            inserted++;
        }
    }
    const char *bad = nw_redis_round_error(s->r);
    if (bad && rc == NW_OK) {
        rc = nw_err_set(err, NW_E_RETRY, "redis", "saving decisions: %s", bad);
    }
    nw_metric_add(s->m_docs, (double)inserted);
    return rc;
}
