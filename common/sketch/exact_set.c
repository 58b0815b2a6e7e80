/* exact_set.c - a sort of at most 256 values, and a merge to count the overlap. */
#include "exact_set.h"

#include <stdlib.h>

#include "anchors.h"

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

size_t nw_exact_set(const uint64_t *shingles, size_t n, uint64_t seed, uint16_t *out)
{
    if (n == 0 || n > NW_EXACT_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = (uint16_t)(nw_anchor_key(shingles[i], seed) >> 16);
    }
    qsort(out, n, sizeof *out, cmp_u16);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m == 0 || out[m - 1] != out[i]) {
            out[m++] = out[i];
        }
    }
    return m;
}

void nw_exact_measure(const uint16_t *a, size_t na, const uint16_t *b, size_t nb, double *jaccard,
                      double *containment)
{
    size_t both = 0;
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (a[i] == b[j]) {
            both++, i++, j++;
        } else {
            a[i] < b[j] ? i++ : j++;
        }
    }
    double shared = (double)both;
    double small = (double)(na < nb ? na : nb);
    *jaccard = na + nb ? shared / ((double)na + (double)nb - shared) : 0;
    *containment = small > 0 ? shared / small : 0;
}
