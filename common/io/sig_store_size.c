/* sig_store_size.c - the store's size gauges from Redis, at most every 10 s: INFO memory,
 * DBSIZE and the per-generation insert counters the saves keep. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/nw_error.h"
#include "sig_store_impl.h"

void nw_store_report_size(nw_store *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double now_s = (double)ts.tv_sec;
    if (now_s < s->next_report) {
        return;
    }
    s->next_report = now_s + 10;
    int64_t gen = (int64_t)now_s / s->p.window_s;
    char cur[80], prev[80];
    snprintf(cur, sizeof cur, "%sn:%" PRId64, s->prefix, gen);
    snprintf(prev, sizeof prev, "%sn:%" PRId64, s->prefix, gen - 1);
    const char *info[] = {"INFO", "memory"}, *dbsize[] = {"DBSIZE"};
    const char *get_cur[] = {"GET", cur}, *get_prev[] = {"GET", prev};
    nw_redis_append(s->r, 2, info, NULL);
    nw_redis_append(s->r, 1, dbsize, NULL);
    nw_redis_append(s->r, 2, get_cur, NULL);
    nw_redis_append(s->r, 2, get_prev, NULL);
    redisReply *rep[4] = {0};
    nw_err err;
    int got = 0;
    while (got < 4 && nw_redis_reply(s->r, &rep[got], &err) == NW_OK) {
        got++;
    }
    if (got == 4) {
        const char *used =
            rep[0]->type == REDIS_REPLY_STRING ? strstr(rep[0]->str, "used_memory:") : NULL;
        const char *max =
            rep[0]->type == REDIS_REPLY_STRING ? strstr(rep[0]->str, "\nmaxmemory:") : NULL;
        if (used) {
            nw_metric_set(s->g_bytes, strtod(used + 12, NULL));
        }
        if (max) {
            nw_metric_set(s->g_max, strtod(max + 11, NULL));
        }
        nw_metric_set(s->g_keys, (double)nw_redis_reply_int(rep[1]));
        /* the previous generation's documents expire evenly through this one */
        double left = 1.0 - fmod(now_s, (double)s->p.window_s) / (double)s->p.window_s;
        nw_metric_set(s->g_docs, (double)nw_redis_reply_int(rep[2]) +
                                     left * (double)nw_redis_reply_int(rep[3]));
    }
    for (int i = 0; i < got; i++) {
        freeReplyObject(rep[i]);
    }
}
