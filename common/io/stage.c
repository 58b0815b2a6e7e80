/* stage.c - the shared main of every stage: command line, configuration sources in order
 * (defaults, file, environment, --set), logging, signals, HTTP, then the chosen loop. */
#include "stage.h"

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "metrics.h"

extern char **environ;
volatile sig_atomic_t nw_stop;

#define F(field) offsetof(nw_stage_config, field)
const nw_cfg_key nw_stage_common_keys[] = {
    {"kafka.bootstrap", NW_CFG_STR, "127.0.0.1:9092", F(kafka_bootstrap),
     "Kafka bootstrap servers (host:port,...)", 0, 0, 0},
    {"group.id", NW_CFG_STR, "", F(group_id), "consumer group (default nearwire-<stage>)", 0, 0, 0},
    {"topic.in", NW_CFG_STR, "", F(topic_in), "input topic", 0, 0, 0},
    {"topic.out", NW_CFG_STR, "", F(topic_out), "output topic", 0, 0, 0},
    {"topic.dlq", NW_CFG_STR, "news.dlq", F(topic_dlq), "dead-letter topic", 0, 0, 0},
    {"max.message.bytes", NW_CFG_INT, "4194304", F(max_message_bytes),
     "larger input messages are dead-lettered (oversize)", 0, 1024, 268435456},
    {"batch.size", NW_CFG_INT, "500", F(batch_size), "messages processed per batch", 0, 1, 100000},
    {"batch.max.bytes", NW_CFG_INT, "8388608", F(batch_max_bytes),
     "a batch stops growing once its messages hold this many bytes (bounds a batch's time)", 0,
     1024, 1073741824},
    {"batch.cpu.seconds", NW_CFG_DBL, "60", F(batch_cpu_seconds),
     "CPU time one batch may take; over it the stage exits and its restart retries the batch "
     "one message at a time, dead-lettering a message that overruns alone (0 = no limit)",
     0, 0, 3600},
    {"state.dir", NW_CFG_STR, "/var/tmp/nearwire", F(state_dir),
     "folder of the in-flight marker that lets a restart dead-letter the message the stage "
     "died on; must outlive the process (an emptyDir in Kubernetes)",
     0, 0, 0},
    {"batch.wait.ms", NW_CFG_INT, "5", F(batch_wait_ms),
     "how long a batch waits to fill once it has a message", 0, 0, 60000},
    {"startup.timeout.ms", NW_CFG_INT, "30000", F(startup_timeout_ms),
     "how long a stage waits at start for its dependencies (Redis, the brokers, its topics) before "
     "it exits with the "
     "reason; 0 = for ever",
     0, 0, 3600000},
    {"shutdown.timeout.ms", NW_CFG_INT, "10000", F(shutdown_timeout_ms),
     "how long shutdown waits for outstanding deliveries", 0, 0, 3600000},
    {"processing.guarantee", NW_CFG_STR, "at_least_once", F(processing_guarantee),
     "at_least_once (a restart may re-deliver records, with the same decisions) or exactly_once "
     "(each batch's outputs and input offsets in one Kafka transaction; needs a stable "
     "kafka.group.instance.id or kafka.transactional.id per instance)",
     0, 0, 0},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};

const nw_cfg_key nw_service_keys[] = {
    {"redis.url", NW_CFG_STR, "redis://127.0.0.1:6379", F(redis_url),
     "Redis server (redis://[[user]:password@]host[:port][/db], IPv6 as [::1]), or Redis "
     "Cluster seed nodes (redis://[[user]:password@]host:port,host:port,...); clean (site lines), "
     "cluster and enrich",
     1, 0, 0},
    {"redis.prefix", NW_CFG_STR, "nw:", F(redis_prefix), "prefix of every Redis key", 0, 0, 0},
    {"redis.timeout_ms", NW_CFG_INT, "2000", F(redis_timeout_ms),
     "Redis connect and command timeout (cluster, enrich)", 0, 1, 600000},
    {"redis.wait_replicas", NW_CFG_INT, "0", F(redis_wait_replicas),
     "after each pipelined round, WAIT until this many replicas of every master written hold "
     "its writes (at most the replicas it has): a failover then loses no acknowledged write "
     "(0 = do not wait)",
     0, 0, 16},
    {"redis.wait_timeout_ms", NW_CFG_INT, "1000", F(redis_wait_timeout_ms),
     "how long one WAIT waits for the replicas (nearwire_redis_wait_short_total counts the "
     "timeouts)",
     0, 1, 600000},
    {"http.bind", NW_CFG_STR, "127.0.0.1", F(http_bind),
     "address of /metrics /livez /readyz: IPv4, IPv6 or a host name", 0, 0, 0},
    {"http.port", NW_CFG_INT, "0", F(http_port), "port of the HTTP endpoint (0 = any free)", 0, 0,
     65535},
    {"log.level", NW_CFG_STR, "info", F(log_level), "error, warn, info or debug", 0, 0, 0},
    {"log.format", NW_CFG_STR, "logfmt", F(log_format),
     "logfmt (key=value) or json (one object a line, the same keys)", 0, 0, 0},
    {NULL, 0, NULL, 0, NULL, 0, 0, 0}};
#undef F

static void on_signal(int sig)
{
    (void)sig;
    nw_stop = 1;
}

void nw_catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void usage(const nw_stage *st, const nw_config *c, FILE *out)
{
    fprintf(out,
            "usage: nearwire-%s [options]\n%s\n\n"
            "options:\n"
            "  -c, --config FILE    config file (default: $NEARWIRE_CONFIG, else\n"
            "                       config/%s.conf when it exists)\n"
            "  -s, --set KEY=VALUE  override one configuration key (repeatable)\n"
            "      --pipe           no Kafka: read input documents as JSONL on stdin, write\n"
            "                       output records as JSONL on stdout; bad lines go to stderr\n"
            "                       and make the exit status 1\n"
            "      --print-config   print the effective configuration (secrets masked), exit\n"
            "  -V, --version        print the version, exit\n"
            "  -h, --help           this help\n\n"
            "configuration keys (file `key = value`, env NEARWIRE_<KEY>, --set key=value):\n",
            st->name, st->summary, st->name);
    nw_config_help(c, out);
}

typedef struct cli {
    const char *config_path;
    const char *sets[64];
    int nsets;
    int pipe, print_config;
} cli;

static int parse_cli(int argc, char **argv, const nw_stage *st, const nw_config *c, cli *o)
{
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"set", required_argument, 0, 's'},
                                         {"pipe", no_argument, 0, 'p'},
                                         {"print-config", no_argument, 0, 'P'},
                                         {"version", no_argument, 0, 'V'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "c:s:Vh", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            o->config_path = optarg;
            break;
        case 's':
            if (o->nsets == 64) {
                fprintf(stderr, "nearwire-%s: too many --set options\n", st->name);
                return 2;
            }
            o->sets[o->nsets++] = optarg;
            break;
        case 'p':
            o->pipe = 1;
            break;
        case 'P':
            o->print_config = 1;
            break;
        case 'V':
            printf("nearwire-%s %s\n", st->name, NW_VERSION);
            return 0;
        case 'h':
            usage(st, c, stdout);
            return 0;
        default:
            fprintf(stderr, "try 'nearwire-%s --help'\n", st->name);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "nearwire-%s: unexpected argument \"%s\" (try --help)\n", st->name,
                argv[optind]);
        return 2;
    }
    return -1;
}

static int load_config(const nw_stage *st, nw_config *c, nw_stage_config *cfg, const cli *o,
                       char *err, size_t errsz)
{
    char def[256];
    snprintf(def, sizeof def, "nearwire-%s", st->name);
    if (nw_config_set(c, "group.id", def, "default", err, errsz) ||
        nw_config_set(c, "topic.in", st->default_in, "default", err, errsz) ||
        nw_config_set(c, "topic.out", st->default_out, "default", err, errsz)) {
        return NW_E_FATAL;
    }
    const char *path = o->config_path ? o->config_path : getenv("NEARWIRE_CONFIG");
    snprintf(def, sizeof def, "config/%s.conf", st->name);
    if (!path && access(def, R_OK) == 0) {
        path = def;
    }
    if (path && nw_config_load_file(c, path, err, errsz) != NW_OK) {
        return NW_E_INPUT;
    }
    if (nw_config_load_env(c, environ, err, errsz) != NW_OK) {
        return NW_E_INPUT;
    }
    for (int i = 0; i < o->nsets; i++) {
        if (nw_config_set_kv(c, "", o->sets[i], "--set", err, errsz) != NW_OK) {
            return NW_E_INPUT;
        }
    }
    int level = nw_log_parse_level(cfg->log_level);
    if (level < 0) {
        snprintf(err, errsz, "log.level \"%.64s\" is not one of error, warn, info, debug",
                 cfg->log_level);
        return NW_E_INPUT;
    }
    int json = nw_log_parse_format(cfg->log_format);
    if (json < 0) {
        snprintf(err, errsz, "log.format \"%.64s\" is not one of logfmt, json", cfg->log_format);
        return NW_E_INPUT;
    }
    if (strcmp(cfg->processing_guarantee, "exactly_once") == 0) {
        cfg->exactly_once = 1;
    } else if (strcmp(cfg->processing_guarantee, "at_least_once") != 0) {
        snprintf(err, errsz,
                 "processing.guarantee \"%.64s\" is not one of at_least_once, exactly_once",
                 cfg->processing_guarantee);
        return NW_E_INPUT;
    }
    nw_log_level = level;
    nw_log_json = json;
    return NW_OK;
}

/* Fail fast: a wrong host or password is reported and the stage exits, instead of retrying
 * silently until traffic comes. Outages after start keep the retry. */
static int wait_for_dependencies(const nw_stage *st, const nw_stage_config *cfg, void *ctx)
{
    if (!st->ready) {
        return NW_OK;
    }
    double start = nw_now_seconds(), next_note = start + 5;
    nw_http_set_not_ready_reason("starting: waiting for Redis (see event=redis_unreachable)");
    while (!nw_stop && !st->ready(ctx)) {
        double now = nw_now_seconds();
        if (cfg->startup_timeout_ms > 0 && now - start > cfg->startup_timeout_ms / 1000.0) {
            nw_log(NW_LOG_ERROR, "dependencies_unreachable",
                   "waited_s=%.0f detail=\"Redis did not answer (see redis_unreachable above); "
                   "check redis.url and its password\"",
                   now - start);
            return NW_E_FATAL;
        }
        if (now >= next_note) {
            nw_log(NW_LOG_INFO, "waiting_for_dependencies", "waited_s=%.0f", now - start);
            next_note = now + 5;
        }
        struct timespec ts = {0, 250 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return NW_OK;
}

static int run(const nw_stage *st, nw_stage_config *cfg, nw_config *c, const cli *o)
{
    nw_err err;
    nw_err_clear(&err);
    void *ctx = NULL;
    if (st->init && st->init(&ctx, st->cfg, cfg, &err) != NW_OK) {
        nw_log(NW_LOG_ERROR, "init_failed", "reason=%s detail=%s", err.reason ? err.reason : "init",
               nw_logq(err.detail));
        return 1;
    }
    nw_catch_stop_signals();
    int rc;
    if (o->pipe) {
        rc = nw_run_pipe(st, cfg, ctx);
    } else {
        static atomic_int ready;
        char ebuf[256];
        nw_http *http = nw_http_new(cfg->http_bind, (int)cfg->http_port, &ready, ebuf, sizeof ebuf);
        if (!http) {
            nw_log(NW_LOG_ERROR, "http_failed", "detail=%s", nw_logq(ebuf));
            if (st->fini) {
                st->fini(ctx);
            }
            return 1;
        }
        int v6 = strchr(cfg->http_bind, ':') && cfg->http_bind[0] != '[';
        nw_log(NW_LOG_INFO, "http_listening", "addr=%s%s%s:%d", v6 ? "[" : "", cfg->http_bind,
               v6 ? "]" : "", nw_http_port(http));
        rc = wait_for_dependencies(st, cfg, ctx) == NW_OK ? nw_run_kafka(st, cfg, c, ctx, &ready)
                                                          : 1;
        nw_http_free(http);
    }
    if (st->fini) {
        st->fini(ctx);
    }
    return rc;
}

nw_redis *nw_stage_redis(const nw_stage_config *cfg, nw_err *err)
{
    nw_redis *r = nw_redis_new(cfg->redis_url, (int)cfg->redis_timeout_ms, err);
    if (r) {
        nw_redis_set_wait(r, (int)cfg->redis_wait_replicas, (int)cfg->redis_wait_timeout_ms);
    }
    return r;
}

int nw_stage_main(int argc, char **argv, const nw_stage *st)
{
    static nw_stage_config cfg;
    static nw_config c;
    char err[512];
    nw_log_set_stage(st->name);
    if (nw_config_init(&c, nw_stage_common_keys, &cfg, nw_service_keys, &cfg, err, sizeof err) ||
        nw_config_add_table(&c, st->keys, st->cfg, err, sizeof err)) {
        fprintf(stderr, "nearwire-%s: bad built-in default: %s\n", st->name, err);
        return 1;
    }
    cli o;
    memset(&o, 0, sizeof o);
    int rc = parse_cli(argc, argv, st, &c, &o);
    if (rc >= 0) {
        return rc;
    }
    if (load_config(st, &c, &cfg, &o, err, sizeof err) != NW_OK) {
        fprintf(stderr, "nearwire-%s: %s\n", st->name, err);
        return 2;
    }
    if (o.print_config) {
        nw_config_print(&c, stdout);
        return 0;
    }
    char labels[96];
    snprintf(labels, sizeof labels, "stage=\"%s\",version=\"%s\"", st->name, NW_VERSION);
    nw_metric_set(nw_gauge("nearwire_build_info", "Build information; always 1.", labels), 1);
    return run(st, &cfg, &c, &o);
}
