/* window.h - the time window every Redis store keeps, cut into generations of one window
 * each: a counter or bucket key per generation, written during its generation, read during it
 * and the next, and expiring at the end of the next (so "the last window" is always this
 * generation plus the part of the last one still within it). Pure. */
#ifndef NW_WINDOW_H
#define NW_WINDOW_H

#include <stdint.h>

/* The generation a moment (seconds since the epoch) falls in. */
static inline int64_t nw_window_gen(int64_t now_s, int64_t window_s)
{
    return now_s / window_s;
}

/* When a generation's keys expire (EXPIREAT, seconds): the end of the generation after it. */
static inline int64_t nw_window_expire_at(int64_t gen, int64_t window_s)
{
    return (gen + 2) * window_s;
}

#endif
