/* crash_guard.h - keeps a poison message from blocking its partition: before each batch the
 * Kafka runner writes an in-flight marker (core/crash_marker.h) to a file of its own under
 * state.dir; after it, the marker says "settled". A fatal signal marks it "crashed" on the way
 * down; a watchdog thread stops the stage when a batch overruns its CPU budget
 * (batch.cpu.seconds), marking it "timeout". The restarted stage reads the marker it finds
 * and judges each message it consumes: process, process alone, or dead-letter.
 *
 * Instances on one host each take the first marker file nobody holds a lock on
 * (<stage>.<k>.inflight); the lock dies with the process, so a restart takes over the marker
 * its predecessor left. The marker lives on the instance's own disk: a partition that moves
 * to an instance on another host after a death is judged afresh there. One guard a process. */
#ifndef NW_CRASH_GUARD_H
#define NW_CRASH_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "../core/crash_marker.h"

typedef struct nw_crash_guard nw_crash_guard;

/* Opens (creating dir when missing) the first free marker file of the stage and reads what it
 * holds for scope. cpu_seconds 0 = no watchdog. max_batch bounds the messages of a marker.
 * NULL with err filled when the directory or file cannot be used. */
nw_crash_guard *nw_crash_guard_open(const char *dir, const char *stage, const char *scope,
                                    size_t max_batch, double cpu_seconds, char *err, size_t errsz);
void nw_crash_guard_close(nw_crash_guard *g);

/* 1 while messages of the previous marker are still to be met again: consume one at a time. */
int nw_crash_guard_isolating(nw_crash_guard *g);

/* The verdict on one consumed message (core/crash_marker.h). */
nw_verdict nw_crash_guard_judge(nw_crash_guard *g, int32_t partition, int64_t offset, nw_err *why);

/* Around the processing of one batch. retry: the batch is a suspect processed alone. */
void nw_crash_guard_begin(nw_crash_guard *g, const nw_mark_msg *m, size_t n, int retry);
void nw_crash_guard_end(nw_crash_guard *g);

#endif
