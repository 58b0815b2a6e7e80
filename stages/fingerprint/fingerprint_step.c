/* fingerprint_step.c - signs the cleaned text (not the title: republishers re-headline) and
 * writes its fp object (sketch/fp_json.h). */
#include "fingerprint_step.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nw_error.h"
#include "sketch/fingerprint.h"
#include "sketch/fp_json.h"

const nw_cfg_key fingerprint_keys[] = {
    {"fp.shingle", NW_CFG_INT, "3", offsetof(fingerprint_config, shingle), "words per shingle", 0,
     1, 16},
    {"fp.seed", NW_CFG_INT, "1", offsetof(fingerprint_config, seed),
     "hash seed (changes the signature scheme)", 0, 0, 4294967295},
    {"fp.anchor_every", NW_CFG_INT, "4", offsetof(fingerprint_config, anchor_every),
     "one shingle in this many is an anchor: a long text's sample, which checks the short "
     "texts inside it (cluster indexes the sparser cluster.anchor_every of them); a larger "
     "number samples fewer and checks worse",
     0, 1, 1000000},
    {"fp.anchor_least", NW_CFG_INT, "16", offsetof(fingerprint_config, anchor_least),
     "anchors of a short text at least", 0, 0, NW_ANCHORS_MAX},
    {"fp.anchor_most", NW_CFG_INT, "256", offsetof(fingerprint_config, anchor_most),
     "anchors of a long page at most", 0, 1, NW_ANCHORS_MAX},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};

int fingerprint_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err)
{
    (void)common;
    const fingerprint_config *fc = cfg;
    if (fc->shingle < 1 || fc->shingle > 16) {
        return nw_err_set(err, NW_E_FATAL, "config", "fp.shingle must be 1..16, is %lld",
                          fc->shingle);
    }
    const char *bad = nw_anchor_params_check(&(nw_anchor_params){
        (unsigned)fc->anchor_every, (unsigned)fc->anchor_least, (unsigned)fc->anchor_most});
    if (bad) {
        return nw_err_set(err, NW_E_FATAL, "config", "fp.anchor_*: %s", bad);
    }
    nw_fingerprinter *f = calloc(1, sizeof *f);
    if (!f) {
        return nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
    }
    nw_fp_params p = {
        (unsigned)fc->shingle,
        (uint64_t)fc->seed,
        {(unsigned)fc->anchor_every, (unsigned)fc->anchor_least, (unsigned)fc->anchor_most}};
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
    nw_doc_out d;
    nw_outbox_doc_begin(out, doc, "fp", &d);
    nw_fp_json_write(out->gen, f->scheme, &fp);
    return nw_outbox_doc_end(out, NULL, &d);
}
