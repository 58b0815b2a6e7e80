/* clean_step.c - validates the raw-document contract, runs the cleaner, writes the output
 * document with every user field passed through. A batch goes in two passes: each document
 * is cleaned and its output written up to its text; then, when site lines are learned
 * (clean.repeated_after), the edge paragraphs of the whole batch are counted in one Redis
 * update, and each text is written without its site's repeated lines. */
#include "clean_step.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/nw_error.h"
#include "io/stoplists.h"
#include "io/term_store.h"
#include "text/clean.h"
#include "text/html_extract.h"
#include "text/html_scan.h"
#include "text/repeated.h"

const nw_cfg_key clean_keys[] = {
    {"clean.keep_body", NW_CFG_BOOL, "false", offsetof(clean_config, keep_body),
     "keep the raw body in the output document", 0, 0, 0},
    {"clean.stoplists", NW_CFG_STR, "config/stoplists", offsetof(clean_config, stoplists),
     "folder of the stopword lists used to detect the language", 0, 0, 0},
    {"clean.repeated_after", NW_CFG_INT, "5", offsetof(clean_config, repeated_after),
     "drop a site's own line (a first-2 or last-3 paragraph of 4+ words) once this many other "
     "articles of its source (or url host) in the window have it; counted in Redis; 0 = off",
     0, 0, 1000000},
    {"clean.window_seconds", NW_CFG_INT, "604800", offsetof(clean_config, window_seconds),
     "how long a site's lines are remembered (clean.repeated_after)", 0, 1, 31622400},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};

/* A cleaned document waiting for its site's counts: its text and byline (copied out of the
 * cleaner, which the next document reuses), its report, and its edge paragraphs. */
typedef struct pending {
    size_t item;
    size_t text_off, text_len, byline_off, byline_len;
    nw_clean_result report; /* counters only: its buffers belong to the cleaner */
    size_t para_off, npara;
    size_t tdoc;   /* its entry in tdocs, when it has paragraphs to look up */
    unsigned drop; /* which of them go (repeated.h) */
} pending;

typedef struct clean_ctx {
    const clean_config *cfg;
    nw_cleaner *cleaner;
    nw_lang *lang;
    nw_redis *redis;      /* the stage's Redis layer; NULL when clean.repeated_after is 0 */
    nw_term_store *lines; /* NULL when clean.repeated_after is 0 */
    nw_buf texts;         /* the batch's texts and bylines */
    nw_buf stripped;      /* one text without its site's lines */
    pending *pend;
    size_t pcap;
    nw_repeated_para *paras;
    size_t parcap, npara;
    nw_term *terms;
    long long *df;
    nw_term_doc *tdocs;
    char (*marks)[16]; /* per tdoc: the mark of what it dropped, for its replays */
    const char **mark_of;
    size_t tcap, dcap, tdcap, mcap, mocap;
} clean_ctx;

int clean_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    clean_ctx *c = calloc(1, sizeof *c);
    if (!c || !(c->cleaner = nw_cleaner_new())) {
        free(c);
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    c->cfg = cfg;
    nw_buf_init(&c->texts);
    nw_buf_init(&c->stripped);
    char ebuf[512];
    c->lang = nw_stoplists_load(c->cfg->stoplists, ebuf, sizeof ebuf);
    if (!c->lang) {
        clean_fini(c);
        return nw_err_set(err, NW_E_FATAL, "config", "%s", ebuf);
    }
    if (c->cfg->repeated_after > 0 && common) {
        char prefix[NW_CFG_STR_MAX + 8];
        snprintf(prefix, sizeof prefix, "%slines:", common->redis_prefix);
        c->redis = nw_stage_redis(common, err);
        c->lines =
            c->redis ? nw_term_store_new(c->redis, prefix, c->cfg->window_seconds, err) : NULL;
        if (!c->lines) {
            clean_fini(c);
            return NW_E_FATAL;
        }
    }
    *ctx = c;
    return NW_OK;
}

void clean_fini(void *ctx)
{
    clean_ctx *c = ctx;
    if (c) {
        nw_cleaner_free(c->cleaner);
        nw_lang_free(c->lang);
        nw_term_store_free(c->lines);
        nw_redis_free(c->redis);
        nw_buf_release(&c->texts);
        nw_buf_release(&c->stripped);
        free(c->pend);
        free(c->paras);
        free(c->terms);
        free(c->df);
        free(c->tdocs);
        free(c->marks);
        free(c->mark_of);
        free(c);
    }
}

int clean_ready(void *ctx)
{
    clean_ctx *c = ctx;
    return !c->redis || nw_redis_ping(c->redis);
}

static int content_type(const nw_doc *doc, nw_content_type *ct, nw_err *err)
{
    yajl_val v = nw_doc_get(doc, "content_type");
    if (!v) {
        *ct = NW_CT_SNIFF;
        return NW_OK;
    }
    if (!YAJL_IS_STRING(v)) {
        return nw_err_set(err, NW_E_INPUT, "bad_field_type",
                          "field \"content_type\" must be a string");
    }
    const char *s = YAJL_GET_STRING(v);
    size_t n = strcspn(s, "; ");
    if (n == 10 && strncasecmp(s, "text/plain", n) == 0) {
        *ct = NW_CT_TEXT;
    } else if (n == 9 && strncasecmp(s, "text/html", n) == 0) {
        *ct = NW_CT_HTML;
    } else {
        return nw_err_set(err, NW_E_INPUT, "unknown_content_type",
                          "content_type \"%.64s\" is neither text/plain nor text/html", s);
    }
    return NW_OK;
}

static void write_report(yajl_gen g, const nw_clean_result *r, const char *byline,
                         size_t byline_len, const char *decoded_from)
{
    nw_json_key(g, "clean");
    yajl_gen_map_open(g);
    nw_json_int(g, "chars_in", (long long)r->chars_in);
    nw_json_int(g, "chars_out", (long long)r->chars_out);
    nw_json_int(g, "paragraphs_kept", (long long)r->paragraphs_kept);
    nw_json_int(g, "paragraphs_dropped", (long long)r->paragraphs_dropped);
    nw_json_str(g, "format", r->is_html ? "html" : "text");
    nw_json_str(g, "charset", decoded_from[0] ? decoded_from : "utf-8");
    nw_json_strn(g, "byline", byline_len ? byline : NULL, byline_len);
    nw_json_key(g, "dropped");
    yajl_gen_array_open(g);
    for (int i = 1; i < NW_BP_COUNT; i++) {
        if (r->drops[i].paragraphs) {
            yajl_gen_map_open(g);
            nw_json_str(g, "reason", nw_bp_reason_name((nw_bp_reason)i));
            nw_json_int(g, "chars", (long long)r->drops[i].chars);
            nw_json_int(g, "paragraphs", (long long)r->drops[i].paragraphs);
            yajl_gen_map_close(g);
        }
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
}

/* Pass 1 for one document: checks it, cleans it, writes its output up to the text and keeps
 * what pass 2 needs in p. NW_OK, NW_E_INPUT (err says why) or NW_E_NOMEM. */
static int clean_one(clean_ctx *c, const nw_doc *doc, nw_outbox *out, pending *p, nw_err *err)
{
    const char *body;
    nw_content_type ct = NW_CT_SNIFF;
    int rc = nw_doc_require_str(doc, "body", &body, err);
    if (rc == NW_OK) {
        rc = content_type(doc, &ct, err);
    }
    yajl_val title = nw_doc_get(doc, "title");
    if (rc == NW_OK && title && !YAJL_IS_STRING(title) && !YAJL_IS_NULL(title)) {
        rc = nw_err_set(err, NW_E_INPUT, "bad_field_type", "field \"title\" must be a string");
    }
    if (rc != NW_OK) {
        return rc;
    }
    if (body[strspn(body, " \t\r\n")] == '\0') {
        return nw_err_set(err, NW_E_INPUT, "empty_body", "field \"body\" is empty");
    }
    size_t blen = strlen(body);
    if (ct == NW_CT_SNIFF) { /* decided once, here: the scan below and the cleaner agree */
        ct = nw_html_sniff(body, blen) ? NW_CT_HTML : NW_CT_TEXT;
    }
    if (ct == NW_CT_HTML && nw_html_scan(body, blen, NW_HTML_MAX_DEPTH, err) != NW_OK) {
        return NW_E_INPUT; /* too deep for the HTML5 parser's time and memory */
    }
    const nw_clean_result *r;
    rc = nw_cleaner_run(c->cleaner, body, blen, ct,
                        title && YAJL_IS_STRING(title) ? YAJL_GET_STRING(title) : NULL, &r);
    if (rc == NW_E_INPUT) {
        return nw_err_set(err, rc, "too_complex",
                          "the HTML parser needed over %zu MB for this page of %zu bytes",
                          nw_html_parser_budget(blen) >> 20, blen);
    }
    if (rc != NW_OK) {
        return nw_err_set(err, rc, "nomem", "out of memory while cleaning");
    }
    p->report = *r;
    p->text_off = c->texts.len;
    p->text_len = r->text.len;
    p->byline_off = p->text_off + r->text.len;
    p->byline_len = r->byline.len;
    if (nw_buf_append(&c->texts, r->text.data ? r->text.data : "", r->text.len) != NW_OK ||
        nw_buf_append(&c->texts, r->byline.data ? r->byline.data : "", r->byline.len) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    yajl_gen g = out->gen;
    static const char *const replaced[] = {"title", "text", "clean", "body", NULL};
    yajl_gen_map_open(g);
    nw_json_copy_fields(g, doc->root, replaced);
    if (c->cfg->keep_body) {
        nw_json_str(g, "body", body);
    }
    if (!nw_doc_str(doc, "lang")) { /* a given lang passes through; else detected */
        nw_json_str(g, "lang",
                    nw_lang_detect(c->lang, r->text.data ? r->text.data : "", r->text.len));
    }
    nw_json_strn(g, "title", r->title.len ? r->title.data : NULL, r->title.len);
    return NW_OK;
}

/* The document's edge paragraphs, keyed by its site, appended to c->paras. */
static int pick_lines(clean_ctx *c, const nw_doc *doc, pending *p)
{
    char site[256];
    size_t slen =
        nw_repeated_site(nw_doc_str(doc, "source"), nw_doc_str(doc, "url"), site, sizeof site);
    p->para_off = c->npara;
    p->npara = 0;
    if (!c->lines || slen == 0) {
        return NW_OK;
    }
    if (nw_array_reserve((void **)&c->paras, &c->parcap, c->npara + NW_REPEATED_MAX,
                         sizeof *c->paras) != NW_OK) {
        return NW_E_NOMEM;
    }
    p->npara =
        nw_repeated_pick(site, slen, c->texts.data + p->text_off, p->text_len, c->paras + c->npara);
    c->npara += p->npara;
    return NW_OK;
}

/* The batch's site lines: one Redis update counts how many articles of the window have each
 * edge line; each document drops its site's own, and one more round trip marks what it
 * dropped, so that a replay drops the same (a replay is not counted again). */
static int decide_lines(clean_ctx *c, size_t npend, const nw_batch_item *items, nw_err *err)
{
    for (size_t j = 0; j < npend; j++) {
        c->pend[j].drop = 0;
    }
    if (!c->lines || c->npara == 0) {
        return NW_OK;
    }
    if (nw_array_reserve((void **)&c->terms, &c->tcap, c->npara, sizeof *c->terms) ||
        nw_array_reserve((void **)&c->df, &c->dcap, c->npara, sizeof *c->df) ||
        nw_array_reserve((void **)&c->tdocs, &c->tdcap, npend, sizeof *c->tdocs) ||
        nw_array_reserve((void **)&c->marks, &c->mcap, npend, sizeof *c->marks) ||
        nw_array_reserve((void **)&c->mark_of, &c->mocap, npend, sizeof *c->mark_of)) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    size_t nd = 0;
    for (size_t k = 0; k < c->npara; k++) {
        c->terms[k] = (nw_term){c->paras[k].key, NW_REPEATED_KEY_LEN, 1};
    }
    for (size_t j = 0; j < npend; j++) {
        pending *p = &c->pend[j];
        if (p->npara) {
            p->tdoc = nd;
            c->tdocs[nd++] = (nw_term_doc){.doc_id = items[p->item].doc.id,
                                           .terms = c->terms + p->para_off,
                                           .nterms = p->npara,
                                           .df = c->df + p->para_off};
        }
    }
    int rc = nw_term_store_update(c->lines, c->tdocs, nd, (int64_t)time(NULL), err);
    size_t marked = 0;
    for (size_t j = 0; j < npend && rc == NW_OK; j++) {
        pending *p = &c->pend[j];
        if (!p->npara) {
            continue;
        }
        const nw_term_doc *td = &c->tdocs[p->tdoc];
        p->drop = td->replay ? nw_repeated_mask_of(td->mark)
                             : nw_repeated_drops(td->df, p->npara, c->cfg->repeated_after);
        c->mark_of[p->tdoc] = NULL; /* the store's own mark says "nothing dropped" */
        if (!td->replay && p->drop) {
            nw_repeated_mark(p->drop, c->marks[p->tdoc], sizeof c->marks[p->tdoc]);
            c->mark_of[p->tdoc] = c->marks[p->tdoc];
            marked++;
        }
    }
    return rc == NW_OK && marked ? nw_term_store_mark(c->lines, c->tdocs, nd, c->mark_of, err) : rc;
}

/* Pass 2 for one document: its text without its site's repeated lines, the report, done. */
static int finish_one(clean_ctx *c, nw_batch_item *it, pending *p)
{
    const char *text = c->texts.data + p->text_off;
    size_t len = p->text_len;
    size_t ndrop = (size_t)__builtin_popcount(p->drop);
    if (ndrop) {
        nw_buf_reset(&c->stripped);
        size_t gone =
            nw_repeated_strip(text, len, c->paras + p->para_off, p->npara, p->drop, &c->stripped);
        if (gone == (size_t)-1) {
            return NW_E_NOMEM;
        }
        text = c->stripped.data;
        len = c->stripped.len;
        p->report.drops[NW_BP_REPEATED].chars += gone;
        p->report.drops[NW_BP_REPEATED].paragraphs += ndrop;
        p->report.paragraphs_kept -= ndrop;
        p->report.paragraphs_dropped += ndrop;
        p->report.chars_out = len;
    }
    yajl_gen g = it->out->gen;
    nw_json_strn(g, "text", text ? text : "", len);
    write_report(g, &p->report, c->texts.data + p->byline_off, p->byline_len, it->doc.decoded_from);
    yajl_gen_map_close(g);
    return nw_outbox_add_gen(it->out, NULL, it->doc.id);
}

int clean_step_batch(void *ctx, nw_batch_item *items, size_t n, nw_err *err)
{
    clean_ctx *c = ctx;
    if (nw_array_reserve((void **)&c->pend, &c->pcap, n, sizeof *c->pend) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    nw_buf_reset(&c->texts);
    c->npara = 0;
    size_t npend = 0;
    for (size_t i = 0; i < n; i++) {
        pending *p = &c->pend[npend];
        int rc = clean_one(c, &items[i].doc, items[i].out, p, &items[i].err);
        if (rc == NW_OK) {
            p->item = i;
            rc = pick_lines(c, &items[i].doc, p);
            npend++;
        }
        if (rc == NW_E_NOMEM) {
            return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
        items[i].rc = rc;
    }
    int rc = decide_lines(c, npend, items, err);
    for (size_t j = 0; j < npend && rc == NW_OK; j++) {
        if (finish_one(c, &items[c->pend[j].item], &c->pend[j]) != NW_OK) {
            rc = nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
        }
    }
    return rc;
}
