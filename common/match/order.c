/* order.c - plausible publication times and the total order of articles. */
#include "order.h"

#include <string.h>

int64_t nw_order_time(int has_published, int64_t published_ms, int64_t arrival_ms, int64_t skew_ms)
{
    if (has_published && published_ms >= NW_ORDER_EPOCH_MS &&
        published_ms <= arrival_ms + skew_ms) {
        return published_ms;
    }
    return arrival_ms;
}

int nw_order_cmp(int64_t a_ms, const char *a_id, int64_t b_ms, const char *b_id)
{
    if (a_ms != b_ms) {
        return a_ms < b_ms ? -1 : 1;
    }
    return strcmp(a_id, b_id);
}
