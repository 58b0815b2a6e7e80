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
    for (int m = 0; m < masters; m++) {
        nw_redis_append_to(s->r, m, 2, info, NULL);
        nw_redis_append_to(s->r, m, 1, dbsize, NULL);
    }
    nw_redis_append(s->r, 2, get_cur, NULL);
    nw_redis_append(s->r, 2, get_prev, NULL);
    double used = 0, max = 0, keys = 0;
    redisReply *rep;
    for (int m = 0; m < masters; m++) {
        for (int k = 0; k < 2; k++) {
            if (nw_redis_reply(s->r, &rep, &err) != NW_OK) {
                return;
            }
            const char *u =
                rep->type == REDIS_REPLY_STRING ? strstr(rep->str, "used_memory:") : NULL;
            const char *x =
                rep->type == REDIS_REPLY_STRING ? strstr(rep->str, "\nmaxmemory:") : NULL;
            used += u ? strtod(u + 12, NULL) : 0;
            max += x ? strtod(x + 11, NULL) : 0;
            keys += k == 1 ? (double)nw_redis_reply_int(rep) : 0;
            freeReplyObject(rep);
        }
    }
    long long n[2];
    for (int k = 0; k < 2; k++) {
        if (nw_redis_reply(s->r, &rep, &err) != NW_OK) {
            return;
        }
        n[k] = nw_redis_reply_int(rep);
        freeReplyObject(rep);
    }
    nw_metric_set(s->g_bytes, used);
    nw_metric_set(s->g_max, max);
    nw_metric_set(s->g_keys, keys);
    /* the previous generation's documents expire evenly through this one */
    double left = 1.0 - fmod(now_s, (double)s->p.window_s) / (double)s->p.window_s;
    nw_metric_set(s->g_docs, (double)n[0] + left * (double)n[1]);
}
