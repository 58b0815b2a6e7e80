/* kafka_conf.c - defaults first, pass-through last, so an operator can override anything. */
#include "kafka_conf.h"

#include <stdio.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "../core/secrets.h"
#include "log.h"
#include "metrics.h"

static int set(rd_kafka_conf_t *c, const char *k, const char *v, char *err, size_t errsz)
{
    char e[256];
    if (rd_kafka_conf_set(c, k, v, e, sizeof e) != RD_KAFKA_CONF_OK) {
        char masked[512];
        snprintf(err, errsz, "kafka.%s = %s: %s", k,
                 nw_secret_name(k) ? "***" : nw_mask_url(masked, sizeof masked, v), e);
        return -1;
    }
    return 0;
}

/* librdkafka's own lines go through our logger: logfmt, our levels (syslog's 0-3 error, 4
 * warn, 5-6 info, 7 debug), rate-limited like every event, instead of raw "%3|...|FAIL|"
 * lines on stderr. */
static void on_kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    int lv = level <= 3   ? NW_LOG_ERROR
             : level == 4 ? NW_LOG_WARN
             : level <= 6 ? NW_LOG_INFO
                          : NW_LOG_DEBUG;
    nw_log(lv, "kafka_log", "client=%s facility=%s detail=%s", rd_kafka_name(rk), nw_logq(fac),
           nw_logq(buf));
}

rd_kafka_conf_t *nw_kafka_conf_build(const char *bootstrap, const char *group, const nw_config *all,
                                     int consumer, char *err, size_t errsz)
{
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(c, on_kafka_log);
    static const char *const consumer_defaults[][2] = {
        {"enable.auto.offset.store", "false"},
        {"enable.auto.commit", "true"},
        {"auto.commit.interval.ms", "1000"},
        {"auto.offset.reset", "earliest"},
        {"partition.assignment.strategy", "range,roundrobin"},
        {"statistics.interval.ms", "5000"},
        /* an idle partition answers a fetch after this long: it bounds per-hop latency */
        {"fetch.wait.max.ms", "20"},
        /* prefetch two batches' worth, not librdkafka's 64 MiB: a stage behind its input held
         * that much more memory for nothing (cluster grew to 424 MB over 100,000 documents) */
        {"queued.max.messages.kbytes", "16384"},
        {"fetch.max.bytes", "16777216"},
        /* partitions added to the input topic are consumed within 30 s, not librdkafka's 5 min
         * (the group rebalances when the subscription's metadata changes) */
        {"topic.metadata.refresh.interval.ms", "30000"},
        {NULL, NULL}};
    static const char *const producer_defaults[][2] = {
        {"enable.idempotence", "true"},
        {"linger.ms", "5"},
        {"compression.type", "lz4"},
        /* and written to within 30 s */
        {"topic.metadata.refresh.interval.ms", "30000"},
        {NULL, NULL}};
    int bad = set(c, "bootstrap.servers", bootstrap, err, errsz);
    if (consumer) {
        bad = bad || (group && set(c, "group.id", group, err, errsz));
        for (int i = 0; !bad && consumer_defaults[i][0]; i++) {
            bad = set(c, consumer_defaults[i][0], consumer_defaults[i][1], err, errsz);
        }
    } else {
        for (int i = 0; !bad && producer_defaults[i][0]; i++) {
            bad = set(c, producer_defaults[i][0], producer_defaults[i][1], err, errsz);
        }
    }
    for (size_t i = 0; !bad && all && i < all->nkafka; i++) {
        bad = set(c, all->kafka[i].name, all->kafka[i].value, err, errsz);
    }
    if (bad) {
        rd_kafka_conf_destroy(c);
        return NULL;
    }
    return c;
}

long long nw_kafka_output_max_bytes(const nw_stage_config *cfg)
{
    return cfg->max_message_bytes + NW_OUTPUT_HEADROOM_BYTES;
}

rd_kafka_t *nw_kafka_tool_client(rd_kafka_type_t type, const char *bootstrap, const char *group,
                                 const nw_config *props,
                                 void (*on_delivery)(rd_kafka_t *, const rd_kafka_message_t *,
                                                     void *),
                                 void *opaque, char *err, size_t errsz)
{
    rd_kafka_conf_t *conf = nw_kafka_conf_build(bootstrap ? bootstrap : "127.0.0.1:9092", group,
                                                props, type == RD_KAFKA_CONSUMER, err, errsz);
    if (!conf) {
        return NULL;
    }
    if (on_delivery) {
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    }
    rd_kafka_conf_set_opaque(conf, opaque);
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, errsz);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
    }
    return rk;
}

/* The value of a kafka.* pass-through key, or NULL when the operator did not set it. */
static const char *passed(const nw_config *all, const char *name)
{
    for (size_t i = 0; all && i < all->nkafka; i++) {
        if (strcmp(all->kafka[i].name, name) == 0) {
            return all->kafka[i].value;
        }
    }
    return NULL;
}

/* exactly_once: offsets go with each transaction, never auto-committed; outputs of other
 * stages' aborted transactions are skipped; the transactional id must survive a restart, so
 * that the restarted instance fences its dead predecessor and aborts its open transaction at
 * once (an id that changed would leave it open, stalling read_committed readers until
 * transaction.timeout.ms). */
static int set_exactly_once(rd_kafka_conf_t *c, const nw_stage_config *cfg, const nw_config *all,
                            int consumer, char *err, size_t errsz)
{
    if (consumer) {
        return set(c, "enable.auto.commit", "false", err, errsz) ||
               set(c, "isolation.level", "read_committed", err, errsz);
    }
    const char *instance = passed(all, "group.instance.id");
    if (passed(all, "transactional.id")) {
        return 0;
    }
    if (!instance || !*instance) {
        snprintf(err, errsz,
                 "processing.guarantee = exactly_once needs a stable id per instance: set "
                 "kafka.group.instance.id (e.g. the pod name) or kafka.transactional.id");
        return -1;
    }
    char id[2 * NW_CFG_STR_MAX + 2];
    snprintf(id, sizeof id, "%s-%s", cfg->group_id, instance);
    /* a transaction holds one batch's produce and commit, not its processing; 30 s rides out
     * a broker restart (librdkafka bounds message.timeout.ms by it) */
    return set(c, "transactional.id", id, err, errsz) ||
           (!passed(all, "transaction.timeout.ms") &&
            set(c, "transaction.timeout.ms", "30000", err, errsz));
}

rd_kafka_conf_t *nw_kafka_conf_new(const nw_stage_config *cfg, const nw_config *all, int consumer,
                                   char *err, size_t errsz)
{
    rd_kafka_conf_t *c =
        nw_kafka_conf_build(cfg->kafka_bootstrap, cfg->group_id, all, consumer, err, errsz);
    int bad = 0;
    if (c && !consumer && !passed(all, "message.max.bytes")) {
        /* librdkafka's 1 MB default would stop the stage at the first larger output */
        char v[32];
        snprintf(v, sizeof v, "%lld", nw_kafka_output_max_bytes(cfg));
        bad = set(c, "message.max.bytes", v, err, errsz);
    }
    if (c && !bad && cfg->exactly_once) {
        bad = set_exactly_once(c, cfg, all, consumer, err, errsz);
    }
    if (c && bad) {
        rd_kafka_conf_destroy(c);
        return NULL;
    }
    return c;
}

/* Brokers (learned ones, nodeid >= 0, not the bootstrap or internal entries) in state UP;
 * -1 when the statistics have no broker list. */
static int count_brokers_up(yajl_val root)
{
    const char *bp[] = {"brokers", NULL};
    yajl_val brokers = yajl_tree_get(root, bp, yajl_t_object);
    if (!brokers) {
        return -1;
    }
    int up = 0;
    for (size_t b = 0; b < brokers->u.object.len; b++) {
        const char *np[] = {"nodeid", NULL}, *sp[] = {"state", NULL};
        yajl_val node = yajl_tree_get(brokers->u.object.values[b], np, yajl_t_number);
        yajl_val state = yajl_tree_get(brokers->u.object.values[b], sp, yajl_t_string);
        const char *text = state ? YAJL_GET_STRING(state) : NULL;
        if (node && YAJL_GET_INTEGER(node) >= 0 && text && strcmp(text, "UP") == 0) {
            up++;
        }
    }
    return up;
}

static nw_metric *lag_gauge(const char *topic, const char *partition)
{
    char labels[200];
    snprintf(labels, sizeof labels, "topic=\"%s\",partition=\"%s\"", topic, partition);
    return nw_gauge("nearwire_consumer_lag_messages",
                    "Messages behind the partition's high watermark (partitions this instance "
                    "owns).",
                    labels);
}

void nw_kafka_lag_forget(const rd_kafka_topic_partition_list_t *parts)
{
    for (int i = 0; i < parts->cnt; i++) {
        char pid[16];
        snprintf(pid, sizeof pid, "%d", (int)parts->elems[i].partition);
        nw_metric_hide(lag_gauge(parts->elems[i].topic, pid));
    }
}

int nw_kafka_stats_to_metrics(const char *json)
{
    yajl_val root = yajl_tree_parse(json, NULL, 0);
    if (!root) {
        return -1;
    }
    const char *tp[] = {"topics", NULL};
    yajl_val topics = yajl_tree_get(root, tp, yajl_t_object);
    for (size_t t = 0; topics && t < topics->u.object.len; t++) {
        const char *pp[] = {"partitions", NULL};
        yajl_val parts = yajl_tree_get(topics->u.object.values[t], pp, yajl_t_object);
        for (size_t p = 0; parts && p < parts->u.object.len; p++) {
            const char *pid = parts->u.object.keys[p];
            const char *lp[] = {"consumer_lag", NULL}, *lo[] = {"lo_offset", NULL},
                       *hi[] = {"hi_offset", NULL}, *fs[] = {"fetch_state", NULL};
            yajl_val part = parts->u.object.values[p];
            yajl_val lag = yajl_tree_get(part, lp, yajl_t_number);
            yajl_val low = yajl_tree_get(part, lo, yajl_t_number);
            yajl_val high = yajl_tree_get(part, hi, yajl_t_number);
            yajl_val state = yajl_tree_get(part, fs, yajl_t_string);
            const char *fetch_state = state ? YAJL_GET_STRING(state) : NULL;
            long long behind = lag ? YAJL_GET_INTEGER(lag) : -1;
            /* an assigned partition that never held a message has no position to measure
             * from; it is not behind */
            if (behind < 0 && low && high && YAJL_GET_INTEGER(high) >= 0 &&
                YAJL_GET_INTEGER(high) == YAJL_GET_INTEGER(low) && fetch_state &&
                strcmp(fetch_state, "none") != 0) {
                behind = 0;
            }
            /* a partition this instance no longer fetches (revoked, owned elsewhere now)
             * still has a committed offset and so a lag: not ours to report */
            int fetching = fetch_state && strcmp(fetch_state, "none") != 0 &&
                           strcmp(fetch_state, "stopping") != 0 &&
                           strcmp(fetch_state, "stopped") != 0;
            if (strcmp(pid, "-1") == 0 || behind < 0 || !fetching) {
                continue;
            }
            nw_metric_set(lag_gauge(topics->u.object.keys[t], pid), (double)behind);
        }
    }
    int up = count_brokers_up(root);
    if (up >= 0) {
        nw_metric_set(nw_gauge("nearwire_kafka_brokers_up",
                               "Brokers this client holds an open connection to.", NULL),
                      up);
    }
    yajl_tree_free(root);
    return up;
}
