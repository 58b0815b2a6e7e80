/* clean_step.h - the clean stage's step: raw documents -> documents with text, title, lang
 * and the clean report; body dropped unless clean.keep_body. With clean.repeated_after set, a
 * batch's edge paragraphs are counted per site over the window in Redis (io/term_store.h)
 * and a site's own repeated lines are dropped (text/repeated.h). */
#ifndef NW_CLEAN_STEP_H
#define NW_CLEAN_STEP_H

#include "io/stage.h"

typedef struct clean_config {
    int keep_body;
    char stoplists[NW_CFG_STR_MAX];
    long long repeated_after; /* 0: off (no Redis) */
    long long window_seconds;
} clean_config;

extern const nw_cfg_key clean_keys[];

int clean_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err);
void clean_fini(void *ctx);
int clean_step_batch(void *ctx, nw_batch_item *items, size_t n, nw_err *err);
int clean_ready(void *ctx);

#endif
