/* exact_set.c - a short text's values sorted by radix (core/sort_u32.h), and a merge to count
 * the overlap. */
#include "exact_set.h"

#include "../core/sort_u32.h"
#include "anchors.h"

size_t nw_exact_set(const uint64_t *shingles, size_t n, uint64_t seed, uint16_t *out,
                    uint32_t *keys)
{
    if (n == 0 || n > NW_EXACT_MAX) {
        return 0;
    }
    uint32_t k[NW_EXACT_MAX], tmp[NW_EXACT_MAX];
    for (size_t i = 0; i < n; i++) {
        k[i] = nw_anchor_key(shingles[i], seed);
    }
    /* by the top half only: of keys sharing a value, the first met in the text is kept */
    nw_sort_u32(k, tmp, n, 16);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t top = (uint16_t)(k[i] >> 16);
        if (m == 0 || out[m - 1] != top) {
            if (keys) {
                keys[m] = k[i];
            }
            out[m++] = top;
        }
    }
    return m;
}

void nw_exact_measure(const uint16_t *a, size_t na, const uint16_t *b, size_t nb, double *jaccard,
                      double *containment)
{
    /* without branches: which side steps is a coin toss on hashed values, and the branches'
     * mispredictions were most of cluster's time verifying candidates */
    size_t both = 0;
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        uint16_t x = a[i], y = b[j];
        both += x == y;
        i += x <= y;
        j += y <= x;
    }
    double shared = (double)both;
    double small = (double)(na < nb ? na : nb);
    *jaccard = na + nb ? shared / ((double)na + (double)nb - shared) : 0;
    *containment = small > 0 ? shared / small : 0;
}
