/* kafka_txn.c - a producer transaction per batch, or per run of isolated batches (see
 * kafka_txn.h). librdkafka classes
 * every error of its transactional API: retriable (call again), abortable (abort, then the
 * batch is read again) or fatal (the producer is unusable, e.g. fenced by a newer instance
 * of the same transactional id: exit, and the newer one carries on). */
#include "kafka_txn.h"

#include <time.h>

#include "../core/nw_error.h"
#include "log.h"
#include "metrics.h"

#define AGAIN 1 /* retriable: the same call once more */

/* What an error means to the loop; logs and frees it. */
static int judge(rd_kafka_error_t *e, const char *what, double deadline)
{
    if (!e) {
        return NW_OK;
    }
    int rc = rd_kafka_error_is_fatal(e)                                      ? NW_E_FATAL
             : rd_kafka_error_txn_requires_abort(e)                          ? NW_E_RETRY
             : rd_kafka_error_is_retriable(e) && nw_now_seconds() < deadline ? AGAIN
                                                                             : NW_E_FATAL;
    nw_log(rc == AGAIN ? NW_LOG_INFO : NW_LOG_WARN, "kafka_transaction",
           "call=%s error=%s outcome=%s detail=%s", what, rd_kafka_error_name(e),
           rc == AGAIN        ? "retry"
           : rc == NW_E_RETRY ? "abort"
                              : "fatal",
           nw_logq(rd_kafka_error_string(e)));
    rd_kafka_error_destroy(e);
    if (rc == AGAIN) {
        struct timespec pause = {0, 100 * 1000000L};
        nanosleep(&pause, NULL);
    }
    return rc;
}

int nw_txn_init(rd_kafka_t *producer, int timeout_ms)
{
    double deadline = nw_now_seconds() + timeout_ms / 1000.0;
    int rc;
    while ((rc = judge(rd_kafka_init_transactions(producer, timeout_ms), "init", deadline)) ==
           AGAIN) {
    }
    return rc == NW_OK ? NW_OK : NW_E_FATAL;
}

/* Forgets the transaction's messages (committed or aborted). */
static void reset(nw_txn *t)
{
    nw_txn_release(t);
    t->open = 0;
    t->messages = 0;
}

int nw_txn_begin(rd_kafka_t *producer, nw_txn *t)
{
    if (t->open) {
        return NW_OK;
    }
    if (judge(rd_kafka_begin_transaction(producer), "begin", 0) != NW_OK) {
        return NW_E_FATAL;
    }
    t->open = 1;
    t->opened = nw_now_seconds();
    return NW_OK;
}

/* Keeps the lowest (first) or the highest (next) offset per partition. */
static void note(rd_kafka_topic_partition_list_t **l, const char *topic, int32_t partition,
                 int64_t at, int highest)
{
    if (!*l) {
        *l = rd_kafka_topic_partition_list_new(16);
    }
    rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_list_find(*l, topic, partition);
    if (!p) {
        rd_kafka_topic_partition_list_add(*l, topic, partition)->offset = at;
    } else if (highest ? at > p->offset : at < p->offset) {
        p->offset = at;
    }
}

void nw_txn_add(nw_txn *t, const char *topic, rd_kafka_message_t **msgs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        note(&t->first, topic, msgs[i]->partition, msgs[i]->offset, 0);
        note(&t->next, topic, msgs[i]->partition, msgs[i]->offset + 1, 1);
    }
    t->messages += n;
}

int nw_txn_commit(rd_kafka_t *producer, rd_kafka_t *consumer, nw_txn *t, int timeout_ms)
{
    double deadline = nw_now_seconds() + timeout_ms / 1000.0;
    int rc = NW_OK;
    if (t->next) {
        rd_kafka_consumer_group_metadata_t *group = rd_kafka_consumer_group_metadata(consumer);
        while (
            (rc = judge(rd_kafka_send_offsets_to_transaction(producer, t->next, group, timeout_ms),
                        "send_offsets", deadline)) == AGAIN) {
        }
        rd_kafka_consumer_group_metadata_destroy(group);
    }
    while (rc == NW_OK && (rc = judge(rd_kafka_commit_transaction(producer, timeout_ms), "commit",
                                      deadline)) == AGAIN) {
    }
    if (rc == NW_OK) {
        reset(t);
    }
    return rc;
}

int nw_txn_rewind(rd_kafka_t *consumer, nw_txn *t, int timeout_ms)
{
    rd_kafka_error_t *e = NULL;
    if (consumer && t->first) {
        /* partitions revoked meanwhile fail here, each in its .err: their new owner reads
         * them from the last committed offsets */
        e = rd_kafka_seek_partitions(consumer, t->first, timeout_ms);
    }
    reset(t);
    if (e) {
        nw_log(NW_LOG_ERROR, "kafka_transaction", "call=seek error=%s detail=%s",
               rd_kafka_error_name(e), nw_logq(rd_kafka_error_string(e)));
        rd_kafka_error_destroy(e);
        return NW_E_FATAL; /* the batch would be skipped: a restart reads it again */
    }
    return NW_OK;
}

int nw_txn_abort(rd_kafka_t *producer, rd_kafka_t *consumer, nw_txn *t, int timeout_ms)
{
    double deadline = nw_now_seconds() + timeout_ms / 1000.0;
    int rc;
    while ((rc = judge(rd_kafka_abort_transaction(producer, timeout_ms), "abort", deadline)) ==
           AGAIN) {
    }
    if (rc != NW_OK) {
        reset(t);
        return NW_E_FATAL;
    }
    return nw_txn_rewind(consumer, t, timeout_ms);
}

void nw_txn_release(nw_txn *t)
{
    if (t->first) {
        rd_kafka_topic_partition_list_destroy(t->first);
    }
    if (t->next) {
        rd_kafka_topic_partition_list_destroy(t->next);
    }
    t->first = t->next = NULL;
}
