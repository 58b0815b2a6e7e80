/* exact_set.c - a sort of at most 256 values, and a merge to count the overlap. */
#include "exact_set.h"

#include "anchors.h"

/* Two counting passes of 8 bits over the top 16 bits (least significant first), no
 * comparisons: qsort's calls were half of fingerprinting a short text. Stable: of two keys with
 * the same top half, the one met first in the text comes first. */
static void sort_by_top16(uint32_t *v, size_t n)
{
    uint32_t tmp[NW_EXACT_MAX];
    uint32_t *from = v, *to = tmp;
    for (int shift = 16; shift < 32; shift += 8) {
        size_t at[257] = {0};
        for (size_t i = 0; i < n; i++) {
            at[((from[i] >> shift) & 0xff) + 1]++;
        }
        for (int b = 0; b < 256; b++) {
            at[b + 1] += at[b];
        }
        for (size_t i = 0; i < n; i++) {
            to[at[(from[i] >> shift) & 0xff]++] = from[i];
        }
        uint32_t *t = from;
        from = to;
        to = t;
    }
}

size_t nw_exact_set(const uint64_t *shingles, size_t n, uint64_t seed, uint16_t *out,
                    uint32_t *keys)
{
    if (n == 0 || n > NW_EXACT_MAX) {
        return 0;
    }
    uint32_t k[NW_EXACT_MAX];
    for (size_t i = 0; i < n; i++) {
        k[i] = nw_anchor_key(shingles[i], seed);
    }
    sort_by_top16(k, n);
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
