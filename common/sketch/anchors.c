/* anchors.c - the keys below the rate's cut-off, or the smallest keys when there are too few
 * or too many of them: sorting only the keys kept, so a long page costs one pass. */
#include "anchors.h"

#include <math.h>
#include <stdlib.h>

#include "../core/nw_error.h"
#include "mix.h"

/* anchor keys must not follow the MinHash values, which use the same shingle hashes */
#define ANCHOR_SALT 0x6a09e667f3bcc909ULL

void nw_anchor_params_default(nw_anchor_params *p)
{
    *p = (nw_anchor_params){16, 16, 128};
}

const char *nw_anchor_params_check(const nw_anchor_params *p)
{
    if (p->every < 1) {
        return "anchors: every must be at least 1";
    }
    if (p->most < 1 || p->most > NW_ANCHORS_MAX) {
        return "anchors: most must be 1..256";
    }
    if (p->least > p->most) {
        return "anchors: least must not exceed most";
    }
    return NULL;
}

uint32_t nw_anchor_key(uint64_t shingle, uint64_t seed)
{
    return (uint32_t)(nw_mix64(shingle ^ seed ^ ANCHOR_SALT) >> 32);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* keys of the shingles, only those below 'cut' (all when cut is 2^32) */
static int collect(const uint64_t *shingles, size_t n, uint64_t seed, uint64_t cut, nw_u64vec *keys)
{
    keys->n = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t k = nw_anchor_key(shingles[i], seed);
        if (k < cut && nw_u64vec_push(keys, k) != NW_OK) {
            return NW_E_NOMEM;
        }
    }
    return NW_OK;
}

long nw_anchors_select(const uint64_t *shingles, size_t n, uint64_t seed, const nw_anchor_params *p,
                       nw_u64vec *scratch, uint32_t *out)
{
    const uint64_t all = 1ULL << 32;
    if (collect(shingles, n, seed, all / p->every, scratch) != NW_OK) {
        return -1;
    }
    size_t want = p->most;
    if (scratch->n < p->least) { /* a short text: its smallest keys whatever their size */
        if (collect(shingles, n, seed, all, scratch) != NW_OK) {
            return -1;
        }
        want = p->least;
    }
    if (scratch->n > 1) { /* (an empty text's vector may never have been allocated) */
        qsort(scratch->v, scratch->n, sizeof *scratch->v, cmp_u64);
    }
    size_t m = 0;
    for (size_t i = 0; i < scratch->n && m < want; i++) {
        if (m == 0 || out[m - 1] != (uint32_t)scratch->v[i]) { /* keys of two shingles can tie */
            out[m++] = (uint32_t)scratch->v[i];
        }
    }
    return (long)m;
}

double nw_anchor_candidate_probability(double shared, unsigned every)
{
    return 1.0 - pow(1.0 - 1.0 / every, shared);
}
