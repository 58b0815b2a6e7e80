/* shingle.c - hash k consecutive token hashes into one, then de-duplicate with an
 * open-addressing set (linear time; the set's table is reused between documents). The set's
 * order is the order of first occurrence, which no consumer relies on. A thread's table is
 * freed when the thread ends (nearwire-api fingerprints on its HTTP server's thread). */
#include "shingle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "../core/nw_error.h"

/* The table, shared per thread: grows to the largest document, never shrinks. */
static _Thread_local uint64_t *table;
static _Thread_local size_t table_cap;
static pthread_key_t table_key;
static pthread_once_t table_key_once = PTHREAD_ONCE_INIT;

static void make_table_key(void)
{
    pthread_key_create(&table_key, free);
}

static int dedupe(nw_u64vec *v)
{
    size_t cap = 64;
    while (cap < 2 * v->n) {
        cap *= 2;
    }
    if (cap > table_cap) {
        uint64_t *t = realloc(table, cap * sizeof *t);
        if (!t) {
            return NW_E_NOMEM;
        }
        table = t;
        table_cap = cap;
        pthread_once(&table_key_once, make_table_key);
        pthread_setspecific(table_key, t); /* freed with the thread */
    }
    /* 0 marks an empty slot; a real 0 hash is stored as 1 (one extra collision in 2^64) */
    memset(table, 0, cap * sizeof *table);
    size_t u = 0;
    for (size_t i = 0; i < v->n; i++) {
        uint64_t x = v->v[i] ? v->v[i] : 1;
        size_t slot = (size_t)(x ^ (x >> 29)) & (cap - 1);
        while (table[slot] && table[slot] != x) {
            slot = (slot + 1) & (cap - 1);
        }
        if (!table[slot]) {
            table[slot] = x;
            v->v[u++] = x;
        }
    }
    v->n = u;
    return NW_OK;
}

int nw_shingle(const uint64_t *tokens, size_t ntok, unsigned k, nw_u64vec *out)
{
    out->n = 0;
    if (ntok == 0 || k == 0) {
        return NW_OK;
    }
    size_t w = ntok < k ? ntok : k;
    for (size_t i = 0; i + w <= ntok; i++) {
        if (nw_u64vec_push(out, XXH3_64bits(tokens + i, w * sizeof *tokens)) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    return dedupe(out);
}
