/* cluster_step.h - the cluster stage's step: fingerprinted document -> document with the
 * near-duplicate decision (cluster object), via the Redis signature store; plus a revision
 * record for each earlier-decided article whose decision this one changed. */
#ifndef NW_CLUSTER_STEP_H
#define NW_CLUSTER_STEP_H

#include "io/sig_store.h"
#include "io/stage.h"

typedef struct cluster_config {
    long long window_seconds;
    long long bands, shards, bucket_limit, anchor_df_max, anchor_every, anchor_least, common_after,
        common_log2, max_matches, min_shingles;
    long long max_revisions, clock_skew_seconds;
    double dup_containment, dup_jaccard, story_containment, story_jaccard;
    char scheme[NW_CFG_STR_MAX];
} cluster_config;

extern const nw_cfg_key cluster_keys[];

/* The signature store these settings describe, on Redis layer r (what nearwire-api queries). */
nw_store *cluster_store_new(const cluster_config *cc, nw_redis *r, const char *prefix, nw_err *err);
int cluster_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err);
void cluster_fini(void *ctx);
int cluster_step_batch(void *ctx, nw_batch_item *items, size_t n, nw_err *err);
int cluster_ready(void *ctx);

#endif
