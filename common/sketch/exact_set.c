/* exact_set.c - a sort of at most 256 values, and a merge to count the overlap. */
#include "exact_set.h"

#include "anchors.h"

/* Two counting passes of 8 bits (least significant first), no comparisons: qsort's calls were
 * half of fingerprinting a short text. */
static void sort_u16(uint16_t *v, size_t n)
{
    uint16_t tmp[NW_EXACT_MAX];
    uint16_t *from = v, *to = tmp;
    for (int shift = 0; shift < 16; shift += 8) {
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
        uint16_t *t = from;
        from = to;
        to = t;
    }
}

size_t nw_exact_set(const uint64_t *shingles, size_t n, uint64_t seed, uint16_t *out)
{
    if (n == 0 || n > NW_EXACT_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = (uint16_t)(nw_anchor_key(shingles[i], seed) >> 16);
    }
    sort_u16(out, n);
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
