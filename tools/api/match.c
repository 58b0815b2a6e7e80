/* match.c - POST /v1/match: a text (text/plain or text/html) or an article (application/json
 * with "body" or "text", and optionally title, source, url, published_at, lang) goes through
 * the clean and fingerprint stages' own steps in-process, then the store says what it would
 * decide now, reading only: the articles in the window it duplicates or shares a story with.
 * Nothing is inserted, so asking twice gives the same answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "core/doc.h"
#include "core/nw_error.h"
#include "core/outbox.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "io/metrics.h"
#include "sketch/fp_json.h"

/* The fields of a posted article the pipeline reads. */
static const char *const article_fields[] = {"title",        "source", "url", "published_at",
                                             "content_type", "lang",   NULL};

/* The raw document the clean step reads, from what was posted; a 400 reply when it cannot be. */
static int raw_document(const char *id, const nw_http_request *q, yajl_gen g, nw_buf *raw,
                        nw_http_response *r)
{
    size_t len;
    const char *body = nw_http_body(q, &len);
    const char *type = nw_http_header(q, "Content-Type");
    if (nw_utf8_validate(body, len) != len) {
        api_error(r, 400, "invalid_utf8", "the request body is not UTF-8");
        return -1;
    }
    yajl_gen_map_open(g);
    nw_json_str(g, "id", id);
    if (type && !strncasecmp(type, "application/json", 16)) {
        nw_err err;
        yajl_val root = nw_json_parse(body, len, &err);
        const char *bp[] = {"body", NULL}, *tp[] = {"text", NULL};
        yajl_val text = root ? yajl_tree_get(root, bp, yajl_t_string) : NULL;
        text = text || !root ? text : yajl_tree_get(root, tp, yajl_t_string);
        if (!text) {
            api_error(r, 400, root ? "missing_field" : err.reason,
                      root ? "an article needs \"body\" or \"text\" (a string)" : "%s", err.detail);
            if (root) {
                yajl_tree_free(root);
            }
            return -1;
        }
        nw_json_str(g, "body", text->u.string);
        for (int i = 0; article_fields[i]; i++) {
            const char *p[] = {article_fields[i], NULL};
            yajl_val v = yajl_tree_get(root, p, yajl_t_string);
            if (v) {
                nw_json_str(g, article_fields[i], v->u.string);
            }
        }
        yajl_tree_free(root);
    } else {
        if (!len) {
            api_error(r, 400, "empty", "POST the text to match (or an article as JSON)");
            return -1;
        }
        nw_json_strn(g, "body", body, len);
        if (type && (!strncasecmp(type, "text/html", 9) || !strncasecmp(type, "text/plain", 10))) {
            nw_json_str(g, "content_type",
                        !strncasecmp(type, "text/html", 9) ? "text/html" : "text/plain");
        }
    }
    yajl_gen_map_close(g);
    return nw_json_take(g, raw) == NW_OK ? 0 : (api_error(r, 500, "nomem", "out of memory"), -1);
}

/* One step's output document, parsed; a reply when the step refused the input. */
static int parse_output(const char *stage, const nw_outbox *o, int rc, const nw_err *err,
                        nw_doc *out, nw_http_response *r)
{
    if (rc == NW_E_INPUT) {
        api_error(r, 400, err->reason ? err->reason : "bad_input", "%s: %s", stage, err->detail);
        return -1;
    }
    if (rc != NW_OK || !o->n) {
        api_error(r, 500, "step_failed", "%s: %s", stage, err->detail);
        return -1;
    }
    nw_err perr;
    const nw_record *rec = &o->rec[0];
    if (nw_doc_parse(out, nw_record_val(o, rec), rec->val_len, (size_t)-1 / 2, &perr) != NW_OK) {
        api_error(r, 500, "step_output", "%s wrote what it cannot read back: %s", stage,
                  perr.detail);
        return -1;
    }
    return 0;
}

static void write_answer(api_ctx *a, const char *id, const nw_fp_read *fp,
                         const nw_store_answer *ans, const nw_candidate *rel, size_t n,
                         const nw_sig_record *const *recs, const char *const *cards,
                         const size_t *lens, nw_http_response *r)
{
    yajl_gen g = a->g;
    yajl_gen_map_open(g);
    nw_json_str(g, "id", id);
    nw_json_int(g, "shingles", fp->shingles);
    /* as the pipeline would decide it now: against the articles before it; a later one
     * (published_at before theirs) makes it their original, still in their story */
    nw_json_str(g, "relation", ans->nearlier ? nw_relation_name(rel[0].relation) : "new");
    nw_json_str(g, "dup_of", ans->dup_of == 0 ? rel[0].id : NULL);
    if (n && recs[0]) {
        nw_json_strn(g, "story_id", recs[0]->story.p, recs[0]->story.len);
    } else {
        nw_json_str(g, "story_id", NULL);
    }
    nw_json_key(g, "matches");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        api_write_article(g, rel[i].id, recs[i], cards[i], lens[i], 0);
        nw_json_str(g, "relation", nw_relation_name(rel[i].relation));
        nw_json_dbl(g, "jaccard", rel[i].jaccard);
        nw_json_dbl(g, "containment", rel[i].containment);
        nw_json_bool(g, "earlier", rel[i].earlier);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    api_json(a, r, 200);
}

/* The answer's articles: copied out of the store (its next call ends them), then their
 * records (for their stories) and cards (for their titles) read. */
static void answer(api_ctx *a, const char *id, const nw_fp_read *fp, const nw_store_answer *ans,
                   nw_http_response *r)
{
    size_t n = ans->nearlier + ans->nlater;
    nw_candidate *rel = calloc(n ? n : 1, sizeof *rel);
    const char **ids = calloc(n ? n : 1, sizeof *ids), **cards = calloc(n ? n : 1, sizeof *cards);
    const nw_sig_record **recs = calloc(n ? n : 1, sizeof *recs);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    int ok = rel && ids && cards && recs && lens;
    for (size_t i = 0; ok && i < n; i++) {
        rel[i] = ans->related[i];
        ok = (ids[i] = rel[i].id = strdup(ans->related[i].id)) != NULL;
    }
    nw_err err;
    nw_err_clear(&err);
    int rc = NW_OK;
    if (!ok) {
        api_error(r, 500, "nomem", "out of memory");
    } else if ((rc = nw_store_records(a->store, ids, n, recs, &err)) != NW_OK ||
               (rc = nw_article_store_get(a->cards, ids, n, cards, lens, &err)) != NW_OK) {
        api_store_error(r, rc, &err);
    } else {
        write_answer(a, id, fp, ans, rel, n, recs, cards, lens, r);
    }
    for (size_t i = 0; ids && i < n; i++) {
        free((char *)ids[i]); /* the copies made above */
    }
    free(rel);
    free(ids);
    free(cards);
    free(recs);
    free(lens);
}

/* Fingerprinted document -> the store's answer. */
static void query_store(api_ctx *a, const char *id, const nw_doc *fpdoc, nw_http_response *r)
{
    nw_err err;
    nw_err_clear(&err);
    static nw_fp_read fp; /* 2.5 KB; one request at a time */
    if (nw_fp_json_read(nw_doc_get(fpdoc, "fp"), a->cluster_cfg->scheme, &fp, &err) != NW_OK) {
        api_error(r, 500, err.reason, "fingerprint: %s", err.detail);
        return;
    }
    nw_store_doc d = {.doc_id = id,
                      .sig = fp.sig,
                      .shingles = fp.shingles,
                      .anchors = fp.anchors,
                      .nanchors = fp.nanchors,
                      .exact = fp.exact,
                      .nexact = fp.nexact,
                      .masked = fp.masked,
                      .nmasked = fp.nmasked};
    const char *published = nw_doc_str(fpdoc, "published_at");
    d.has_published = published && nw_time_parse(published, &d.published_ms) == 0;
    nw_store_answer ans;
    int rc = nw_store_query(a->store, &d, nw_wall_ms(), &ans, &err);
    if (rc != NW_OK) {
        api_store_error(r, rc, &err);
        return;
    }
    answer(a, id, &fp, &ans, r);
}

void api_match(api_ctx *a, const nw_http_request *q, nw_http_response *r)
{
    char id[32];
    snprintf(id, sizeof id, "query-%lu", ++a->queries);
    nw_buf raw;
    nw_buf_init(&raw);
    nw_outbox cleaned, printed;
    nw_outbox_init(&cleaned);
    nw_outbox_init(&printed);
    nw_doc clean_doc = {0}, fp_doc = {0};
    nw_batch_item it = {.out = &cleaned, .rc = NW_OK};
    nw_err_clear(&it.err);
    if (raw_document(id, q, a->g, &raw, r) != 0) {
        goto done;
    }
    if (nw_doc_parse(&it.doc, raw.data, raw.len, raw.len + 1, &it.err) != NW_OK) {
        api_error(r, 400, it.err.reason, "%s", it.err.detail);
        goto done;
    }
    nw_err err;
    nw_err_clear(&err);
    int rc = clean_step_batch(a->clean, &it, 1, &err);
    if (parse_output("clean", &cleaned, rc != NW_OK ? rc : it.rc, rc != NW_OK ? &err : &it.err,
                     &clean_doc, r) != 0) {
        goto done;
    }
    rc = fingerprint_step(a->fingerprint, &clean_doc, &printed, &err);
    if (parse_output("fingerprint", &printed, rc, &err, &fp_doc, r) != 0) {
        goto done;
    }
    query_store(a, id, &fp_doc, r);
done:
    nw_doc_release(&it.doc);
    nw_doc_release(&clean_doc);
    nw_doc_release(&fp_doc);
    nw_outbox_release(&cleaned);
    nw_outbox_release(&printed);
    nw_buf_release(&raw);
}
