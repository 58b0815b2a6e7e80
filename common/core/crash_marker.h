/* crash_marker.h - the in-flight marker a stage writes before it processes a batch, and what
 * its restart concludes from the marker it finds. A message that kills the stage (out of
 * memory, a signal, an assertion) or overruns the CPU budget would otherwise be consumed
 * again after every restart and block its partition for good. The rule:
 *   - the marker says "settled": the last batch finished; nothing to do;
 *   - it names several messages: those are suspects; the restart processes them one at a
 *     time, each under its own marker ("retry"), so the next death names the culprit alone;
 *   - it names one message and says how the stage died (a fatal signal or error of its own,
 *     "crashed", or the CPU watchdog, "timeout"), or it was already a retry: that message is
 *     dead-lettered without being processed again, as "crashed" or "too_complex";
 *   - it names one message the stage was merely "running" (killed from outside: SIGKILL, the
 *     kernel's OOM killer, a node going away): one more try, alone. An operator's kill -9 of a
 *     stage that happens to hold one message must not dead-letter a good message.
 * A marker belongs to one input stream (its scope: bootstrap, group, topic); a marker from
 * another stream is ignored. The text format is small, line based and has the state word at
 * a fixed offset, so the watchdog can change it in place with one write. Pure: text in, text
 * out, no I/O. */
#ifndef NW_CRASH_MARKER_H
#define NW_CRASH_MARKER_H

#include <stddef.h>
#include <stdint.h>

#include "nw_err.h"

typedef enum nw_mark_state {
    NW_MARK_SETTLED, /* the batch finished */
    NW_MARK_RUNNING, /* a batch is being processed (or the stage was killed in it) */
    NW_MARK_CRASHED, /* the stage died of a fatal signal or error of its own in it */
    NW_MARK_TIMEOUT  /* the CPU watchdog stopped the stage in it */
} nw_mark_state;

/* The state word is NW_MARK_STATE_LEN bytes at offset NW_MARK_STATE_AT. */
#define NW_MARK_STATE_AT 8
#define NW_MARK_STATE_LEN 7
const char *nw_mark_state_word(nw_mark_state s);

typedef struct nw_mark_msg {
    int32_t partition;
    int64_t offset;
    int seen; /* suspects: the consumer has reached this offset again */
} nw_mark_msg;

/* Bytes nw_mark_encode needs at most for n messages and a scope of scope_len bytes. */
size_t nw_mark_encoded_max(size_t n, size_t scope_len);

/* Writes the marker into buf (cap >= nw_mark_encoded_max); returns its length. */
size_t nw_mark_encode(char *buf, size_t cap, nw_mark_state state, int retry, const char *scope,
                      const nw_mark_msg *m, size_t n);

/* What a restart knows: the previous marker, if it is for this stream and not settled. */
typedef struct nw_suspects {
    nw_mark_state state;
    int retry;         /* the batch was already a suspect processed alone */
    nw_mark_msg *msgs; /* caller-provided storage */
    size_t n, cap;
} nw_suspects;

/* Reads a marker. A marker of another scope, a settled one, or an empty or unreadable text
 * leaves s->n = 0 (nothing suspect). Returns -1 when the text is not a marker at all (err
 * says where), else 0. */
int nw_suspects_read(nw_suspects *s, const char *text, size_t len, const char *scope, nw_err *err);

typedef enum nw_verdict {
    NW_VERDICT_NONE,    /* process normally */
    NW_VERDICT_ISOLATE, /* process this message alone */
    NW_VERDICT_CONDEMN  /* dead-letter it (err holds reason and detail), do not process */
} nw_verdict;

/* The verdict on a consumed message; marks suspects at or before its offset in its
 * partition as seen. */
nw_verdict nw_suspects_judge(nw_suspects *s, int32_t partition, int64_t offset, nw_err *err);

/* 1 while some suspect has not been reached again. */
int nw_suspects_pending(const nw_suspects *s);

#endif
