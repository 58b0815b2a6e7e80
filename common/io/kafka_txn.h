/* kafka_txn.h - processing.guarantee = exactly_once for the consume-transform-produce loop:
 * each batch's outputs and the input offsets after it go in one producer transaction, with
 * the consumer group's metadata (KIP-447), so a member of an older generation (a zombie that
 * lost its partitions) cannot commit. Downstream readers use isolation.level=read_committed:
 * they see a batch's records once its transaction commits, and never those of an aborted
 * one. A batch whose transaction aborts is read again from its first offsets (its Redis
 * effects are idempotent: a replayed id gets its stored decision). A transaction may span
 * several batches (a restart isolating a poison message runs batches of one). */
#ifndef NW_KAFKA_TXN_H
#define NW_KAFKA_TXN_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

/* The open transaction: per input partition the first offset in it and the one after it. */
typedef struct nw_txn {
    rd_kafka_topic_partition_list_t *first, *next;
    size_t messages;
    double opened; /* monotonic seconds */
    int open;
} nw_txn;

/* Registers the transactional id with its coordinator, fencing an earlier producer of the
 * same id and aborting its open transaction; retried until timeout_ms. NW_OK or
 * NW_E_FATAL (logged). */
int nw_txn_init(rd_kafka_t *producer, int timeout_ms);

/* Opens a transaction unless one is open. NW_OK or NW_E_FATAL (logged). */
int nw_txn_begin(rd_kafka_t *producer, nw_txn *t);

/* Records a batch's messages (of topic) as part of the open transaction. */
void nw_txn_add(nw_txn *t, const char *topic, rd_kafka_message_t **msgs, size_t n);

/* Sends the offsets after the transaction's messages with the consumer's group metadata,
 * then commits: NW_OK; NW_E_RETRY when the transaction must be aborted (nw_txn_abort
 * next); NW_E_FATAL (logged). */
int nw_txn_commit(rd_kafka_t *producer, rd_kafka_t *consumer, nw_txn *t, int timeout_ms);

/* Aborts the open transaction and, when consumer is not NULL, moves it back to the first
 * offset of the transaction in each partition still assigned. NW_OK or NW_E_FATAL (logged). */
int nw_txn_abort(rd_kafka_t *producer, rd_kafka_t *consumer, nw_txn *t, int timeout_ms);

/* Forgets the open transaction without aborting it (its producer is gone: a successor's
 * nw_txn_init aborted it on the broker) and moves the consumer back to its first offsets, as
 * nw_txn_abort does. NW_OK or NW_E_FATAL (logged). */
int nw_txn_rewind(rd_kafka_t *consumer, nw_txn *t, int timeout_ms);

void nw_txn_release(nw_txn *t);

#endif
