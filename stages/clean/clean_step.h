/* clean_step.h - the clean stage's step: raw document -> document with text, title, lang and
 * the clean report; body dropped unless clean.keep_body. */
#ifndef NW_CLEAN_STEP_H
#define NW_CLEAN_STEP_H

#include "io/stage.h"

typedef struct clean_config {
    int keep_body;
    char stoplists[NW_CFG_STR_MAX];
} clean_config;

extern const nw_cfg_key clean_keys[];

int clean_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err);
void clean_fini(void *ctx);
int clean_step(void *ctx, const nw_doc *doc, nw_outbox *out, nw_err *err);

#endif
