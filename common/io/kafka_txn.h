/* kafka_txn.h - processing.guarantee = exactly_once for the consume-transform-produce loop:
 * each batch's outputs and the input offsets after it go in one producer transaction, with
 * the consumer group's metadata (KIP-447), so a member of an older generation (a zombie that
 * lost its partitions) cannot commit. Downstream readers use isolation.level=read_committed:
 * they see a batch's records once its transaction commits, and never those of an aborted
 * one. A batch whose transaction aborts is read again from its first offsets (its Redis
 * effects are idempotent: a replayed id gets its stored decision). */
#ifndef NW_KAFKA_TXN_H
#define NW_KAFKA_TXN_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

/* Registers the transactional id with its coordinator, fencing an earlier producer of the
 * same id and aborting its open transaction; retried until timeout_ms. NW_OK or
 * NW_E_FATAL (logged). */
int nw_txn_init(rd_kafka_t *producer, int timeout_ms);

/* Opens the batch's transaction. NW_OK or NW_E_FATAL (logged). */
int nw_txn_begin(rd_kafka_t *producer);

/* Sends the offsets after the batch's messages (per partition of topic) with the consumer's
 * group metadata, then commits: NW_OK; NW_E_RETRY when the transaction must be aborted
 * (nw_txn_abort next); NW_E_FATAL (logged). */
int nw_txn_commit(rd_kafka_t *producer, rd_kafka_t *consumer, const char *topic,
                  rd_kafka_message_t **msgs, size_t n, int timeout_ms);

/* Aborts the open transaction and moves the consumer back to the batch's first offset in
 * each of its partitions still assigned. NW_OK or NW_E_FATAL (logged). */
int nw_txn_abort(rd_kafka_t *producer, rd_kafka_t *consumer, const char *topic,
                 rd_kafka_message_t **msgs, size_t n, int timeout_ms);

#endif
