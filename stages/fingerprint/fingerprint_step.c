/* fingerprint_step.c - signs the cleaned text (not the title: republishers re-headline) and
 * writes fp {scheme, tokens, shingles, minhash (base64 of 128 little-endian u32), simhash}. */
#include "fingerprint_step.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base64.h"
#include "core/nw_error.h"
#include "sketch/fingerprint.h"

const nw_cfg_key fingerprint_keys[] = {
    {"fp.shingle", NW_CFG_INT, "3", offsetof(fingerprint_config, shingle), "words per shingle", 0,
     1, 16},
    {"fp.seed", NW_CFG_INT, "1", offsetof(fingerprint_config, seed),
     "hash seed (changes the signature scheme)", 0, 0, 4294967295},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};

int fingerprint_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    (void)common;
    const fingerprint_config *fc = cfg;
    if (fc->shingle < 1 || fc->shingle > 16) {
        return nw_err_set(err, NW_E_FATAL, "config", "fp.shingle must be 1..16, is %lld",
                          fc->shingle);
    }
    nw_fingerprinter *f = calloc(1, sizeof *f);
    if (!f) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    nw_fp_params p = {(unsigned)fc->shingle, (uint64_t)fc->seed};
    nw_fingerprinter_init(f, &p);
    *ctx = f;
    return NW_OK;
}

void fingerprint_fini(void *ctx)
{
    if (ctx) {
        nw_fingerprinter_release(ctx);
        free(ctx);
    }
}

int fingerprint_step(void *ctx, const nw_doc *doc, nw_outbox *out, nw_err *err)
{
    nw_fingerprinter *f = ctx;
    const char *text;
    int rc = nw_doc_require_str(doc, "text", &text, err);
    if (rc != NW_OK) {
        return rc;
    }
    nw_fingerprint fp;
    if (nw_fingerprint_text(f, text, strlen(text), &fp) != NW_OK) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory while fingerprinting");
    }
    unsigned char raw[NW_MINHASH_BINS * 4];
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        for (int k = 0; k < 4; k++) {
            raw[4 * i + k] = (unsigned char)(fp.minhash[i] >> (8 * k));
        }
    }
    char b64[NW_MINHASH_BINS * 6];
    size_t b64len = nw_base64_encode(raw, sizeof raw, b64);
    char sim[17];
    snprintf(sim, sizeof sim, "%016llx", (unsigned long long)fp.simhash);

    yajl_gen g = out->gen;
    static const char *const replaced[] = {"fp", NULL};
    yajl_gen_map_open(g);
    nw_json_copy_fields(g, doc->root, replaced);
    nw_json_key(g, "fp");
    yajl_gen_map_open(g);
    nw_json_str(g, "scheme", f->scheme);
    nw_json_int(g, "tokens", (long long)fp.tokens);
    nw_json_int(g, "shingles", (long long)fp.shingles);
    nw_json_strn(g, "minhash", b64, b64len);
    nw_json_str(g, "simhash", sim);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
    return nw_outbox_add_gen(out, NULL, doc->id);
}
