/* shingle.c - hash k consecutive token hashes into one, then sort and de-duplicate. */
#include "shingle.h"

#include <stdlib.h>
#include <xxhash.h>

#include "../core/nw_error.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
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
    qsort(out->v, out->n, sizeof *out->v, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (u == 0 || out->v[u - 1] != out->v[i]) {
            out->v[u++] = out->v[i];
        }
    }
    out->n = u;
    return NW_OK;
}
