/* batch.h - one batch of input messages through a stage's step, shared by the Kafka and the
 * --pipe runners so both take the same code path: validate and parse each message, run the
 * step (per document, or once for the whole batch when the stage has step_batch), retry the
 * batch on temporary failures with backoff, and leave per message either records in its
 * outbox or the reason it must be dead-lettered. Buffers are reused across batches. */
#ifndef NW_BATCH_H
#define NW_BATCH_H

#include <stddef.h>

#include "stage.h"

/* The longest wait between attempts: the stage is back within this long of its dependency
 * (6.4 s once; a retry is one failing round trip, cheap to repeat). */
#define NW_RETRY_MAX_MS 800

typedef struct nw_batch {
    size_t cap, n;
    nw_batch_item *items;
    nw_outbox *outs;
    nw_buf decoded; /* a message decoded from its charset (stages with decode_charsets) */
} nw_batch;

int nw_batch_init(nw_batch *b, size_t cap);
void nw_batch_release(nw_batch *b);

/* Runs n (<= cap) payloads. Returns NW_OK when every item has its result (item.rc is NW_OK or
 * NW_E_INPUT), NW_E_RETRY when stopped (nw_stop) or out of attempts while retrying, or
 * NW_E_FATAL. max_attempts 0 retries for ever; on_retry (may be NULL) runs before each
 * backoff sleep. */
int nw_batch_run(nw_batch *b, const nw_stage *st, void *ctx, const char *const *payloads,
                 const size_t *lens, size_t n, size_t max_bytes, int max_attempts,
                 void (*on_retry)(void *), void *arg);

/* Decides n items without parsing or stepping them: each is to be dead-lettered for why. */
void nw_batch_reject(nw_batch *b, size_t n, const nw_err *why);

#endif
