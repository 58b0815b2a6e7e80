/* order.h - the order in which articles count as published: the original of a copy is the
 * article earliest in this order, and a story is named after its earliest article. The order
 * is published_at when it is plausible, else the first arrival; ties go to the smaller id, so
 * two articles never tie and the order does not depend on how the feed arrived. Pure. */
#ifndef NW_ORDER_H
#define NW_ORDER_H

#include <stdint.h>

/* 1980-01-01T00:00:00Z: no digital news feed is older; an earlier published_at is a
 * placeholder (the epoch, year 1) */
#define NW_ORDER_EPOCH_MS 315532800000LL

/* The time an article is ordered by: published_ms when it is known (has_published), not
 * before NW_ORDER_EPOCH_MS and not after arrival plus skew_ms (a clock a little ahead is
 * fine; "published tomorrow" would make an article the original of everything); else the
 * arrival time. Old dates are kept: a backfilled archive orders by its publication. */
int64_t nw_order_time(int has_published, int64_t published_ms, int64_t arrival_ms, int64_t skew_ms);

/* <0 when article a comes before article b, >0 after, 0 only for the same id. */
int nw_order_cmp(int64_t a_ms, const char *a_id, int64_t b_ms, const char *b_id);

#endif
