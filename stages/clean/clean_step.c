/* clean_step.c - validates the raw-document contract, runs the cleaner, writes the output
 * document with every user field passed through. */
#include "clean_step.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/nw_error.h"
#include "io/stoplists.h"
#include "text/clean.h"
#include "text/html_extract.h"
#include "text/html_scan.h"

const nw_cfg_key clean_keys[] = {
    {"clean.keep_body", NW_CFG_BOOL, "false", offsetof(clean_config, keep_body),
     "keep the raw body in the output document", 0, 0, 0},
    {"clean.stoplists", NW_CFG_STR, "config/stoplists", offsetof(clean_config, stoplists),
     "folder of the stopword lists used to detect the language", 0, 0, 0},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};

typedef struct clean_ctx {
    const clean_config *cfg;
    nw_cleaner *cleaner;
    nw_lang *lang;
} clean_ctx;

int clean_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    (void)common;
    clean_ctx *c = calloc(1, sizeof *c);
    if (!c || !(c->cleaner = nw_cleaner_new())) {
        free(c);
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    c->cfg = cfg;
    char ebuf[512];
    c->lang = nw_stoplists_load(c->cfg->stoplists, ebuf, sizeof ebuf);
    if (!c->lang) {
        clean_fini(c);
        return nw_err_set(err, NW_E_FATAL, "config", "%s", ebuf);
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
        free(c);
    }
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

static void write_report(yajl_gen g, const nw_clean_result *r, const char *decoded_from)
{
    nw_json_key(g, "clean");
    yajl_gen_map_open(g);
    nw_json_int(g, "chars_in", (long long)r->chars_in);
    nw_json_int(g, "chars_out", (long long)r->chars_out);
    nw_json_int(g, "paragraphs_kept", (long long)r->paragraphs_kept);
    nw_json_int(g, "paragraphs_dropped", (long long)r->paragraphs_dropped);
    nw_json_str(g, "format", r->is_html ? "html" : "text");
    nw_json_str(g, "charset", decoded_from[0] ? decoded_from : "utf-8");
    nw_json_strn(g, "byline", r->byline.len ? r->byline.data : NULL, r->byline.len);
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

int clean_step(void *ctx, const nw_doc *doc, nw_outbox *out, nw_err *err)
{
    clean_ctx *c = ctx;
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
    nw_json_strn(g, "text", r->text.data ? r->text.data : "", r->text.len);
    write_report(g, r, doc->decoded_from);
    yajl_gen_map_close(g);
    return nw_outbox_add_gen(out, NULL, doc->id);
}
