/* cluster_step.c - checks the fp contract, asks the store to match and insert a whole batch,
 * renders each decision once and stores exactly those bytes, so a replay returns the same
 * decision. Output is always written from the stored bytes, fresh or replayed alike. */
#include "cluster_step.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base64.h"
#include "core/nw_error.h"
#include "core/timefmt.h"
#include "io/metrics.h"
#include "io/sig_store.h"

#define F(x) offsetof(cluster_config, x)
const nw_cfg_key cluster_keys[] = {
    {"cluster.window_seconds", NW_CFG_INT, "604800", F(window_seconds),
     "how long a document stays matchable (every store key's TTL)", 0},
    {"cluster.bands", NW_CFG_INT, "8", F(bands),
     "LSH bands, one MinHash bin each; more finds lower Jaccard, costs Redis work", 0},
    {"cluster.shards", NW_CFG_INT, "65536", F(shards),
     "bucket sorted sets; keep docs-in-window x bands / shards under 128", 0},
    {"cluster.bucket_limit", NW_CFG_INT, "64", F(bucket_limit),
     "members read from one bucket at most (common shingles make big buckets)", 0},
    {"cluster.max_matches", NW_CFG_INT, "5", F(max_matches), "matches listed per document", 0},
    {"cluster.min_shingles", NW_CFG_INT, "20", F(min_shingles),
     "containment is used only when both documents have this many shingles", 0},
    {"cluster.dup_containment", NW_CFG_DBL, "0.6", F(dup_containment),
     "containment at or above which a match is a duplicate", 0},
    {"cluster.dup_jaccard", NW_CFG_DBL, "0.5", F(dup_jaccard),
     "Jaccard at or above which a match is a duplicate", 0},
    {"cluster.story_containment", NW_CFG_DBL, "0.3", F(story_containment),
     "containment at or above which a match is the same story", 0},
    {"cluster.story_jaccard", NW_CFG_DBL, "0.2", F(story_jaccard),
     "Jaccard at or above which a match is the same story", 0},
    {"cluster.scheme", NW_CFG_STR, "v2-nfkdcf-w3-oph128-s1", F(scheme),
     "fingerprint scheme accepted (others are dead-lettered)", 0},
    {NULL, 0, NULL, 0, NULL, 0}};
#undef F

typedef struct cluster_ctx {
    const cluster_config *cfg;
    nw_store *store;
    size_t cap;
    nw_store_doc *docs;
    uint32_t (*sigs)[NW_MINHASH_BINS];
    size_t *item_of; /* docs[k] belongs to items[item_of[k]] */
    const char **json;
    size_t *jlen;
    nw_buf rendered;
    size_t *roff;
    yajl_gen gen;
    nw_metric *m_decisions[3]; /* by nw_relation: new, story, duplicate */
} cluster_ctx;

int cluster_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    const cluster_config *cc = cfg;
    if (cc->max_matches < 1 || cc->max_matches > NW_STORE_MAX_CANDIDATES) {
        return nw_err_set(err, NW_E_FATAL, "config", "cluster.max_matches must be 1..%d",
                          NW_STORE_MAX_CANDIDATES);
    }
    cluster_ctx *c = calloc(1, sizeof *c);
    if (!c || !(c->gen = nw_json_gen_new())) {
        free(c);
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    c->cfg = cc;
    nw_buf_init(&c->rendered);
    static const char *const labels[] = {"relation=\"new\"", "relation=\"story\"",
                                         "relation=\"duplicate\""};
    for (int r = 0; r < 3; r++) {
        c->m_decisions[r] = nw_counter("nearwire_decisions_total",
                                       "Documents decided, by their relation to the best match.",
                                       labels[r]);
    }
    nw_store_params p = {common->redis_url,
                         common->redis_prefix,
                         cc->window_seconds,
                         (unsigned)cc->bands,
                         (unsigned)cc->shards,
                         (unsigned)cc->bucket_limit,
                         (int)common->redis_timeout_ms,
                         {cc->dup_containment, cc->dup_jaccard, cc->story_containment,
                          cc->story_jaccard, (unsigned)cc->min_shingles}};
    c->store = nw_store_new(&p, err);
    if (!c->store) {
        yajl_gen_free(c->gen);
        free(c);
        return err->reason && strcmp(err->reason, "nomem") ? NW_E_FATAL : NW_E_NOMEM;
    }
    *ctx = c;
    return NW_OK;
}

static void free_arrays(cluster_ctx *c)
{
    free(c->docs);
    free(c->sigs);
    free(c->item_of);
    free(c->json);
    free(c->jlen);
    free(c->roff);
}

void cluster_fini(void *ctx)
{
    cluster_ctx *c = ctx;
    if (c) {
        nw_store_free(c->store);
        yajl_gen_free(c->gen);
        nw_buf_release(&c->rendered);
        free_arrays(c);
        free(c);
    }
}

int cluster_ready(void *ctx)
{
    nw_store *store = ((cluster_ctx *)ctx)->store;
    if (!nw_store_ready(store)) {
        return 0;
    }
    /* the runner asks about once a second: a cheap moment to refresh the size gauges */
    nw_store_report_size(store);
    return 1;
}

static int ensure(cluster_ctx *c, size_t n)
{
    if (n <= c->cap) {
        return NW_OK;
    }
    free_arrays(c);
    c->docs = calloc(n, sizeof *c->docs);
    c->sigs = calloc(n, sizeof *c->sigs);
    c->item_of = calloc(n, sizeof *c->item_of);
    c->json = calloc(n, sizeof *c->json);
    c->jlen = calloc(n, sizeof *c->jlen);
    c->roff = calloc(n, sizeof *c->roff);
    c->cap = n;
    if (!c->docs || !c->sigs || !c->item_of || !c->json || !c->jlen || !c->roff) {
        free_arrays(c);
        c->cap = 0;
        return NW_E_NOMEM;
    }
    return NW_OK;
}

/* Reads fp.scheme, fp.shingles and fp.minhash (128 little-endian u32, base64). */
static int read_fp(const cluster_ctx *c, const nw_doc *doc, uint32_t *sig, uint32_t *shingles,
                   nw_err *err)
{
    yajl_val fp = nw_doc_get(doc, "fp");
    if (!fp || !YAJL_IS_OBJECT(fp)) {
        return nw_err_set(err, NW_E_INPUT, "missing_field", "object \"fp\" is missing");
    }
    const char *sp[] = {"scheme", NULL}, *np[] = {"shingles", NULL}, *mp[] = {"minhash", NULL};
    yajl_val scheme = yajl_tree_get(fp, sp, yajl_t_string);
    yajl_val n = yajl_tree_get(fp, np, yajl_t_number);
    yajl_val mh = yajl_tree_get(fp, mp, yajl_t_string);
    if (!scheme || !n || !mh || !YAJL_IS_INTEGER(n) || YAJL_GET_INTEGER(n) < 0 ||
        YAJL_GET_INTEGER(n) > UINT32_MAX) {
        return nw_err_set(err, NW_E_INPUT, "bad_field_type",
                          "fp needs scheme (string), shingles (integer), minhash (string)");
    }
    if (strcmp(scheme->u.string, c->cfg->scheme) != 0) {
        return nw_err_set(err, NW_E_INPUT, "scheme_mismatch",
                          "fp.scheme \"%.80s\" is not the store's \"%.80s\"", scheme->u.string,
                          c->cfg->scheme);
    }
    unsigned char raw[NW_MINHASH_BINS * 4];
    const char *b64 = mh->u.string;
    if (nw_base64_decode(b64, strlen(b64), raw, sizeof raw) != (long)sizeof raw) {
        return nw_err_set(err, NW_E_INPUT, "bad_signature",
                          "fp.minhash is not base64 of %d bytes", NW_MINHASH_BINS * 4);
    }
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        sig[i] = (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 |
                 (uint32_t)raw[4 * i + 2] << 16 | (uint32_t)raw[4 * i + 3] << 24;
    }
    *shingles = (uint32_t)YAJL_GET_INTEGER(n);
    return NW_OK;
}

static void render(yajl_gen g, const nw_store_doc *o, size_t max_matches)
{
    const nw_decision *d = &o->decision;
    const nw_candidate *best = d->nmatches ? &o->cands[0] : NULL;
    const nw_candidate *dup = d->dup_of >= 0 ? &o->cands[d->dup_of] : NULL;
    const nw_candidate *score = dup ? dup : best;
    char ts[32];
    nw_time_format_ms(o->first_seen_ms, ts, sizeof ts);
    yajl_gen_map_open(g);
    nw_json_str(g, "story_id", o->story_id);
    nw_json_str(g, "dup_of", dup ? dup->id : NULL);
    nw_json_str(g, "relation", best ? nw_relation_name(best->relation) : "new");
    nw_json_dbl(g, "jaccard", score ? score->jaccard : 0);
    nw_json_dbl(g, "containment", score ? score->containment : 0);
    nw_json_key(g, "matches");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < d->nmatches && i < max_matches; i++) {
        yajl_gen_map_open(g);
        nw_json_str(g, "id", o->cands[i].id);
        nw_json_dbl(g, "jaccard", o->cands[i].jaccard);
        nw_json_dbl(g, "containment", o->cands[i].containment);
        nw_json_str(g, "relation", nw_relation_name(o->cands[i].relation));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    /* stories this document links that keep their own id: joined into story_id */
    nw_json_key(g, "merged_from");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < d->nmatches; i++) {
        const char *sid = o->cands[i].story_id;
        int seen = strcmp(sid, o->story_id) == 0;
        for (size_t j = 0; j < i && !seen; j++) {
            seen = strcmp(o->cands[j].story_id, sid) == 0;
        }
        if (!seen) {
            nw_json_str(g, NULL, sid);
        }
    }
    yajl_gen_array_close(g);
    nw_json_str(g, "first_seen", ts);
    yajl_gen_map_close(g);
}

/* The decision is re-read from its stored bytes, fresh or replayed alike, so both paths emit
 * the same output (numbers keep their stored text). */
static int write_output(const nw_doc *doc, const char *dec, size_t len, nw_outbox *out,
                        nw_err *err)
{
    yajl_val tree = nw_json_parse(dec, len, err);
    if (!tree) {
        return nw_err_set(err, NW_E_FATAL, "store_corrupt", "stored decision is not JSON");
    }
    static const char *const replaced[] = {"cluster", NULL};
    yajl_gen g = out->gen;
    yajl_gen_map_open(g);
    nw_json_copy_fields(g, doc->root, replaced);
    nw_json_key(g, "cluster");
    nw_json_value(g, tree);
    yajl_gen_map_close(g);
    yajl_tree_free(tree);
    return nw_outbox_add_gen(out, NULL, doc->id);
}

/* Renders every fresh decision into one buffer; json[k] points into it afterwards. */
static int render_all(cluster_ctx *c, size_t n)
{
    nw_buf_reset(&c->rendered);
    for (size_t k = 0; k < n; k++) {
        const nw_store_doc *d = &c->docs[k];
        c->roff[k] = c->rendered.len;
        if (d->replay) {
            c->jlen[k] = d->stored_len;
            continue;
        }
        render(c->gen, d, (size_t)c->cfg->max_matches);
        const unsigned char *p;
        size_t len;
        yajl_gen_get_buf(c->gen, &p, &len);
        c->jlen[k] = len;
        int rc = nw_buf_append(&c->rendered, p, len);
        yajl_gen_clear(c->gen);
        yajl_gen_reset(c->gen, NULL);
        if (rc != NW_OK) {
            return rc;
        }
    }
    for (size_t k = 0; k < n; k++) {
        c->json[k] = c->docs[k].replay ? c->docs[k].stored : c->rendered.data + c->roff[k];
    }
    return NW_OK;
}

int cluster_step_batch(void *ctx, nw_batch_item *items, size_t n, nw_err *err)
{
    cluster_ctx *c = ctx;
    if (ensure(c, n) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t shingles = 0;
        items[i].rc = read_fp(c, &items[i].doc, c->sigs[k], &shingles, &items[i].err);
        if (items[i].rc != NW_OK) {
            continue;
        }
        c->docs[k] = (nw_store_doc){.doc_id = items[i].doc.id, .sig = c->sigs[k],
                                    .shingles = shingles};
        c->item_of[k++] = i;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    int rc = k ? nw_store_match_insert(c->store, c->docs, k, now_ms, err) : NW_OK;
    if (rc == NW_OK && k) {
        rc = render_all(c, k);
    }
    if (rc == NW_OK && k) {
        rc = nw_store_save(c->store, c->docs, c->json, c->jlen, k, err);
    }
    for (size_t j = 0; j < k && rc == NW_OK; j++) { /* stored: counted once, replays not */
        const nw_store_doc *d = &c->docs[j];
        if (!d->replay && !d->repeat && !d->collision) {
            nw_relation r = d->decision.nmatches ? d->cands[0].relation : NW_REL_NONE;
            nw_metric_add(c->m_decisions[r], 1);
        }
    }
    for (size_t j = 0; j < k && rc == NW_OK; j++) {
        nw_batch_item *it = &items[c->item_of[j]];
        if (c->docs[j].collision) {
            it->rc = nw_err_set(&it->err, NW_E_INPUT, "id_hash_collision",
                                "another document id has the same 64-bit hash");
            continue;
        }
        rc = write_output(&it->doc, c->json[j], c->jlen[j], it->out, err);
    }
    return rc;
}
