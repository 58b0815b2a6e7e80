/* sig_store_size.c - the store's size gauges from Redis, at most every 10 s: INFO memory,
 * DBSIZE and the per-generation insert counters the saves keep. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/nw_error.h"
#include "../core/redis_keys.h"
#include "../core/window.h"
#include "sig_store_impl.h"

/* A number of an INFO reply ("field:value"); 0 when absent. */
static double info_number(const redisReply *info, const char *field)
{
    const char *at = info->type == REDIS_REPLY_STRING ? strstr(info->str, field) : NULL;
    return at ? strtod(at + strlen(field), NULL) : 0;
}

void nw_store_report_size(nw_store *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double now_s = (double)ts.tv_sec;
    if (now_s < s->next_report) {
        return;
    }
    s->next_report = now_s + 10;
    int64_t gen = nw_window_gen((int64_t)now_s, s->p.window_s);
    char cur[80], prev[80];
    nw_key_inserted(cur, sizeof cur, s->prefix, gen);
    nw_key_inserted(prev, sizeof prev, s->prefix, gen - 1);
    /* memory and keys are per server: summed over a cluster's masters */
    const char *info[] = {"INFO", "memory"}, *dbsize[] = {"DBSIZE"};
    const char *get_cur[] = {"GET", cur}, *get_prev[] = {"GET", prev};
    nw_err err;
    if (nw_redis_connect(s->r, &err) != NW_OK) {
        return;
    }
    int masters = nw_redis_masters(s->r);
    long first = -1; /* the first master's INFO; its DBSIZE, then the next master's follow */
    for (int m = 0; m < masters; m++) {
        long t = nw_redis_append_to(s->r, m, 2, info, NULL);
        first = m ? first : t;
        nw_redis_append_to(s->r, m, 1, dbsize, NULL);
    }
    long count_cur = nw_redis_append(s->r, 2, get_cur, NULL);
    long count_prev = nw_redis_append(s->r, 2, get_prev, NULL);
    if (nw_redis_exec(s->r, &err) != NW_OK) {
        return;
    }
    double used = 0, max = 0, keys = 0;
    for (int m = 0; m < masters; m++) { /* each master's INFO, then its DBSIZE */
        const redisReply *memory = nw_redis_at(s->r, first + 2 * m);
        used += info_number(memory, "used_memory:");
        max += info_number(memory, "\nmaxmemory:");
        keys += (double)nw_redis_reply_int(nw_redis_at(s->r, first + 2 * m + 1));
    }
    long long n[2] = {nw_redis_reply_int(nw_redis_at(s->r, count_cur)),
                      nw_redis_reply_int(nw_redis_at(s->r, count_prev))};
    nw_metric_set(s->g_bytes, used);
    nw_metric_set(s->g_max, max);
    nw_metric_set(s->g_keys, keys);
    /* the previous generation's documents expire evenly through this one */
    double left = 1.0 - fmod(now_s, (double)s->p.window_s) / (double)s->p.window_s;
    nw_metric_set(s->g_docs, (double)n[0] + left * (double)n[1]);
}
