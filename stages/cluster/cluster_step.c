/* cluster_step.c - checks the fp contract, asks the store to decide a whole batch, and writes
 * each document with its decision, then a revision record (keyed by the revised article's id)
 * for every stored decision the document changed. Every cluster object is rendered from the
 * stored record, fresh or replayed alike, so a replay emits what the store holds now. */
#include "cluster_step.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/nw_error.h"
#include "core/timefmt.h"
#include "io/metrics.h"
#include "io/sig_store.h"
#include "match/cluster_json.h"
#include "sketch/fp_json.h"

#define F(x) offsetof(cluster_config, x)
const nw_cfg_key cluster_keys[] = {
    {"cluster.window_seconds", NW_CFG_INT, "604800", F(window_seconds),
     "how long a document stays matchable (every store key's TTL)", 0, 1, 31622400},
    {"cluster.bands", NW_CFG_INT, "3", F(bands),
     "LSH bands, one MinHash bin each; more finds lower Jaccard, costs Redis work (with "
     "anchors off, 8)",
     0, 1, 32},
    {"cluster.shards", NW_CFG_INT, "65536", F(shards),
     "bucket sorted sets; keep docs-in-window x bands / shards under 128", 0, 1, 16777216},
    {"cluster.bucket_limit", NW_CFG_INT, "256", F(bucket_limit),
     "members read from one bucket at most (common shingles make big buckets; a bucket read "
     "in part can make decisions depend on arrival order)",
     0, 0, 1000000},
    {"cluster.anchor_df_max", NW_CFG_INT, "32", F(anchor_df_max),
     "find candidates by anchors too: an anchor shared by more documents of the window is "
     "common text and finds none; 0: bands only (then set cluster.bands=8)",
     0, 0, 100000},
    {"cluster.anchor_every", NW_CFG_INT, "16", F(anchor_every),
     "with anchor_df_max: the anchors indexed, one shingle in this many, taken from the "
     "message's denser sample (fp.anchor_every, which checks containment); a smaller number "
     "indexes more and costs Redis work",
     0, 1, 1000000},
    {"cluster.anchor_least", NW_CFG_INT, "8", F(anchor_least),
     "with anchor_df_max: a short text indexes at least this many anchors (all its shingles "
     "when fewer), so two short texts find each other by less shared text than one in "
     "anchor_every; each costs Redis work",
     0, 0, 128},
    {"cluster.common_after", NW_CFG_INT, "4", F(common_after),
     "a shingle of short texts that this many articles of the window carry (copies not "
     "counted) is common text: a pair sharing little else is not related; 0: off",
     0, 0, 255},
    {"cluster.common_log2", NW_CFG_INT, "24", F(common_log2),
     "the common-text counters: 2^N bytes of Redis for each of two window generations (24: 16 "
     "MiB); keep the shingles counted in a window (about 100 per short article that is not a "
     "copy) under 2^N / 4",
     0, 16, 32},
    {"cluster.max_matches", NW_CFG_INT, "5", F(max_matches), "matches listed per document", 0, 1,
     16},
    {"cluster.min_shingles", NW_CFG_INT, "20", F(min_shingles),
     "containment is used only when both documents have this many shingles", 0, 0, 1000000},
    {"cluster.dup_containment", NW_CFG_DBL, "0.6", F(dup_containment),
     "containment at or above which a match is a duplicate", 0, 0, 1},
    {"cluster.dup_jaccard", NW_CFG_DBL, "0.5", F(dup_jaccard),
     "Jaccard at or above which a match is a duplicate", 0, 0, 1},
    {"cluster.story_containment", NW_CFG_DBL, "0.3", F(story_containment),
     "containment at or above which a match is the same story", 0, 0, 1},
    {"cluster.story_jaccard", NW_CFG_DBL, "0.2", F(story_jaccard),
     "Jaccard at or above which a match is the same story", 0, 0, 1},
    {"cluster.max_revisions", NW_CFG_INT, "200", F(max_revisions),
     "articles revised at most per story joined into an older one (the rest: merged_from)", 0, 0,
     256},
    {"cluster.clock_skew_seconds", NW_CFG_INT, "600", F(clock_skew_seconds),
     "published_at may be this far after arrival and still order the article", 0, 0, 86400},
    {"cluster.scheme", NW_CFG_STR, NW_FP_SCHEME_DEFAULT, F(scheme),
     "fingerprint scheme accepted (others are dead-lettered)", 0, 0, 0},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};
#undef F

typedef struct cluster_ctx {
    const cluster_config *cfg;
    nw_redis *redis; /* the stage's Redis layer: the store's */
    nw_store *store;
    size_t cap;
    nw_store_doc *docs;
    nw_fp_read *fps;
    size_t *item_of;           /* docs[k] belongs to items[item_of[k]] */
    nw_metric *m_decisions[3]; /* by nw_relation: new, story, duplicate */
} cluster_ctx;

nw_store *cluster_store_new(const cluster_config *cc, nw_redis *r, const char *prefix, nw_err *err)
{
    nw_store_params p = {.redis = r,
                         .prefix = prefix,
                         .window_s = cc->window_seconds,
                         .bands = (unsigned)cc->bands,
                         .shards = (unsigned)cc->shards,
                         .bucket_limit = (unsigned)cc->bucket_limit,
                         .anchor_df_max = (unsigned)cc->anchor_df_max,
                         .anchor_every = (unsigned)cc->anchor_every,
                         .anchor_least = (unsigned)cc->anchor_least,
                         .common_after = (unsigned)cc->common_after,
                         .common_log2 = (unsigned)cc->common_log2,
                         .max_matches = (unsigned)cc->max_matches,
                         .max_revisions = (unsigned)cc->max_revisions,
                         .clock_skew_ms = cc->clock_skew_seconds * 1000,
                         .match = {cc->dup_containment, cc->dup_jaccard, cc->story_containment,
                                   cc->story_jaccard, (unsigned)cc->min_shingles}};
    return nw_store_new(&p, err);
}

int cluster_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    const cluster_config *cc = cfg;
    if (cc->max_matches < 1 || cc->max_matches > NW_REC_MAX_MATCHES) {
        return nw_err_set(err, NW_E_FATAL, "config", "cluster.max_matches must be 1..%d",
                          NW_REC_MAX_MATCHES);
    }
    if (cc->max_revisions < 0 || cc->max_revisions > NW_REC_MAX_REVISED ||
        cc->clock_skew_seconds < 0) {
        return nw_err_set(err, NW_E_FATAL, "config",
                          "cluster.max_revisions must be 0..%d and cluster.clock_skew_seconds "
                          "not negative",
                          NW_REC_MAX_REVISED);
    }
    cluster_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    c->cfg = cc;
    static const char *const labels[] = {"relation=\"new\"", "relation=\"story\"",
                                         "relation=\"duplicate\""};
    for (int r = 0; r < 3; r++) {
        c->m_decisions[r] =
            nw_counter("nearwire_decisions_total",
                       "Documents decided, by their relation to the best match.", labels[r]);
    }
    c->redis = nw_stage_redis(common, err);
    if (!c->redis) {
        free(c);
        return err->reason && strcmp(err->reason, "nomem") ? NW_E_FATAL : NW_E_NOMEM;
    }
    c->store = cluster_store_new(cc, c->redis, common->redis_prefix, err);
    if (!c->store) {
        nw_redis_free(c->redis);
        free(c);
        return err->reason && strcmp(err->reason, "nomem") ? NW_E_FATAL : NW_E_NOMEM;
    }
    *ctx = c;
    return NW_OK;
}

static void free_arrays(cluster_ctx *c)
{
    free(c->docs);
    free(c->fps);
    free(c->item_of);
}

void cluster_fini(void *ctx)
{
    cluster_ctx *c = ctx;
    if (c) {
        nw_store_free(c->store);
        nw_redis_free(c->redis);
        free_arrays(c);
        free(c);
    }
}

int cluster_ready(void *ctx)
{
    cluster_ctx *c = ctx;
    if (!nw_redis_ping(c->redis)) {
        return 0;
    }
    /* the runner asks about once a second: a cheap moment to refresh the size gauges */
    nw_store_report_size(c->store);
    return 1;
}

static int ensure(cluster_ctx *c, size_t n)
{
    if (n <= c->cap) {
        return NW_OK;
    }
    free_arrays(c);
    c->docs = calloc(n, sizeof *c->docs);
    c->fps = calloc(n, sizeof *c->fps);
    c->item_of = calloc(n, sizeof *c->item_of);
    c->cap = n;
    if (!c->docs || !c->fps || !c->item_of) {
        free_arrays(c);
        c->cap = 0;
        return NW_E_NOMEM;
    }
    return NW_OK;
}

/* The document as it came, with its cluster object. */
static int write_output(const nw_doc *doc, const nw_sig_record *rec, int conflict, nw_outbox *out)
{
    nw_doc_out d;
    nw_outbox_doc_begin(out, doc, "cluster", &d);
    nw_cluster_json_write(out->gen, rec, conflict);
    return nw_outbox_doc_end(out, NULL, &d);
}

/* Another article's decision as this document changed it: its id, who revised it, and its
 * whole cluster object (the latest revision per id is the article's decision). */
static int write_revision(const char *by, const nw_sig_record *rec, nw_outbox *out)
{
    yajl_gen g = out->gen;
    char id[NW_DOC_ID_MAX + 1];
    size_t len = rec->id.len < NW_DOC_ID_MAX ? rec->id.len : NW_DOC_ID_MAX;
    memcpy(id, rec->id.p, len);
    id[len] = '\0';
    yajl_gen_map_open(g);
    nw_json_str(g, "id", id);
    nw_json_str(g, "revised_by", by);
    nw_json_key(g, "cluster");
    nw_cluster_json_write(g, rec, 0);
    yajl_gen_map_close(g);
    return nw_outbox_add_gen(out, NULL, id);
}

static int published(const nw_doc *doc, int64_t *ms)
{
    const char *p = nw_doc_str(doc, "published_at");
    return p && nw_time_parse(p, ms) == 0;
}

static void count_decision(cluster_ctx *c, const nw_store_doc *d)
{
    if (!d->replay && !d->repeat && !d->collision) { /* counted once, replays not */
        const nw_sig_record *r = d->rec;
        nw_relation rel = r->nmatches ? r->matches[0].relation : NW_REL_NONE;
        nw_metric_add(c->m_decisions[rel], 1);
    }
}

int cluster_step_batch(void *ctx, nw_batch_item *items, size_t n, nw_err *err)
{
    cluster_ctx *c = ctx;
    if (ensure(c, n) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        nw_fp_read *fp = &c->fps[k];
        items[i].rc =
            nw_fp_json_read(nw_doc_get(&items[i].doc, "fp"), c->cfg->scheme, fp, &items[i].err);
        if (items[i].rc != NW_OK) {
            continue;
        }
        nw_store_doc *d = &c->docs[k];
        *d = (nw_store_doc){.doc_id = items[i].doc.id,
                            .sig = fp->sig,
                            .shingles = fp->shingles,
                            .anchors = fp->anchors,
                            .nanchors = fp->nanchors,
                            .exact = fp->exact,
                            .nexact = fp->nexact,
                            .masked = fp->masked,
                            .nmasked = fp->nmasked,
                            .exact_keys = fp->exact_keys,
                            .nkeys = fp->nkeys};
        d->has_published = published(&items[i].doc, &d->published_ms);
        c->item_of[k++] = i;
    }
    int rc = k ? nw_store_decide(c->store, c->docs, k, nw_wall_ms(), err) : NW_OK;
    for (size_t j = 0; j < k && rc == NW_OK; j++) {
        const nw_store_doc *d = &c->docs[j];
        nw_batch_item *it = &items[c->item_of[j]];
        if (d->collision) {
            it->rc = nw_err_set(&it->err, NW_E_INPUT, "id_hash_collision",
                                "another document id has the same 64-bit hash");
            continue;
        }
        count_decision(c, d);
        rc = write_output(&it->doc, d->rec, d->conflict, it->out);
        for (size_t r = 0; r < d->nrevisions && rc == NW_OK; r++) {
            rc = write_revision(d->doc_id, d->revisions[r], it->out);
        }
    }
    return rc;
}
