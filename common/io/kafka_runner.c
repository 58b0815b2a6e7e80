/* kafka_runner.c - the consume-transform-produce loop, at least once.
 * A batch of input messages is processed in order; every output (or dead-letter copy) is
 * produced with the idempotent producer, asynchronously, each input tracked in an in-flight
 * ring (core/inflight.h). As delivery reports arrive, the inputs whose outputs are all
 * acknowledged, and every input before them, have their offsets stored
 * (enable.auto.offset.store=false) for the auto-committer. Processing never waits for a
 * round trip to the broker except when the ring is full (backpressure). A failed delivery is
 * fatal: nothing at or after it is stored, so a restart re-processes it. Broker outage:
 * librdkafka reconnects and retries on its own; meanwhile the ring fills, consuming stops and
 * the stage reports not ready until a broker answers again. Poison messages: each batch runs
 * under an in-flight marker (crash_guard.h), so a restart after a death inside a batch
 * processes that batch's messages one at a time and dead-letters the one that kills it.
 * Shutdown: stop consuming, finish the batch, flush, store, commit, close.
 * processing.guarantee = exactly_once replaces the offset store: a batch's outputs and the
 * offsets after it commit in one transaction (kafka_txn.h), the ring only tracks its reports;
 * a producer that hits a fatal error other than fencing is replaced in the process (see
 * renew_producer). */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/inflight.h"
#include "batch.h"
#include "crash_guard.h"
#include "http.h"
#include "kafka_conf.h"
#include "kafka_topics.h"
#include "kafka_txn.h"
#include "log.h"
#include "metrics.h"
#include "stage.h"

typedef struct runner {
    const nw_stage *st;
    const nw_stage_config *cfg;
    void *ctx;
    rd_kafka_t *consumer, *producer;
    atomic_int *ready;
    atomic_int joined;
    atomic_int brokers_down; /* set on "all brokers down", cleared by any sign of a broker */
    atomic_int fatal; /* the producer is unusable: the stage exits 1 (a restart re-processes) */
    double producer_renewed;  /* exactly_once: when a new producer last took over */
    atomic_int fenced;        /* the consumer is unusable: a new one takes its place */
    atomic_int topic_missing; /* the input topic is gone (deleted): not ready until assigned */
    const nw_config *all;     /* for a new consumer */
    nw_batch batch;
    nw_inflight inflight;
    nw_crash_guard *guard;
    nw_mark_msg *marks;
    const char **payloads;
    size_t *lens;
    nw_metric *m_in, *m_out, *m_seconds, *m_age, *m_ready, *m_committed, *m_aborted, *m_renewed;
    nw_txn txn; /* exactly_once: the open transaction */
} runner;

/* How long one call of the transactional API may take (a broker restart fits in it). */
#define TXN_TIMEOUT_MS 30000
/* While a restart isolates a poison message (batches of one), a transaction gathers this many
 * batches, or this much time: one transaction a message took minutes over a 500-message
 * marker. */
#define TXN_ISOLATED_MESSAGES 100
#define TXN_ISOLATED_SECONDS 0.1
/* A producer replaced again within this many seconds exits instead: a cause that stays
 * (authorization, a broken cluster) would otherwise loop. */
#define PRODUCER_RENEW_SECONDS 60

/* /readyz and nearwire_ready always say the same (a retry once left the gauge at 1); why
 * not goes to /readyz's body. */
static void set_ready(runner *r, int ok, const char *why)
{
    if (!ok) {
        nw_http_set_not_ready_reason(why);
    }
    atomic_store(r->ready, ok);
    nw_metric_set(r->m_ready, ok);
}

static void set_brokers_down(runner *r, int down)
{
    if (atomic_exchange(&r->brokers_down, down) != down) {
        nw_log(down ? NW_LOG_WARN : NW_LOG_INFO, down ? "brokers_down" : "brokers_up", "%s",
               down ? "detail=\"no broker reachable; retrying\"" : "");
        if (down) {
            set_ready(r, 0, "kafka: no broker reachable");
        }
    }
}

/* exactly_once: 1 when the producer hit a fatal error that a new producer under the same
 * transactional id recovers from. Seen after a broker restart: librdkafka 2.0's transactional
 * producer loses track of its sequence numbers (OUT_OF_ORDER_SEQUENCE_NUMBER, "sequence
 * desynchronization"; test_exactly_once.sh met it in 2 runs of 5). Fencing is not: another
 * instance owns the id, this one is the zombie and exits. */
static int producer_renewable(runner *r)
{
    if (!r->cfg->exactly_once || !r->producer) {
        return 0;
    }
    char why[256];
    rd_kafka_resp_err_t e = rd_kafka_fatal_error(r->producer, why, sizeof why);
    return e && e != RD_KAFKA_RESP_ERR__FENCED && e != RD_KAFKA_RESP_ERR_PRODUCER_FENCED &&
           e != RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH &&
           nw_now_seconds() - r->producer_renewed > PRODUCER_RENEW_SECONDS;
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
        set_brokers_down(opaque, 1);
    } else if (err == RD_KAFKA_RESP_ERR__FATAL && rd_kafka_type(rk) == RD_KAFKA_CONSUMER) {
        nw_log(NW_LOG_WARN, "kafka_consumer_fatal", "detail=%s", nw_logq(reason));
        atomic_store(&((runner *)opaque)->fenced, 1);
    } else if (err == RD_KAFKA_RESP_ERR__FATAL && producer_renewable(opaque)) {
        nw_log(NW_LOG_WARN, "kafka_producer_fatal", "detail=%s", nw_logq(reason));
    } else if (err == RD_KAFKA_RESP_ERR__FATAL) {
        nw_log(NW_LOG_ERROR, "kafka_fatal", "detail=%s", nw_logq(reason));
        atomic_store(&((runner *)opaque)->fatal, 1);
        nw_stop = 1; /* the client is unusable: exit, a restart re-processes what is not stored */
    } else {
        nw_log(NW_LOG_WARN, "kafka_error", "error=%s detail=%s", rd_kafka_err2name(err),
               nw_logq(reason));
    }
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    nw_inflight_done(m->_private, m->err != RD_KAFKA_RESP_ERR_NO_ERROR);
    if (!m->err) {
        set_brokers_down(opaque, 0);
    } else if (m->err != RD_KAFKA_RESP_ERR__PURGE_QUEUE) { /* purged: an aborted transaction */
        nw_log(NW_LOG_ERROR, "delivery_failed", "topic=%s error=%s", rd_kafka_topic_name(m->rkt),
               nw_logq(rd_kafka_err2str(m->err)));
    }
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    runner *r = opaque;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        nw_log(NW_LOG_INFO, "partitions_assigned", "count=%d", parts->cnt);
        rd_kafka_assign(rk, parts);
        atomic_store(&r->joined, 1);
        if (parts->cnt > 0 && atomic_exchange(&r->topic_missing, 0)) {
            nw_log(NW_LOG_INFO, "input_topic_found", "topic=%s", r->cfg->topic_in);
        }
    } else {
        nw_log(NW_LOG_INFO, "partitions_revoked", "count=%d", parts->cnt);
        if (!r->cfg->exactly_once) {
            rd_kafka_commit(rk, NULL, 0); /* hand over what is stored before losing it */
        }
        rd_kafka_assign(rk, NULL);
        nw_kafka_lag_forget(parts);
    }
}

static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
    (void)rk;
    (void)len;
    if (nw_kafka_stats_to_metrics(json) > 0) {
        set_brokers_down(opaque, 0);
    }
    return 0; /* librdkafka frees json */
}

static rd_kafka_t *make_client(runner *r, const nw_config *all, rd_kafka_type_t type)
{
    char err[512];
    rd_kafka_conf_t *conf =
        nw_kafka_conf_new(r->cfg, all, type == RD_KAFKA_CONSUMER, err, sizeof err);
    if (!conf) {
        nw_log(NW_LOG_ERROR, "kafka_config", "detail=%s", nw_logq(err));
        return NULL;
    }
    rd_kafka_conf_set_opaque(conf, r);
    rd_kafka_conf_set_error_cb(conf, on_error);
    if (type == RD_KAFKA_CONSUMER) {
        rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
        rd_kafka_conf_set_stats_cb(conf, on_stats);
    } else {
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        nw_log(NW_LOG_ERROR, "kafka_client", "detail=%s", nw_logq(err));
        return NULL;
    }
    return rk; /* conf now belongs to rk */
}

/* Fail fast: the brokers answer and every topic the stage reads or writes exists, within
 * startup.timeout.ms (topics being created meanwhile, by an init job, are waited for); else
 * one clear line and NW_E_FATAL. A typo in a topic name once ran against an empty topic. */
static int wait_for_topics(runner *r)
{
    const nw_stage_config *cfg = r->cfg;
    const char *names[4] = {cfg->topic_in, cfg->topic_out, cfg->topic_dlq, NULL};
    const char *extra = r->st->extra_topic ? r->st->extra_topic(r->st->cfg) : NULL;
    size_t n = extra ? 4 : 3;
    names[3] = extra;
    char missing[4 * NW_CFG_STR_MAX], err[256];
    double start = nw_now_seconds(), limit = (double)cfg->startup_timeout_ms / 1000.0;
    int rc, noted = 0;
    set_ready(r, 0, "starting: waiting for Kafka (see event=kafka_unreachable, topics_missing)");
    while ((rc = nw_kafka_check_topics(r->consumer, names, n, 2000, missing, sizeof missing, err,
                                       sizeof err)) != NW_OK &&
           !nw_stop) {
        double waited = nw_now_seconds() - start;
        int down = rc == NW_E_RETRY; /* else topics are missing */
        const char *event = down ? "kafka_unreachable" : "topics_missing";
        if (!noted++) {
            nw_log(NW_LOG_WARN, event, "bootstrap=%s %s=%s", cfg->kafka_bootstrap,
                   down ? "detail" : "missing", down ? nw_logq(err) : missing);
        }
        if (limit > 0 && waited > limit) {
            nw_log(NW_LOG_ERROR, event, "waited_s=%.0f bootstrap=%s %s=%s detail=%s", waited,
                   cfg->kafka_bootstrap, down ? "error" : "missing", down ? nw_logq(err) : missing,
                   nw_logq(down ? "no broker answered; check kafka.bootstrap"
                                : "create these topics (deploy/compose/topics.txt has their "
                                  "settings) or fix the topic.* settings"));
            return NW_E_FATAL;
        }
        if (rc == NW_E_INPUT) {
            sleep(1); /* metadata came at once: do not spin */
        }
    }
    if (!nw_stop) {
        /* the producer asks for the same metadata now, not at its first record: with a cold
         * cache each stage's first record waited about 1 s for its topic's partitions (the
         * first article on a fresh stack took 2.8-3.9 s through the four stages, 0.12 s after
         * this); a failure here only leaves that wait */
        nw_kafka_check_topics(r->producer, names, n, 2000, missing, sizeof missing, err,
                              sizeof err);
    }
    return nw_stop ? NW_E_FATAL : NW_OK;
}

/* Produces one record, waiting out a full local queue. Takes ownership of hdrs. */
static int produce(runner *r, nw_inflight_entry *in, const char *topic, const void *key,
                   size_t klen, const void *val, size_t vlen, rd_kafka_headers_t *hdrs, int64_t ts)
{
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            r->producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY((void *)key, klen),
            RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(in),
            RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            nw_inflight_add_output(in);
            return NW_OK;
        }
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            nw_log(NW_LOG_ERROR, "produce_failed", "topic=%s error=%s", topic,
                   nw_logq(rd_kafka_err2str(e)));
            if (hdrs) {
                rd_kafka_headers_destroy(hdrs);
            }
            return NW_E_FATAL;
        }
        rd_kafka_poll(r->producer, 50);
    }
}

/* The input's headers for its dead letter: kept, except that names in our nw. namespace
 * become orig.nw.* so that a sender cannot pass off a reason or a stage as ours. */
static rd_kafka_headers_t *input_headers(const rd_kafka_message_t *m)
{
    rd_kafka_headers_t *orig = NULL;
    if (rd_kafka_message_headers(m, &orig) != RD_KAFKA_RESP_ERR_NO_ERROR || !orig) {
        return rd_kafka_headers_new(6);
    }
    rd_kafka_headers_t *h = rd_kafka_headers_new(rd_kafka_header_cnt(orig) + 6);
    const char *name;
    const void *val;
    size_t size;
    for (size_t i = 0;
         rd_kafka_header_get_all(orig, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; i++) {
        char renamed[256];
        if (strncmp(name, "nw.", 3) == 0) {
            snprintf(renamed, sizeof renamed, "orig.%s", name);
            name = renamed;
        }
        rd_kafka_header_add(h, name, -1, val, (ssize_t)size);
    }
    return h;
}

/* The dead-letter counter of one reason (registered on first use). */
static nw_metric *dlq_counter(const char *reason)
{
    char labels[96];
    snprintf(labels, sizeof labels, "reason=\"%s\"", reason);
    return nw_counter("nearwire_messages_dlq_total",
                      "Input messages sent to the dead-letter topic, by reason.", labels);
}

static int dead_letter(runner *r, nw_inflight_entry *in, const rd_kafka_message_t *m,
                       const nw_err *err)
{
    rd_kafka_headers_t *h = input_headers(m);
    /* an oversize input's dead letter keeps its first max.message.bytes, saying so: a dead
     * letter that cannot be produced would stop the stage */
    size_t vlen = m->len;
    if (vlen > (size_t)r->cfg->max_message_bytes) {
        char full[32];
        snprintf(full, sizeof full, "%zu", m->len);
        rd_kafka_header_add(h, "nw.truncated", -1, full, -1);
        vlen = (size_t)r->cfg->max_message_bytes;
    }
    char part[16], off[32];
    snprintf(part, sizeof part, "%d", m->partition);
    snprintf(off, sizeof off, "%lld", (long long)m->offset);
    rd_kafka_header_add(h, "nw.stage", -1, r->st->name, -1);
    rd_kafka_header_add(h, "nw.reason", -1, err->reason, -1);
    rd_kafka_header_add(h, "nw.detail", -1, err->detail, -1);
    rd_kafka_header_add(h, "nw.source.topic", -1, rd_kafka_topic_name(m->rkt), -1);
    rd_kafka_header_add(h, "nw.source.partition", -1, part, -1);
    rd_kafka_header_add(h, "nw.source.offset", -1, off, -1);
    nw_metric_add(dlq_counter(err->reason), 1);
    nw_log(NW_LOG_DEBUG, "dead_letter", "reason=%s partition=%d offset=%lld detail=%s", err->reason,
           m->partition, (long long)m->offset, nw_logq(err->detail));
    return produce(r, in, r->cfg->topic_dlq, m->key, m->key_len, m->payload, vlen, h,
                   rd_kafka_message_timestamp(m, NULL));
}

static void on_retry(void *arg)
{
    runner *r = arg;
    set_ready(r, 0, "retrying a batch (see event=step_retry: Redis errors or outage)");
    rd_kafka_poll(r->producer, 0);
}

/* 1 when a record of the outbox is larger than the producer takes (err says which). */
static int output_too_large(const runner *r, const nw_outbox *out, nw_err *err)
{
    long long max = nw_kafka_output_max_bytes(r->cfg);
    for (size_t k = 0; k < out->n; k++) {
        const nw_record *rec = &out->rec[k];
        if ((long long)rec->val_len > max) {
            nw_err_set(err, NW_E_INPUT, "output_too_large",
                       "an output record would be %zu bytes, over the %lld the topics take",
                       rec->val_len, max);
            return 1;
        }
    }
    return 0;
}

/* Produces each message's records, or its dead letter, tracking each input in the ring. */
static int emit(runner *r, rd_kafka_message_t **msgs, size_t n)
{
    int rc = NW_OK;
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    double now = (double)wall.tv_sec + wall.tv_nsec / 1e9;
    for (size_t i = 0; i < n && rc == NW_OK; i++) {
        const nw_batch_item *it = &r->batch.items[i];
        const rd_kafka_message_t *m = msgs[i];
        nw_inflight_entry *in = nw_inflight_push(&r->inflight, m->partition, m->offset);
        if (!in) { /* cannot happen: loop() makes room for a whole batch first */
            nw_log(NW_LOG_ERROR, "inflight_full", "capacity=%zu", r->inflight.cap);
            return NW_E_FATAL;
        }
        nw_err too_large;
        int produced = it->rc == NW_OK; /* else dead-lettered */
        if (produced && output_too_large(r, it->out, &too_large)) {
            rc = dead_letter(r, in, m, &too_large);
            produced = 0;
        } else if (it->rc == NW_E_INPUT) {
            rc = dead_letter(r, in, m, &it->err);
        }
        int64_t ts = rd_kafka_message_timestamp(m, NULL);
        for (size_t k = 0; produced && k < it->out->n && rc == NW_OK; k++) {
            const nw_record *rec = &it->out->rec[k];
            rc = produce(r, in, rec->topic ? rec->topic : r->cfg->topic_out,
                         nw_record_key(it->out, rec), rec->key_len, nw_record_val(it->out, rec),
                         rec->val_len, NULL, ts);
            nw_metric_add(r->m_out, 1);
        }
        /* sealed: retired once its outputs are acknowledged; an output that could not even
         * be produced marks it failed, so its offset (and any after it) is never stored */
        nw_inflight_done(in, rc != NW_OK);
        if (ts > 0) {
            double age = now - (double)ts / 1000.0;
            nw_metric_observe(r->m_age, age < 0 ? 0 : age);
        }
    }
    return rc;
}

static void store_one(void *arg, int32_t partition, int64_t next)
{
    runner *r = arg;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, r->cfg->topic_in, partition)->offset = next;
    rd_kafka_resp_err_t e = rd_kafka_offsets_store(r->consumer, l);
    if (e) {
        /* partition revoked meanwhile: the new owner re-processes it (at least once) */
        nw_log(NW_LOG_DEBUG, "offsets_store", "partition=%d error=%s", (int)partition,
               nw_logq(rd_kafka_err2str(e)));
    }
    rd_kafka_topic_partition_list_destroy(l);
}

/* Serves delivery reports and stores the offsets of every acknowledged prefix. */
static int retire(runner *r, int wait_ms)
{
    rd_kafka_poll(r->producer, wait_ms);
    if (r->cfg->exactly_once) {
        return NW_OK; /* the transaction decides what counts; settle() empties the ring */
    }
    int failed;
    nw_inflight_retire(&r->inflight, store_one, r, &failed);
    return failed ? NW_E_FATAL : NW_OK;
}

/* exactly_once: serves delivery reports until every output of the ring is reported, then
 * empties it (the transaction, not the ring, decided what counts). */
static int settle(runner *r)
{
    double deadline = nw_now_seconds() + TXN_TIMEOUT_MS / 1000.0;
    while (!nw_inflight_settled(&r->inflight)) {
        if (nw_now_seconds() > deadline) {
            nw_log(NW_LOG_ERROR, "delivery_timeout", "outstanding=%zu", r->inflight.count);
            return NW_E_FATAL;
        }
        rd_kafka_poll(r->producer, 10);
    }
    nw_inflight_clear(&r->inflight);
    return NW_OK;
}

/* exactly_once: commits the open transaction (if any) with the offsets after its messages.
 * An aborted transaction leaves nothing visible and the consumer back at its first offsets:
 * NW_OK, the loop reads those messages again. */
static int end_transaction(runner *r)
{
    if (!r->txn.open) {
        return NW_OK;
    }
    int rc = nw_txn_commit(r->producer, r->consumer, &r->txn, TXN_TIMEOUT_MS);
    if (rc == NW_OK) {
        nw_metric_add(r->m_committed, 1);
    } else if (rc == NW_E_RETRY) {
        nw_metric_add(r->m_aborted, 1);
        rc = nw_txn_abort(r->producer, r->consumer, &r->txn, TXN_TIMEOUT_MS);
    }
    return rc == NW_OK ? settle(r) : rc;
}

/* exactly_once: produces the batch's records in the open transaction (opening one), and
 * commits it, except while isolating, when it gathers batches of one for a while. */
static int emit_transaction(runner *r, rd_kafka_message_t **msgs, size_t n, int isolating)
{
    int rc = nw_txn_begin(r->producer, &r->txn);
    if (rc == NW_OK) {
        rc = emit(r, msgs, n);
    }
    if (rc != NW_OK) {
        return rc;
    }
    nw_txn_add(&r->txn, r->cfg->topic_in, msgs, n);
    if (isolating && r->txn.messages < TXN_ISOLATED_MESSAGES &&
        nw_now_seconds() - r->txn.opened < TXN_ISOLATED_SECONDS) {
        return NW_OK;
    }
    return end_transaction(r);
}

/* Waits until the ring has room for a batch, or (room = 0) until it is empty; NW_E_RETRY
 * when timeout_ms passes first. */
static int wait_for_room(runner *r, size_t room, int timeout_ms)
{
    double deadline = nw_now_seconds() + timeout_ms / 1000.0;
    int rc = retire(r, 0);
    while (rc == NW_OK && (room ? nw_inflight_free(&r->inflight) < room : r->inflight.count)) {
        if (nw_now_seconds() > deadline) {
            return NW_E_RETRY;
        }
        rc = retire(r, 10);
    }
    return rc;
}

/* Fills msgs with up to max messages holding up to batch.max.bytes (at least one message):
 * waits up to 200 ms for the first, then batch_wait_ms. */
static size_t collect(runner *r, rd_kafka_message_t **msgs, size_t max)
{
    size_t n = 0, bytes = 0;
    double until = 0;
    while (n < max && bytes < (size_t)r->cfg->batch_max_bytes && !nw_stop) {
        int wait = n == 0 ? 200 : (int)((until - nw_now_seconds()) * 1000);
        if (n > 0 && wait <= 0) {
            break;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(r->consumer, wait);
        if (!m) {
            if (n == 0) {
                break;
            }
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
            /* e.g. a static member fenced by its own rejoin after the coordinator restarted:
             * this consumer will never fetch again (a stage that kept polling it stalled
             * silently); the loop gives it a successor */
            nw_log(NW_LOG_WARN, "kafka_consumer_fatal", "detail=%s",
                   nw_logq(rd_kafka_message_errstr(m)));
            atomic_store(&r->fenced, 1);
            rd_kafka_message_destroy(m);
            break;
        }
        if (m->err) { /* an event, not a message */
            if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
                /* deleted under the running stage: consuming resumes, from the start of the
                 * topic, once it is created again (metadata refresh, then a rebalance) */
                if (!atomic_exchange(&r->topic_missing, 1)) {
                    nw_log(NW_LOG_ERROR, "input_topic_missing", "topic=%s detail=%s",
                           r->cfg->topic_in, nw_logq(rd_kafka_message_errstr(m)));
                    set_ready(r, 0,
                              "kafka: the input topic does not exist (see "
                              "event=input_topic_missing)");
                }
            } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                nw_log(NW_LOG_WARN, "consume_error", "error=%s",
                       nw_logq(rd_kafka_message_errstr(m)));
            }
            rd_kafka_message_destroy(m);
            continue;
        }
        if (n == 0) {
            until = nw_now_seconds() + r->cfg->batch_wait_ms / 1000.0;
            set_brokers_down(r, 0);
        }
        bytes += m->len;
        msgs[n++] = m;
    }
    return n;
}

static void update_ready(runner *r)
{
    int ok = atomic_load(&r->joined) && !atomic_load(&r->brokers_down) &&
             !atomic_load(&r->topic_missing) && (!r->st->ready || r->st->ready(r->ctx));
    set_ready(r, ok,
              !atomic_load(&r->joined)         ? "kafka: not yet in the consumer group"
              : atomic_load(&r->brokers_down)  ? "kafka: no broker reachable"
              : atomic_load(&r->topic_missing) ? "kafka: the input topic does not exist (see "
                                                 "event=input_topic_missing)"
                                               : "dependency not answering (Redis PING)");
}

/* Runs one batch under the in-flight marker; while isolating (one message a batch), the
 * marker's verdict may dead-letter the message without running it. */
static int process(runner *r, rd_kafka_message_t **msgs, size_t n, int isolating)
{
    nw_err why;
    nw_err_clear(&why);
    nw_verdict v = isolating
                       ? nw_crash_guard_judge(r->guard, msgs[0]->partition, msgs[0]->offset, &why)
                       : NW_VERDICT_NONE;
    if (v == NW_VERDICT_CONDEMN) {
        nw_log(NW_LOG_WARN, "poison_message", "reason=%s partition=%d offset=%lld", why.reason,
               msgs[0]->partition, (long long)msgs[0]->offset);
        nw_batch_reject(&r->batch, 1, &why);
        return NW_OK;
    }
    for (size_t i = 0; i < n; i++) {
        r->payloads[i] = msgs[i]->payload ? msgs[i]->payload : "";
        r->lens[i] = msgs[i]->len;
        r->marks[i] = (nw_mark_msg){msgs[i]->partition, msgs[i]->offset, 0};
    }
    nw_crash_guard_begin(r->guard, r->marks, n, v == NW_VERDICT_ISOLATE);
    int rc = nw_batch_run(&r->batch, r->st, r->ctx, r->payloads, r->lens, n,
                          (size_t)r->cfg->max_message_bytes, 0, on_retry, r);
    if (rc == NW_OK || rc == NW_E_RETRY) {
        nw_crash_guard_end(r->guard); /* else the marker stays "running": a restart isolates */
    }
    return rc;
}

static int subscribe(runner *r)
{
    rd_kafka_poll_set_consumer(r->consumer);
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, r->cfg->topic_in, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(r->consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e) {
        nw_log(NW_LOG_ERROR, "subscribe_failed", "topic=%s error=%s", r->cfg->topic_in,
               nw_logq(rd_kafka_err2str(e)));
        return NW_E_FATAL;
    }
    return NW_OK;
}

/* The consumer hit a fatal error: once every output in flight is acknowledged (their offsets
 * can no longer be stored: the successor re-reads them, at least once, with the same
 * decisions), it is dropped without leaving the group it was fenced from, and a new one
 * subscribes under the same settings (a static member id then fences the old member). */
static int renew_consumer(runner *r)
{
    if (r->txn.open && (nw_txn_abort(r->producer, NULL, &r->txn, TXN_TIMEOUT_MS) != NW_OK ||
                        settle(r) != NW_OK)) { /* a fenced consumer's offsets cannot commit */
        return NW_E_FATAL;
    }
    if (wait_for_room(r, 0, (int)r->cfg->shutdown_timeout_ms) != NW_OK) {
        return NW_E_FATAL;
    }
    rd_kafka_destroy_flags(r->consumer, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    atomic_store(&r->fenced, 0);
    atomic_store(&r->joined, 0);
    r->consumer = make_client(r, r->all, RD_KAFKA_CONSUMER);
    if (!r->consumer) {
        return NW_E_FATAL;
    }
    nw_log(NW_LOG_INFO, "kafka_consumer_renewed", "group=%s", r->cfg->group_id);
    return subscribe(r);
}

/* exactly_once, the producer unusable (producer_renewable): its open transaction can neither
 * commit nor abort. The consumer goes back to the transaction's first offsets and the batch
 * at hand's, the producer is dropped with what it still held, and a new one registers under
 * the same transactional id, which makes the coordinator abort the old transaction (none of
 * its records become visible): the same messages are processed again, with the same
 * decisions, as after a restart but without one. */
static int renew_producer(runner *r, rd_kafka_message_t **msgs, size_t n)
{
    char why[256];
    rd_kafka_resp_err_t e = rd_kafka_fatal_error(r->producer, why, sizeof why);
    nw_log(NW_LOG_WARN, "kafka_producer_renewing", "error=%s detail=%s", rd_kafka_err2name(e),
           nw_logq(why));
    nw_txn_add(&r->txn, r->cfg->topic_in, msgs, n);
    if (nw_txn_rewind(r->consumer, &r->txn, TXN_TIMEOUT_MS) != NW_OK) {
        return NW_E_FATAL;
    }
    rd_kafka_purge(r->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    if (settle(r) != NW_OK) { /* every report served before the ring's entries are reused */
        return NW_E_FATAL;
    }
    rd_kafka_destroy(r->producer);
    r->producer = make_client(r, r->all, RD_KAFKA_PRODUCER);
    if (!r->producer || nw_txn_init(r->producer, TXN_TIMEOUT_MS) != NW_OK) {
        return NW_E_FATAL;
    }
    r->producer_renewed = nw_now_seconds();
    nw_metric_add(r->m_renewed, 1);
    nw_log(NW_LOG_INFO, "kafka_producer_renewed", "rewound_to=committed");
    return NW_OK;
}

/* A failed step whose cause is the producer's recoverable fatal error gets a new producer. */
static int recover(runner *r, int rc, rd_kafka_message_t **msgs, size_t n)
{
    return rc == NW_E_FATAL && producer_renewable(r) ? renew_producer(r, msgs, n) : rc;
}

static int loop(runner *r)
{
    size_t max = r->batch.cap;
    rd_kafka_message_t **msgs = calloc(max, sizeof *msgs);
    if (!msgs) {
        return NW_E_NOMEM;
    }
    int rc = NW_OK;
    double next_ready_check = 0;
    while (!nw_stop && rc == NW_OK) {
        if (nw_now_seconds() >= next_ready_check) {
            update_ready(r);
            next_ready_check = nw_now_seconds() + 1.0;
        }
        /* backpressure: never more than the ring's worth of unacknowledged inputs. While the
         * broker is away this waits as long as librdkafka keeps retrying (message.timeout.ms);
         * a delivery that finally fails is fatal in retire(). */
        rc = wait_for_room(r, max, 1000);
        if (rc == NW_E_RETRY) {
            nw_log(NW_LOG_WARN, "waiting_for_deliveries", "outstanding=%zu", r->inflight.count);
            rc = NW_OK;
            continue;
        }
        int isolating = nw_crash_guard_isolating(r->guard);
        size_t n = atomic_load(&r->fenced) ? 0 : collect(r, msgs, isolating ? 1 : max);
        if (atomic_load(&r->fenced)) { /* its batch is dropped: the successor reads it again */
            for (size_t i = 0; i < n; i++) {
                rd_kafka_message_destroy(msgs[i]);
            }
            rc = renew_consumer(r);
            continue;
        }
        if (n == 0) {
            /* a quiet moment: what an isolating restart gathered */
            rc = recover(r, end_transaction(r), NULL, 0);
            continue;
        }
        nw_metric_add(r->m_in, n);
        double t0 = nw_now_seconds();
        rc = process(r, msgs, n, isolating);
        if (rc == NW_OK) {
            if (!atomic_load(r->ready)) {
                update_ready(r); /* back from a retry: ready again once dependencies answer */
            }
            rc = r->cfg->exactly_once ? recover(r, emit_transaction(r, msgs, n, isolating), msgs, n)
                                      : emit(r, msgs, n);
            double per = (nw_now_seconds() - t0) / (double)n;
            for (size_t i = 0; i < n; i++) {
                nw_metric_observe(r->m_seconds, per);
            }
        }
        if (rc == NW_OK) {
            rc = retire(r, 0);
        }
        if (rc == NW_E_RETRY) { /* stopped while retrying: nothing of this batch is stored */
            rc = NW_OK;
        }
        for (size_t i = 0; i < n; i++) {
            rd_kafka_message_destroy(msgs[i]);
        }
    }
    free(msgs);
    if (r->txn.open) { /* stopping: what was gathered commits, unless the loop failed */
        int end = rc == NW_OK ? end_transaction(r)
                  : nw_txn_abort(r->producer, NULL, &r->txn, TXN_TIMEOUT_MS) == NW_OK ? settle(r)
                                                                                      : NW_E_FATAL;
        rc = rc == NW_OK ? end : rc;
    }
    return rc;
}

typedef struct overrun {
    double seconds;
    int status;
} overrun;

static void *exit_after(void *arg)
{
    const overrun *o = arg;
    struct timespec ts = {(time_t)o->seconds, 0};
    nanosleep(&ts, NULL);
    nw_log(NW_LOG_ERROR, "shutdown_overrun",
           "waited_s=%.0f detail=\"the Kafka clients did not close; exiting anyway\"", o->seconds);
    _exit(o->status);
}

/* librdkafka 2.0.2 can wait for ever in rd_kafka_destroy: once the input topic was deleted
 * under the stage, a broker thread keeps a reference to a partition of the old topic and
 * never ends (test_topic_recreate.sh: on SIGTERM and on a fatal error alike). Closing gets
 * its time, then the process exits with the status it was going to have; offsets are
 * committed before the clients are destroyed. */
static void exit_if_close_hangs(const nw_stage_config *cfg, int status)
{
    static overrun o;
    o.seconds = cfg->shutdown_timeout_ms > 5000 ? (double)cfg->shutdown_timeout_ms / 1000.0 : 5;
    o.status = status;
    pthread_t t;
    if (pthread_create(&t, NULL, exit_after, &o) == 0) {
        pthread_detach(t);
    }
}

/* Frees what nw_run_kafka allocated (any of it may still be unset). */
static void release(runner *r)
{
    nw_txn_release(&r->txn);
    nw_crash_guard_close(r->guard);
    nw_batch_release(&r->batch);
    nw_inflight_release(&r->inflight);
    free(r->payloads);
    free(r->lens);
    free(r->marks);
}

int nw_run_kafka(const nw_stage *st, const nw_stage_config *cfg, const nw_config *all, void *ctx,
                 atomic_int *ready)
{
    runner r;
    memset(&r, 0, sizeof r);
    r.st = st;
    r.cfg = cfg;
    r.ctx = ctx;
    r.ready = ready;
    r.m_in = nw_counter("nearwire_messages_in_total", "Input messages consumed.", NULL);
    r.m_out = nw_counter("nearwire_messages_out_total", "Output records produced.", NULL);
    r.m_seconds = nw_histogram("nearwire_processing_seconds",
                               "Time to process one input message, seconds.", NULL);
    r.m_ready =
        nw_gauge("nearwire_ready", "1 while /readyz answers 200 (checked every second).", NULL);
    r.m_age =
        nw_histogram("nearwire_message_age_seconds",
                     "Age of an input message (now - its Kafka timestamp) when processed.", NULL);
    if (cfg->exactly_once) {
        static const char help[] = "Batches' transactions (processing.guarantee = exactly_once), "
                                   "by outcome; an aborted batch is read again.";
        r.m_committed = nw_counter("nearwire_transactions_total", help, "result=\"committed\"");
        r.m_aborted = nw_counter("nearwire_transactions_total", help, "result=\"aborted\"");
        r.m_renewed = nw_counter("nearwire_kafka_producer_renewals_total",
                                 "Producers replaced after a fatal error other than fencing "
                                 "(exactly_once; the messages of its open transaction are read "
                                 "again).",
                                 NULL);
        r.producer_renewed = -PRODUCER_RENEW_SECONDS;
    }
    /* every reason a stage gives exported from the start, at 0: a rate() or a dashboard
     * panel sees the series before the first dead letter */
    static const char *const reasons[] = {"oversize",   "invalid_json",         "invalid_utf8",
                                          "not_object", "duplicate_key",        "missing_id",
                                          "bad_id",     "missing_field",        "bad_field_type",
                                          "empty_body", "unknown_content_type", "too_complex",
                                          "crashed",    "output_too_large",     "invalid_output",
                                          NULL};
    for (size_t i = 0; reasons[i]; i++) {
        dlq_counter(reasons[i]);
    }
    size_t cap = cfg->batch_size > 0 ? (size_t)cfg->batch_size : 1;
    r.payloads = calloc(cap, sizeof *r.payloads);
    r.lens = calloc(cap, sizeof *r.lens);
    r.marks = calloc(cap, sizeof *r.marks);
    if (!r.payloads || !r.lens || !r.marks || nw_batch_init(&r.batch, cap) != NW_OK ||
        nw_inflight_init(&r.inflight, 4 * cap) != NW_OK) {
        release(&r);
        return 1;
    }
    char scope[3 * NW_CFG_STR_MAX], gerr[768];
    snprintf(scope, sizeof scope, "%s|%s|%s", cfg->kafka_bootstrap, cfg->group_id, cfg->topic_in);
    r.guard = nw_crash_guard_open(cfg->state_dir, st->name, scope, cap, cfg->batch_cpu_seconds,
                                  gerr, sizeof gerr);
    if (!r.guard) {
        nw_log(NW_LOG_ERROR, "state_dir", "detail=%s", nw_logq(gerr));
        release(&r);
        return 1;
    }
    int rc = NW_E_FATAL;
    r.all = all;
    r.producer = make_client(&r, all, RD_KAFKA_PRODUCER);
    r.consumer = r.producer ? make_client(&r, all, RD_KAFKA_CONSUMER) : NULL;
    if (r.consumer &&
        (wait_for_topics(&r) != NW_OK ||
         (cfg->exactly_once &&
          nw_txn_init(r.producer, cfg->startup_timeout_ms > 0 ? (int)cfg->startup_timeout_ms
                                                              : TXN_TIMEOUT_MS) != NW_OK))) {
        rd_kafka_destroy(r.consumer);
        r.consumer = NULL;
    }
    if (r.consumer) {
        if (subscribe(&r) == NW_OK) {
            nw_log(NW_LOG_INFO, "started",
                   "topic_in=%s topic_out=%s group=%s bootstrap=%s guarantee=%s", cfg->topic_in,
                   cfg->topic_out, cfg->group_id, cfg->kafka_bootstrap, cfg->processing_guarantee);
            rc = loop(&r);
        }
    }
    if (atomic_load(&r.fatal)) {
        rc = NW_E_FATAL;
    }
    set_ready(&r, 0, "stopping");
    nw_log(NW_LOG_INFO, "stopping", "rc=%s", nw_strerror(rc));
    if (r.producer && r.consumer) {
        rd_kafka_flush(r.producer, (int)cfg->shutdown_timeout_ms);
        int left = wait_for_room(&r, 0, (int)cfg->shutdown_timeout_ms);
        if (left != NW_OK) {
            nw_log(NW_LOG_ERROR, left == NW_E_RETRY ? "delivery_timeout" : "deliveries_failed",
                   "outstanding=%zu detail=%s", r.inflight.count,
                   nw_logq("what was not delivered is not committed: a restart reads it again"));
            rc = NW_E_FATAL;
        }
    }
    exit_if_close_hangs(cfg, rc == NW_OK ? 0 : 1);
    if (r.consumer) {
        if (rc == NW_OK && !cfg->exactly_once) {
            rd_kafka_commit(r.consumer, NULL, 0);
        }
        rd_kafka_consumer_close(r.consumer);
        rd_kafka_destroy(r.consumer);
    }
    if (r.producer) {
        rd_kafka_destroy(r.producer);
    }
    release(&r);
    nw_log(NW_LOG_INFO, "stopped", "clean=%s", rc == NW_OK ? "true" : "false");
    return rc == NW_OK ? 0 : 1;
}
