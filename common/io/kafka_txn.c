/* kafka_txn.c - one producer transaction per batch (see kafka_txn.h). librdkafka classes
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

int nw_txn_begin(rd_kafka_t *producer)
{
    return judge(rd_kafka_begin_transaction(producer), "begin", 0) == NW_OK ? NW_OK : NW_E_FATAL;
}

/* The batch's partitions of topic, each at its first offset (after = 0) or past its last. */
static rd_kafka_topic_partition_list_t *offsets_of(const char *topic, rd_kafka_message_t **msgs,
                                                   size_t n, int after)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16);
    for (size_t i = 0; i < n; i++) {
        int64_t at = after ? msgs[i]->offset + 1 : msgs[i]->offset;
        rd_kafka_topic_partition_t *p =
            rd_kafka_topic_partition_list_find(l, topic, msgs[i]->partition);
        if (!p) {
            rd_kafka_topic_partition_list_add(l, topic, msgs[i]->partition)->offset = at;
        } else if (after ? at > p->offset : at < p->offset) {
            p->offset = at;
        }
    }
    return l;
}

int nw_txn_commit(rd_kafka_t *producer, rd_kafka_t *consumer, const char *topic,
                  rd_kafka_message_t **msgs, size_t n, int timeout_ms)
{
    double deadline = nw_now_seconds() + timeout_ms / 1000.0;
    rd_kafka_topic_partition_list_t *next = offsets_of(topic, msgs, n, 1);
    rd_kafka_consumer_group_metadata_t *group = rd_kafka_consumer_group_metadata(consumer);
    int rc;
    while ((rc = judge(rd_kafka_send_offsets_to_transaction(producer, next, group, timeout_ms),
                       "send_offsets", deadline)) == AGAIN) {
    }
    rd_kafka_consumer_group_metadata_destroy(group);
    rd_kafka_topic_partition_list_destroy(next);
    while (rc == NW_OK && (rc = judge(rd_kafka_commit_transaction(producer, timeout_ms), "commit",
                                      deadline)) == AGAIN) {
    }
    return rc;
}

int nw_txn_abort(rd_kafka_t *producer, rd_kafka_t *consumer, const char *topic,
                 rd_kafka_message_t **msgs, size_t n, int timeout_ms)
{
    double deadline = nw_now_seconds() + timeout_ms / 1000.0;
    int rc;
    while ((rc = judge(rd_kafka_abort_transaction(producer, timeout_ms), "abort", deadline)) ==
           AGAIN) {
    }
    if (rc != NW_OK) {
        return NW_E_FATAL;
    }
    /* partitions revoked meanwhile fail here, each in its .err: their new owner reads them
     * from the last committed offsets */
    rd_kafka_topic_partition_list_t *first = offsets_of(topic, msgs, n, 0);
    rd_kafka_error_t *e = rd_kafka_seek_partitions(consumer, first, timeout_ms);
    rd_kafka_topic_partition_list_destroy(first);
    if (e) {
        nw_log(NW_LOG_ERROR, "kafka_transaction", "call=seek error=%s detail=%s",
               rd_kafka_error_name(e), nw_logq(rd_kafka_error_string(e)));
        rd_kafka_error_destroy(e);
        return NW_E_FATAL; /* the batch would be skipped: a restart reads it again */
    }
    return NW_OK;
}
