/* inflight.h - at-least-once bookkeeping for a consume-transform-produce loop, with no I/O:
 * a FIFO ring of input messages in consume order, each counting its outputs not yet
 * acknowledged. An input is retired (its offset may be stored) only when it and every input
 * consumed before it are fully acknowledged, so a stored offset never skips an unfinished
 * message. A bounded ring is the loop's backpressure. The ring owns its storage. */
#ifndef NW_INFLIGHT_H
#define NW_INFLIGHT_H

#include <stddef.h>
#include <stdint.h>

typedef struct nw_inflight_entry {
    int32_t partition;
    int64_t offset;
    int pending; /* outputs not yet acknowledged, plus one until the entry is sealed */
    int failed;
} nw_inflight_entry;

typedef struct nw_inflight {
    nw_inflight_entry *ring;
    size_t cap, head, count;
} nw_inflight;

int nw_inflight_init(nw_inflight *f, size_t cap);
void nw_inflight_release(nw_inflight *f);
size_t nw_inflight_free(const nw_inflight *f);

/* Adds an input at the tail (NULL when full). It stays unfinished until sealed. */
nw_inflight_entry *nw_inflight_push(nw_inflight *f, int32_t partition, int64_t offset);
/* Before producing an output for the entry. */
void nw_inflight_add_output(nw_inflight_entry *e);
/* An output's delivery report (failed != 0 on error), or the seal after the last output. */
void nw_inflight_done(nw_inflight_entry *e, int failed);

/* Retires finished entries from the head, calling store(arg, partition, offset + 1) for the
 * last retired entry of each partition. Stops at an unfinished or failed entry; returns the
 * number retired, and sets *failed when the head entry failed. */
size_t nw_inflight_retire(nw_inflight *f, void (*store)(void *, int32_t, int64_t), void *arg,
                          int *failed);

/* 1 when no entry awaits a delivery report (every output reported, every entry sealed). */
int nw_inflight_settled(const nw_inflight *f);
/* Empties the ring, failed entries too (exactly-once: a transaction decided their fate, not
 * the offsets). Only once settled: a late report would land in a reused slot. */
void nw_inflight_clear(nw_inflight *f);

#endif
