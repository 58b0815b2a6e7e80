/* main.c - nearwire-api: answers questions about what the pipeline decided, from the Redis
 * store, over HTTP (routes.c), and serves the story browser. Configured like a stage: its own
 * keys, plus the Redis, HTTP and log keys of a stage and the clean, fingerprint and cluster keys
 * a match needs (they must agree with the stages': the fingerprint scheme is checked). */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "core/doc.h"
#include "core/nw_error.h"
#include "core/version.h"
#include "io/log.h"
#include "io/metrics.h"

extern char **environ;

#define F(x) offsetof(api_config, x)
const nw_cfg_key api_keys[] = {
    {"api.max_body_bytes", NW_CFG_INT, "1048576", F(max_body_bytes),
     "largest request body (POST /v1/match); larger ones are answered 413", 0, 1024, 67108864},
    {"api.page_size", NW_CFG_INT, "50", F(page_size),
     "story members and stories listed per page unless ?limit= says", 0, 1, 10000},
    {"api.max_page", NW_CFG_INT, "500", F(max_page), "the largest ?limit= allowed", 0, 1, 10000},
    {"api.explain_min_words", NW_CFG_INT, "8", F(explain_min_words),
     "shared runs shorter than this many words are not passages (stock phrases)", 0, 1, 1000},
    {"api.web_dir", NW_CFG_STR, "", F(web_dir),
     "serve index.html from this folder instead of the page built in (to edit it live)", 0, 0, 0},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};
#undef F

typedef struct settings {
    nw_stage_config common;
    api_config api;
    clean_config clean;
    fingerprint_config fp;
    cluster_config cluster;
    nw_config c;
} settings;

static void usage(const nw_config *c, FILE *out)
{
    fprintf(out,
            "usage: nearwire-api [options]\n"
            "Answers which story an article is in, what a story holds, whether a text copies\n"
            "something in the window and why two articles match, from the Redis store; serves\n"
            "the story browser at /.\n\n"
            "options:\n"
            "  -c, --config FILE    config file (default: $NEARWIRE_CONFIG, else\n"
            "                       config/api.conf when it exists)\n"
            "  -s, --set KEY=VALUE  override one configuration key (repeatable)\n"
            "      --print-config   print the effective configuration (secrets masked), exit\n"
            "  -V, --version        print the version, exit\n"
            "  -h, --help           this help\n\n"
            "routes: GET /v1/articles/{id}, GET /v1/stories?since=&limit=,\n"
            "GET /v1/stories/{id}?offset=&limit=, POST /v1/match, GET /v1/explain?a=&b=,\n"
            "GET / (the browser), /metrics, /livez, /readyz\n\n"
            "configuration keys (file `key = value`, env NEARWIRE_<KEY>, --set key=value):\n");
    nw_config_help(c, out);
}

/* Command line and configuration; -1 to go on, else the exit status. */
static int configure(int argc, char **argv, settings *s)
{
    char err[512];
    nw_config *c = &s->c;
    if (nw_config_init(c, nw_service_keys, &s->common, api_keys, &s->api, err, sizeof err) ||
        nw_config_add_table(c, clean_keys, &s->clean, err, sizeof err) ||
        nw_config_add_table(c, fingerprint_keys, &s->fp, err, sizeof err) ||
        nw_config_add_table(c, cluster_keys, &s->cluster, err, sizeof err) ||
        nw_config_set(c, "http.port", "8090", "default", err, sizeof err)) {
        fprintf(stderr, "nearwire-api: bad built-in default: %s\n", err);
        return 1;
    }
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'}, {"set", required_argument, 0, 's'},
        {"print-config", no_argument, 0, 'P'}, {"version", no_argument, 0, 'V'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    const char *path = getenv("NEARWIRE_CONFIG"), *sets[64];
    int nsets = 0, print = 0, ch;
    while ((ch = getopt_long(argc, argv, "c:s:Vh", opts, NULL)) != -1) {
        if (ch == 'c') {
            path = optarg;
        } else if (ch == 's' && nsets < 64) {
            sets[nsets++] = optarg;
        } else if (ch == 'P') {
            print = 1;
        } else if (ch == 'V') {
            printf("nearwire-api %s\n", NW_VERSION);
            return 0;
        } else if (ch == 'h') {
            usage(c, stdout);
            return 0;
        } else {
            fprintf(stderr, "try 'nearwire-api --help'\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "nearwire-api: unexpected argument \"%s\" (try --help)\n", argv[optind]);
        return 2;
    }
    if (!path && access("config/api.conf", R_OK) == 0) {
        path = "config/api.conf";
    }
    int rc = path ? nw_config_load_file(c, path, err, sizeof err) : NW_OK;
    rc = rc == NW_OK ? nw_config_load_env(c, environ, err, sizeof err) : rc;
    for (int i = 0; i < nsets && rc == NW_OK; i++) {
        rc = nw_config_set_kv(c, "", sets[i], "--set", err, sizeof err);
    }
    int level = nw_log_parse_level(s->common.log_level);
    int json = nw_log_parse_format(s->common.log_format);
    if (rc == NW_OK && (level < 0 || json < 0)) {
        snprintf(err, sizeof err,
                 "log.level must be error, warn, info or debug and log.format "
                 "logfmt or json");
        rc = NW_E_INPUT;
    }
    if (rc != NW_OK) {
        fprintf(stderr, "nearwire-api: %s\n", err);
        return 2;
    }
    nw_log_level = level;
    nw_log_json = json;
    if (print) {
        nw_config_print(c, stdout);
        return 0;
    }
    return -1;
}

static void fini(api_ctx *a)
{
    clean_fini(a->clean);
    fingerprint_fini(a->fingerprint);
    nw_store_free(a->store);
    nw_story_store_free(a->stories);
    nw_article_store_free(a->cards);
    nw_redis_free(a->redis);
    if (a->g) {
        yajl_gen_free(a->g);
    }
}

static int init(api_ctx *a, settings *s, nw_err *err)
{
    memset(a, 0, sizeof *a);
    a->cfg = &s->api;
    a->common = &s->common;
    a->fp_cfg = &s->fp;
    a->cluster_cfg = &s->cluster;
    /* a query reads: it never counts a site's lines (that would write to the store) */
    s->clean.repeated_after = 0;
    const char *prefix = s->common.redis_prefix;
    long long window = s->cluster.window_seconds;
    if (clean_init(&a->clean, &s->clean, NULL, err) != NW_OK ||
        fingerprint_init(&a->fingerprint, &s->fp, &s->common, err) != NW_OK ||
        !(a->redis = nw_stage_redis(&s->common, err)) ||
        !(a->store = cluster_store_new(&s->cluster, a->redis, prefix, err)) ||
        !(a->stories = nw_story_store_new(a->redis, prefix, window, err)) ||
        !(a->cards = nw_article_store_new(a->redis, prefix, window, err))) {
        return NW_E_FATAL;
    }
    a->g = nw_json_gen_new();
    return a->g ? NW_OK : nw_err_set(err, NW_E_NOMEM, "nomem", "out of memory");
}

/* Until a signal: readiness from a connection of its own (the handlers' is theirs alone). */
static void serve(settings *s, nw_redis *probe, atomic_int *ready)
{
    int was = -1;
    while (!nw_stop) {
        int now = nw_redis_ping(probe);
        atomic_store(ready, now);
        if (now != was) {
            nw_http_set_not_ready_reason(now ? "" : "redis: not answering");
            nw_log(now ? NW_LOG_INFO : NW_LOG_WARN, now ? "redis_ready" : "redis_unreachable",
                   "url=%s", nw_logq(s->common.redis_url));
            was = now;
        }
        for (int i = 0; i < 10 && !nw_stop; i++) {
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
}

int main(int argc, char **argv)
{
    static settings s;
    nw_log_set_stage("api");
    int rc = configure(argc, argv, &s);
    if (rc >= 0) {
        return rc;
    }
    char labels[96];
    snprintf(labels, sizeof labels, "stage=\"api\",version=\"%s\"", NW_VERSION);
    nw_metric_set(nw_gauge("nearwire_build_info", "Build information; always 1.", labels), 1);
    static api_ctx a;
    nw_err err;
    nw_err_clear(&err);
    nw_redis *probe = NULL;
    if (init(&a, &s, &err) != NW_OK || !(probe = nw_stage_redis(&s.common, &err))) {
        nw_log(NW_LOG_ERROR, "init_failed", "reason=%s detail=%s", err.reason ? err.reason : "init",
               nw_logq(err.detail));
        fini(&a);
        return 1;
    }
    nw_catch_stop_signals();
    static atomic_int ready;
    char ebuf[256];
    nw_http *http = nw_http_new_app(s.common.http_bind, (int)s.common.http_port, &ready, api_handle,
                                    &a, (size_t)s.api.max_body_bytes, ebuf, sizeof ebuf);
    if (!http) {
        nw_log(NW_LOG_ERROR, "http_failed", "detail=%s", nw_logq(ebuf));
        nw_redis_free(probe);
        fini(&a);
        return 1;
    }
    int v6 = strchr(s.common.http_bind, ':') && s.common.http_bind[0] != '[';
    nw_log(NW_LOG_INFO, "api_listening", "url=http://%s%s%s:%d/", v6 ? "[" : "", s.common.http_bind,
           v6 ? "]" : "", nw_http_port(http));
    serve(&s, probe, &ready);
    nw_log(NW_LOG_INFO, "api_stopping", "detail=\"signal\"");
    nw_http_free(http); /* waits for the request in flight */
    nw_redis_free(probe);
    fini(&a);
    return 0;
}
