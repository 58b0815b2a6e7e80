/* api.h - nearwire-api's parts: its settings, the context every handler shares (one Redis
 * layer and the stores it reads; the clean and fingerprint steps run in-process for a match),
 * and the handlers: routes.c (articles, stories, explain, the page), match.c (POST /v1/match),
 * reply.c (JSON bodies and errors). libmicrohttpd runs one request at a time on its thread, so
 * the context needs no locks. */
#ifndef NW_API_H
#define NW_API_H

#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "../../stages/clean/clean_step.h"
#include "../../stages/cluster/cluster_step.h"
#include "../../stages/fingerprint/fingerprint_step.h"
#include "io/article_store.h"
#include "io/http.h"
#include "io/sig_store.h"
#include "io/story_store.h"

typedef struct api_config {
    long long max_body_bytes;
    long long page_size, max_page;
    long long explain_min_words;
    char web_dir[NW_CFG_STR_MAX];
} api_config;

extern const nw_cfg_key api_keys[];

typedef struct api_ctx {
    const api_config *cfg;
    const nw_stage_config *common;
    const fingerprint_config *fp_cfg;
    const cluster_config *cluster_cfg;
    nw_redis *redis;
    nw_store *store;
    nw_story_store *stories;
    nw_article_store *cards;
    void *clean, *fingerprint; /* the steps' contexts */
    yajl_gen g;
    unsigned long queries; /* ids of match queries: query-1, query-2, ... */
} api_ctx;

/* The router: every path but the probes. */
void api_handle(void *ctx, const nw_http_request *q, nw_http_response *r);

/* POST /v1/match */
void api_match(api_ctx *a, const nw_http_request *q, nw_http_response *r);

/* The page at GET / (web.c): the embedded file, or web_dir/index.html when set. */
void api_page(api_ctx *a, nw_http_response *r);

/* Replies (reply.c). api_error: {"error": reason, "detail": ...}. api_json: what a->g holds. */
void api_error(nw_http_response *r, unsigned status, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void api_json(api_ctx *a, nw_http_response *r, unsigned status);
/* A store failure as a reply: 503 while Redis does not answer, 500 otherwise. */
void api_store_error(nw_http_response *r, int rc, const nw_err *err);

/* An article's card fields and record as JSON members (routes.c); card/record may be NULL. */
void api_write_article(yajl_gen g, const char *id, const nw_sig_record *rec, const char *card,
                       size_t card_len, int with_text);

#endif
