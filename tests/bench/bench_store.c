/* bench_store.c - match+insert throughput of the Redis signature store and its memory per
 * document. Generates N documents (random shingle sets of 80..600 shingles; every tenth a
 * near copy, 85% of the shingles, of a recent one), signs and anchors them (with exact sets for
 * those of up to 256 shingles, the masked set taken as equal), and runs them through
 * the store in batches (one pipeline per batch: many requests in flight), from THREADS threads with
 * a store (connection) each, as THREADS cluster instances would. Prints documents/s and, from INFO
 * memory before and after, Redis bytes per document, and from INFO commands processed, Redis
 * commands per document; every host of the URL is measured (for a cluster: name its masters).
 * Usage: bench_store REDIS_URL [N] [BATCH]
 * [BANDS (3)] [THREADS] [ANCHOR_DF_MAX (32; 0: no anchors)] [WAIT_REPLICAS (redis.wait_replicas)]
 * [COMMON_AFTER (4)]; anchors at least 8 a text, 1 in 16 (cluster's defaults) */
#include <hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/nw_error.h"
#include "core/redis_url.h"
#include "io/metrics.h"
#include "io/sig_store.h"
#include "sketch/anchors.h"
#include "sketch/exact_set.h"
#include "sketch/minhash.h"

/* A server's used_memory and commands processed so far. */
static void server_stats(const char *host, int port, long long *mem, long long *cmds)
{
    redisContext *c = redisConnect(host, port);
    redisReply *r = c ? redisCommand(c, "INFO") : NULL;
    const char *m = r && r->str ? strstr(r->str, "used_memory:") : NULL;
    const char *k = r && r->str ? strstr(r->str, "total_commands_processed:") : NULL;
    *mem = m ? atoll(m + 12) : -1;
    *cmds = k ? atoll(k + 25) : -1;
    if (r) {
        freeReplyObject(r);
    }
    if (c) {
        redisFree(c);
    }
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *url;
static size_t n, batch, nthreads;
static unsigned bands, anchor_df_max, common_after;
static int wait_replicas; /* redis.wait_replicas */
static uint32_t *anchors; /* document i's from anchors + anchor_at[i], anchor_n[i] of them */
static size_t *anchor_at, *anchor_n;
static uint16_t *exact; /* document i's from exact + exact_at[i], exact_n[i] of them */
static size_t *exact_at, *exact_n;
static uint32_t *exact_keys; /* parallel to exact */
static uint32_t (*sigs)[NW_MINHASH_BINS];
static uint32_t *shingles;
static char (*ids)[32];
static size_t dups_by[64];
static int failed;

/* Thread t takes batches t, t + T, t + 2T, ... so copies still follow their originals. */
static void *worker(void *arg)
{
    size_t t = (size_t)(uintptr_t)arg;
    nw_err err;
    nw_redis *redis = nw_redis_new(url, 2000, &err);
    if (redis) {
        nw_redis_set_wait(redis, wait_replicas, 1000);
    }
    nw_store_params p = {.redis = redis,
                         .prefix = "bench:",
                         .window_s = 3600,
                         .bands = bands,
                         .shards = 65536,
                         .bucket_limit = 64,
                         .anchor_df_max = anchor_df_max,
                         .anchor_every = 16,
                         .anchor_least = 8,
                         .common_after = common_after,
                         .common_log2 = 24,
                         .max_matches = 5,
                         .max_revisions = 200,
                         .clock_skew_ms = 600000,
                         .match = {0.6, 0.5, 0.3, 0.2, 20}};
    nw_store *s = redis ? nw_store_new(&p, &err) : NULL;
    nw_store_doc *docs = calloc(batch, sizeof *docs);
    for (size_t off = t * batch; s && off < n; off += nthreads * batch) {
        size_t b = n - off < batch ? n - off : batch;
        for (size_t i = 0; i < b; i++) {
            docs[i] = (nw_store_doc){.doc_id = ids[off + i],
                                     .sig = sigs[off + i],
                                     .shingles = shingles[off + i],
                                     .anchors = anchors + anchor_at[off + i],
                                     .nanchors = anchor_n[off + i],
                                     .exact = exact + exact_at[off + i],
                                     .nexact = exact_n[off + i],
                                     .masked = exact + exact_at[off + i],
                                     .nmasked = exact_n[off + i],
                                     .exact_keys = exact_keys + exact_at[off + i],
                                     .nkeys = exact_n[off + i]};
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts); /* Redis expiry is wall-clock: so is the store */
        int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        if (nw_store_decide(s, docs, b, now_ms, &err) != 0) {
            fprintf(stderr, "bench_store: %s\n", err.detail);
            failed = 1;
            break;
        }
        for (size_t i = 0; i < b; i++) {
            const nw_sig_record *r = docs[i].rec;
            dups_by[t] += r && r->nmatches && r->matches[0].relation == NW_REL_DUPLICATE;
        }
    }
    if (!s) {
        fprintf(stderr, "bench_store: %s\n", err.detail);
        failed = 1;
    }
    nw_store_free(s);
    nw_redis_free(redis);
    free(docs);
    return NULL;
}

static void make_documents(void)
{
    sigs = malloc(n * sizeof *sigs);
    shingles = malloc(n * sizeof *shingles);
    ids = malloc(n * sizeof *ids);
    anchors = malloc((n * 160 + NW_ANCHORS_MAX) * sizeof *anchors); /* 600 shingles: 150 a doc */
    anchor_at = malloc(n * sizeof *anchor_at);
    anchor_n = malloc(n * sizeof *anchor_n);
    exact = malloc((n * 100 + NW_EXACT_MAX) * sizeof *exact); /* a third have 80..256 */
    exact_keys = malloc((n * 100 + NW_EXACT_MAX) * sizeof *exact_keys);
    exact_at = malloc(n * sizeof *exact_at);
    exact_n = malloc(n * sizeof *exact_n);
    size_t nexact = 0;
    nw_anchor_params ap;
    nw_anchor_params_sample(&ap); /* what fingerprint sends; the store indexes its prefix */
    size_t nanchors = 0;
    uint64_t set[600];
    uint64_t **keep = calloc(n, sizeof *keep);
    for (size_t i = 0; i < n; i++) {
        size_t k = 80 + rnd() % 520;
        if (i % 10 == 9) { /* a near copy of a recent document: 85% of its shingles kept */
            size_t src = i - 1 - rnd() % (i < 1000 ? i : 1000);
            k = shingles[src];
            for (size_t j = 0; j < k; j++) {
                set[j] = (rnd() % 100 < 85) ? keep[src][j] : rnd();
            }
        } else {
            for (size_t j = 0; j < k; j++) {
                set[j] = rnd();
            }
        }
        keep[i] = malloc(k * sizeof *set);
        memcpy(keep[i], set, k * sizeof *set);
        shingles[i] = (uint32_t)k;
        nw_minhash_sign(set, k, 1, sigs[i]);
        anchor_at[i] = nanchors;
        anchor_n[i] = (size_t)nw_anchors_select(set, k, 1, &ap, anchors + nanchors);
        nanchors += anchor_n[i];
        exact_at[i] = nexact;
        exact_n[i] = nw_exact_set(set, k, 1, exact + nexact, exact_keys + nexact);
        nexact += exact_n[i];
        snprintf(ids[i], sizeof ids[i], "bench-%zu-%llu", i, (unsigned long long)(rnd() % 1000000));
    }
    for (size_t i = 0; i < n; i++) {
        free(keep[i]);
    }
    free(keep);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_store REDIS_URL [N] [BATCH] [BANDS] [THREADS] "
                        "[ANCHOR_DF_MAX] [WAIT_REPLICAS] [COMMON_AFTER]\n");
        return 2;
    }
    url = argv[1];
    n = argc > 2 ? (size_t)atol(argv[2]) : 100000;
    batch = argc > 3 ? (size_t)atol(argv[3]) : 500;
    bands = argc > 4 ? (unsigned)atoi(argv[4]) : 3; /* cluster's defaults */
    nthreads = argc > 5 ? (size_t)atoi(argv[5]) : 1;
    anchor_df_max = argc > 6 ? (unsigned)atoi(argv[6]) : 32;
    wait_replicas = argc > 7 ? atoi(argv[7]) : 0;
    common_after = argc > 8 ? (unsigned)atoi(argv[8]) : 4; /* cluster.common_after's default */
    if (nthreads < 1 || nthreads > 64) {
        nthreads = 1;
    }
    /* the servers measured: every host of the URL (on a cluster, list its masters) */
    nw_redis_url u;
    nw_err uerr;
    if (nw_redis_url_parse(url, &u, &uerr) != NW_OK) {
        fprintf(stderr, "bench_store: %s\n", uerr.detail);
        return 2;
    }
    make_documents();
    long long m0[NW_REDIS_MAX_SEEDS], c0[NW_REDIS_MAX_SEEDS];
    for (int i = 0; i < u.nseeds; i++) {
        server_stats(u.seeds[i].host, u.seeds[i].port, &m0[i], &c0[i]);
    }
    double t0 = nw_now_seconds();
    pthread_t th[64];
    for (size_t i = 0; i < nthreads; i++) {
        pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i);
    }
    size_t dups = 0;
    for (size_t i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        dups += dups_by[i];
    }
    double secs = nw_now_seconds() - t0;
    if (failed) {
        return 1;
    }
    long long mem = 0, cmds = 0;
    char per_server[512] = "";
    size_t len = 0;
    for (int i = 0; i < u.nseeds; i++) {
        long long m1, c1;
        server_stats(u.seeds[i].host, u.seeds[i].port, &m1, &c1);
        mem += m1 - m0[i];
        cmds += c1 - c0[i];
        if (len + 64 < sizeof per_server) {
            len += (size_t)snprintf(per_server + len, sizeof per_server - len, "%s%.0f",
                                    i ? " " : "", (double)(m1 - m0[i]) / (double)n);
        }
    }
    printf("match+insert %8.0f docs/s  (%zu docs, batch %zu, %u bands, %zu connection%s, %d "
           "server%s%s)\n",
           n / secs, n, batch, bands, nthreads, nthreads > 1 ? "s" : "", u.nseeds,
           u.nseeds > 1 ? "s" : "", wait_replicas ? ", WAIT for a replica each round" : "");
    printf("redis memory %8.0f bytes/doc  (per server: %s)\n", (double)mem / (double)n, per_server);
    printf("redis calls  %8.1f commands/doc, %.0f commands/s per server\n",
           (double)cmds / (double)n, (double)cmds / secs / u.nseeds);
    printf("duplicates   %8zu found of %zu planted near copies\n", dups, n / 10);
    return 0;
}
