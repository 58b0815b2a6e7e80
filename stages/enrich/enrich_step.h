/* enrich_step.h - the enrich stage's step: clustered document -> enriched document (main
 * output) plus the story's latest summary (stories topic, keyed by story id). */
#ifndef NW_ENRICH_STEP_H
#define NW_ENRICH_STEP_H

#include "io/stage.h"

typedef struct enrich_config {
    char topic_stories[NW_CFG_STR_MAX];
    long long window_seconds;
    char gazetteer[NW_CFG_STR_MAX];
    char stoplists[NW_CFG_STR_MAX];
    long long keywords;
    long long words_per_minute;
    int texts;
    long long text_max_bytes;
} enrich_config;

extern const nw_cfg_key enrich_keys[];

int enrich_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err);
void enrich_fini(void *ctx);
int enrich_step_batch(void *ctx, nw_batch_item *items, size_t n, nw_err *err);
int enrich_ready(void *ctx);

#endif
