/* minhash.c - one-permutation hashing: the top 7 bits of a mixed shingle hash pick the bin,
 * the low 32 bits are the value; empty bins borrow from a pseudo-randomly probed full bin,
 * the probe sequence depending only on (bin, attempt), so equal sets densify equally. */
#include "minhash.h"

#include <string.h>

#include "mix.h"

void nw_minhash_sign(const uint64_t *shingles, size_t n, uint64_t seed, uint32_t *sig)
{
    uint64_t best[NW_MINHASH_BINS];
    const uint64_t empty = UINT64_MAX;
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        best[i] = empty;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = nw_mix64(shingles[i] ^ seed);
        size_t bin = (size_t)(h >> 57);
        uint64_t v = h & 0xFFFFFFFFULL;
        if (v < best[bin]) {
            best[bin] = v;
        }
    }
    if (n == 0) {
        memset(sig, 0xFF, NW_MINHASH_BINS * sizeof *sig);
        return;
    }
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        uint64_t v = best[i];
        for (uint64_t attempt = 1; v == empty; attempt++) {
            uint64_t j = nw_mix64(seed ^ (i << 32) ^ attempt) & (NW_MINHASH_BINS - 1);
            v = best[j];
        }
        sig[i] = (uint32_t)v;
    }
}

void nw_minhash_pack8(const uint32_t *sig, uint8_t *out)
{
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        out[i] = (uint8_t)(sig[i] & 0xFF);
    }
}

static double corrected(size_t eq, double chance)
{
    double m = (double)eq / NW_MINHASH_BINS;
    double j = (m - chance) / (1.0 - chance);
    return j < 0 ? 0 : j;
}

double nw_minhash_jaccard8(const uint8_t *a, const uint8_t *b)
{
    size_t eq = 0;
    for (size_t i = 0; i < NW_MINHASH_BINS; i++) {
        eq += a[i] == b[i];
    }
    return corrected(eq, 1.0 / 256.0);
}

double nw_containment(double jaccard, uint32_t na, uint32_t nb)
{
    uint32_t small = na < nb ? na : nb;
    if (small == 0) {
        return 0;
    }
    double inter = jaccard * ((double)na + (double)nb) / (1.0 + jaccard);
    double c = inter / small;
    return c > 1.0 ? 1.0 : c;
}
