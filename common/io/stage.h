/* stage.h - what a stage is to the runtime: a name, its config table, and one step function
 * (document in -> records out, or an error). nw_stage_main() does everything else: command
 * line, configuration, logging, the HTTP endpoint, and the Kafka or --pipe loop. */
#ifndef NW_STAGE_H
#define NW_STAGE_H

#include <signal.h>
#include <stdatomic.h>

#include "../core/doc.h"
#include "../core/nw_err.h"
#include "../core/nw_error.h"
#include "../core/outbox.h"
#include "../core/version.h"
#include "config.h"
#include "redis_client.h"

/* Settings every stage has (tables: nw_stage_common_keys, the Kafka and batch settings, and
 * nw_service_keys, Redis, HTTP and logging, which nearwire-api has too). */
typedef struct nw_stage_config {
    char kafka_bootstrap[NW_CFG_STR_MAX];
    char group_id[NW_CFG_STR_MAX];
    char topic_in[NW_CFG_STR_MAX];
    char topic_out[NW_CFG_STR_MAX];
    char topic_dlq[NW_CFG_STR_MAX];
    char redis_url[NW_CFG_STR_MAX];
    char redis_prefix[NW_CFG_STR_MAX];
    long long redis_timeout_ms;
    long long redis_wait_replicas;
    long long redis_wait_timeout_ms;
    char http_bind[NW_CFG_STR_MAX];
    long long http_port;
    char log_level[NW_CFG_STR_MAX];
    char log_format[NW_CFG_STR_MAX];
    long long max_message_bytes;
    long long batch_size;
    long long batch_max_bytes;
    long long batch_wait_ms;
    double batch_cpu_seconds;
    char state_dir[NW_CFG_STR_MAX];
    long long shutdown_timeout_ms;
    long long startup_timeout_ms;
    char processing_guarantee[NW_CFG_STR_MAX];
    int exactly_once; /* processing.guarantee = exactly_once */
} nw_stage_config;

extern const nw_cfg_key nw_stage_common_keys[];
extern const nw_cfg_key nw_service_keys[];

/* Returns NW_OK, or NW_E_INPUT (dead-letter; err says why), NW_E_RETRY (back off and try the
 * same document again), NW_E_FATAL (exit; the offset is not stored). */
typedef int (*nw_step_fn)(void *ctx, const nw_doc *doc, nw_outbox *out, nw_err *err);

/* One document of a batch: the stage reads doc, fills out (or err), sets rc. */
typedef struct nw_batch_item {
    nw_doc doc;
    nw_outbox *out;
    nw_err err;
    int rc;
} nw_batch_item;

/* Steps a whole batch at once (e.g. one Redis pipeline for all of it). Items arrive in input
 * order with rc NW_OK; the step sets each item's rc to NW_OK or NW_E_INPUT. The function's own
 * return is NW_OK, NW_E_RETRY (the whole batch is retried) or NW_E_FATAL. */
typedef int (*nw_step_batch_fn)(void *ctx, nw_batch_item *items, size_t n, nw_err *err);

typedef struct nw_stage {
    const char *name;    /* "clean" -> binary nearwire-clean, group nearwire-clean */
    const char *summary; /* one line for --help */
    const char *default_in, *default_out;
    const nw_cfg_key *keys; /* the stage's own table, may be NULL */
    void *cfg;              /* the struct 'keys' describes */
    int (*init)(void **ctx, void *cfg, const nw_stage_config *common, nw_err *err);
    void (*fini)(void *ctx);
    nw_step_fn step;             /* per document; or: */
    nw_step_batch_fn step_batch; /* per batch, used instead of step when set */
    int (*ready)(void *ctx);     /* dependencies answer (e.g. Redis PING); NULL = always */
    /* 1: a message that is not UTF-8 is decoded from its page's charset (core/charset.h)
     * instead of dead-lettered invalid_utf8; the first stage does it, the rest get UTF-8 */
    int decode_charsets;
    /* a topic the stage writes besides topic.out and topic.dlq (checked at start), or NULL */
    const char *(*extra_topic)(const void *cfg);
} nw_stage;

int nw_stage_main(int argc, char **argv, const nw_stage *st);

/* The stage's Redis layer from redis.url, redis.timeout_ms and redis.wait_*: one per stage,
 * shared by all its stores. NULL with err set on a bad URL or out of memory. */
nw_redis *nw_stage_redis(const nw_stage_config *cfg, nw_err *err);

/* The loops behind nw_stage_main(); 'stop' is set by the signal handlers. */
int nw_run_kafka(const nw_stage *st, const nw_stage_config *cfg, const nw_config *all, void *ctx,
                 atomic_int *ready);
int nw_run_pipe(const nw_stage *st, const nw_stage_config *cfg, void *ctx);

extern volatile sig_atomic_t nw_stop;

/* SIGTERM and SIGINT set nw_stop; SIGPIPE is ignored (a peer that went away is an error
 * reply, not the end of the process). */
void nw_catch_stop_signals(void);

#endif
