/* cluster_step.c - checks the fp contract, asks the store to match and insert, renders the
 * decision once and stores exactly those bytes, so a replay returns the same decision. */
#include "cluster_step.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base64.h"
#include "core/nw_error.h"
#include "core/timefmt.h"
#include "io/sig_store.h"

#define F(x) offsetof(cluster_config, x)
const nw_cfg_key cluster_keys[] = {
    {"cluster.window_seconds", NW_CFG_INT, "604800", F(window_seconds),
     "how long a document stays matchable (every store key's TTL)", 0},
    {"cluster.bands", NW_CFG_INT, "64", F(bands), "LSH bands", 0},
    {"cluster.rows", NW_CFG_INT, "2", F(rows), "MinHash rows per band", 0},
    {"cluster.dup_containment", NW_CFG_DBL, "0.6", F(dup_containment),
     "containment at or above which a match is a duplicate", 0},
    {"cluster.dup_jaccard", NW_CFG_DBL, "0.5", F(dup_jaccard),
     "Jaccard at or above which a match is a duplicate", 0},
    {"cluster.story_containment", NW_CFG_DBL, "0.15", F(story_containment),
     "containment at or above which a match is the same story", 0},
    {"cluster.story_jaccard", NW_CFG_DBL, "0.1", F(story_jaccard),
     "Jaccard at or above which a match is the same story", 0},
    {"cluster.scheme", NW_CFG_STR, "v1-nfkdcf-w3-oph128-b16-s1", F(scheme),
     "fingerprint scheme accepted (others are dead-lettered)", 0},
    {"redis.timeout_ms", NW_CFG_INT, "2000", F(redis_timeout_ms),
     "Redis connect and command timeout", 0},
    {NULL, 0, NULL, 0, NULL, 0}};
#undef F

typedef struct cluster_ctx {
    const cluster_config *cfg;
    nw_store *store;
    nw_store_outcome outcome;
    yajl_gen gen;
} cluster_ctx;

int cluster_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    const cluster_config *cc = cfg;
    cluster_ctx *c = calloc(1, sizeof *c);
    if (!c || !(c->gen = nw_json_gen_new())) {
        free(c);
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    c->cfg = cc;
    nw_store_params p = {common->redis_url,
                         common->redis_prefix,
                         cc->window_seconds,
                         (unsigned)cc->bands,
                         (unsigned)cc->rows,
                         (int)cc->redis_timeout_ms,
                         {cc->dup_containment, cc->dup_jaccard, cc->story_containment,
                          cc->story_jaccard}};
    c->store = nw_store_new(&p, err);
    if (!c->store) {
        yajl_gen_free(c->gen);
        free(c);
        return err->reason ? NW_E_FATAL : NW_E_NOMEM;
    }
    *ctx = c;
    return NW_OK;
}

void cluster_fini(void *ctx)
{
    cluster_ctx *c = ctx;
    if (c) {
        nw_store_free(c->store);
        yajl_gen_free(c->gen);
        free(c);
    }
}

int cluster_ready(void *ctx)
{
    return nw_store_ready(((cluster_ctx *)ctx)->store);
}

/* Reads fp.scheme, fp.shingles and fp.minhash (128 little-endian u16, base64). */
static int read_fp(const cluster_ctx *c, const nw_doc *doc, uint16_t *sig, uint32_t *shingles,
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
    if (!scheme || !n || !mh || !YAJL_IS_INTEGER(n) || YAJL_GET_INTEGER(n) < 0) {
        return nw_err_set(err, NW_E_INPUT, "bad_field_type",
                          "fp needs scheme (string), shingles (integer), minhash (string)");
    }
    if (strcmp(scheme->u.string, c->cfg->scheme) != 0) {
        return nw_err_set(err, NW_E_INPUT, "scheme_mismatch",
                          "fp.scheme \"%.80s\" is not the store's \"%.80s\"", scheme->u.string,
                          c->cfg->scheme);
    }
    unsigned char raw[NW_MINHASH_BINS * 2];
    const char *b64 = mh->u.string;
    if (nw_base64_decode(b64, strlen(b64), raw, sizeof raw) != (long)sizeof raw) {
        return nw_err_set(err, NW_E_INPUT, "bad_signature",
                          "fp.minhash is not base64 of %d bytes", NW_MINHASH_BINS * 2);
    }
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        sig[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
    }
    *shingles = (uint32_t)YAJL_GET_INTEGER(n);
    return NW_OK;
}

static void render(yajl_gen g, const nw_store_outcome *o)
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
    for (size_t i = 0; i < d->nmatches; i++) {
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
    char *copy = strndup(dec, len);
    yajl_val tree = copy ? yajl_tree_parse(copy, NULL, 0) : NULL;
    free(copy);
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

int cluster_step(void *ctx, const nw_doc *doc, nw_outbox *out, nw_err *err)
{
    cluster_ctx *c = ctx;
    uint16_t sig[NW_MINHASH_BINS];
    uint32_t shingles = 0;
    int rc = read_fp(c, doc, sig, &shingles, err);
    if (rc != NW_OK) {
        return rc;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    nw_store_outcome *o = &c->outcome;
    rc = nw_store_match_insert(c->store, doc->id, sig, shingles, now_ms, o, err);
    if (rc != NW_OK) {
        return rc;
    }
    const unsigned char *dec;
    size_t declen;
    if (!o->replay) {
        render(c->gen, o);
        yajl_gen_get_buf(c->gen, &dec, &declen);
        rc = nw_store_save_decision(c->store, o, (const char *)dec, declen, err);
    } else {
        dec = (const unsigned char *)o->stored;
        declen = o->stored_len;
    }
    if (rc == NW_OK) {
        rc = write_output(doc, (const char *)dec, declen, out, err);
    }
    yajl_gen_clear(c->gen);
    yajl_gen_reset(c->gen, NULL);
    return rc;
}
