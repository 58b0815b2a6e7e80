/* fingerprint_step.h - the fingerprint stage's step: cleaned document -> document with fp. */
#ifndef NW_FINGERPRINT_STEP_H
#define NW_FINGERPRINT_STEP_H

#include "io/stage.h"

typedef struct fingerprint_config {
    long long shingle;
    long long seed;
    long long anchor_every, anchor_least, anchor_most;
} fingerprint_config;

extern const nw_cfg_key fingerprint_keys[];

int fingerprint_init(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err);
void fingerprint_fini(void *ctx);
int fingerprint_step(void *ctx, const nw_doc *doc, nw_outbox *out, nw_err *err);

#endif
