/* lsh.c - band keys and the S-curve. The band index is mixed into each key so equal rows in
 * different bands never share a bucket. */
#include "lsh.h"

#include <math.h>
#include <xxhash.h>

#include "minhash.h"

int nw_lsh_band_keys(const uint16_t *sig, unsigned bands, unsigned rows, uint64_t *keys)
{
    if (bands == 0 || rows == 0 || (size_t)bands * rows > NW_MINHASH_BINS) {
        return -1;
    }
    for (unsigned b = 0; b < bands; b++) {
        keys[b] = XXH3_64bits_withSeed(sig + (size_t)b * rows, rows * sizeof *sig, b + 1);
    }
    return 0;
}

double nw_lsh_candidate_probability(double j, unsigned bands, unsigned rows)
{
    return 1.0 - pow(1.0 - pow(j, rows), bands);
}
